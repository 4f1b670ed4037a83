#!/usr/bin/env bash
# The model-selection score of models/README.md's rules: S = mean of val clean, val telephone, val --snr 10, and the
# mean over the cross-corpus dev sets, each macro-F1 from ./emostream evaluate. Never touches the test split.
# Also reported, not part of S (rule 3.6.0): val with the real noise recordings at 10 dB SNR.
#
#   tools/score_model.sh MODEL.onnx OUT_DIR   (writes OUT_DIR/{val-clean,val-telephone,val-snr10,val-noise10,dev}.json)
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="$(realpath "$1")"
out="$(mkdir -p "$2" && realpath "$2")"
data="${EMOSTREAM_DATA:-$home/../shared/data}"
threads="${THREADS:-1}"
crema=(--labels "$data/crema-d/labels.csv" --audio-dir "$data/crema-d/audio" --split val)
run() { "$home/emostream" evaluate --model "$model" --threads "$threads" --progress 100000 "$@"; }
run "${crema[@]}" > "$out/val-clean.json"
run "${crema[@]}" --channel telephone > "$out/val-telephone.json"
run "${crema[@]}" --snr 10 > "$out/val-snr10.json"
run "${crema[@]}" --noise "$data/noise" --snr 10 > "$out/val-noise10.json"
run --labels "$data/cross-corpus/labels.csv" --audio-dir "$data/cross-corpus/audio" > "$out/dev.json"
/usr/bin/python3 - "$out" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
r = {k: json.loads((out / f"{k}.json").read_text())
     for k in ("val-clean", "val-telephone", "val-snr10", "val-noise10", "dev")}
parts = {k: r[k]["macro_f1"] for k in ("val-clean", "val-telephone", "val-snr10")}
parts["dev-mean"] = r["dev"]["corpus_mean_macro_f1"]
per_corpus = {c: round(v["macro_f1"], 4) for c, v in r["dev"]["per_corpus"].items()}
score = sum(parts.values()) / 4
print(json.dumps({"model": r["val-clean"]["model"], "S": round(score, 4),
                  "parts": {k: round(v, 4) for k, v in parts.items()}, "dev": per_corpus,
                  "reported": {"val-noise10": round(r["val-noise10"]["macro_f1"], 4)}}))
PY
