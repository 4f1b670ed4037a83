#!/usr/bin/python3
"""Derive the escalation rule's min-confidence from a trained model's calibrated probabilities on val (clean).

    /usr/bin/python3 models/train/derive_min_confidence.py MODEL.pt [--label angry] [--precision 0.8]

With calibrated confidence, a window labelled `label` with confidence c is right about c of the time. The rule
counts a window towards an escalation when its label is `label` with confidence >= min-confidence. This prints,
per threshold, the precision and recall of `label` among val windows that pass it (temperature from the
checkpoint's training report), and the smallest threshold whose precision reaches --precision.
"""
import argparse
import json
import math
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import features  # noqa: E402
import train  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--label", default="angry")
    ap.add_argument("--precision", type=float, default=0.8)
    args = ap.parse_args()
    saved = torch.load(args.checkpoint)
    cfg = saved["config"]
    report = json.loads(Path(args.checkpoint).with_suffix(".training.json").read_text())
    temperature = report["calibration"]["temperature"]
    torch.set_num_threads(1)
    labels = cfg["data"]["labels"]
    data_dir = (HERE / cfg["data"]["dir"]).resolve()
    rows = [r for r in train.read_rows(data_dir, labels) if r["split"] == cfg["data"]["val_split"]]
    val = train.ClipSet(rows, data_dir / "audio", labels, int(cfg["data"]["max_clip_seconds"] * 16000))
    feat_cfg = features.load_config()
    floor_db = 10.0 * math.log10(feat_cfg["log_floor"])
    model = train.build_model(cfg, len(labels), saved["mean"], saved["std"], floor_db)
    model.load_state_dict(saved["state"])
    mean, std = saved["mean"], saved["std"]
    with torch.no_grad():
        x = ((features.LogMel(feat_cfg)(train.fixed_windows(val.clean, feat_cfg["window_samples"]))
              - mean[:, None]) / std[:, None]).unsqueeze(1)
        probs = torch.softmax(train.logits_of(model, x) / temperature, 1)
    k = labels.index(args.label)
    conf, pred = probs.max(1)
    truth = val.labels == k
    print(f"temperature {temperature:.3f}; val clean, {int(truth.sum())} {args.label} clips of {len(truth)}")
    print("threshold  precision  recall  windows")
    chosen = None
    for t in [x / 20 for x in range(5, 20)]:
        sel = (pred == k) & (conf >= t)
        n = int(sel.sum())
        precision = float((truth & sel).sum()) / n if n else float("nan")
        recall = float((truth & sel).sum()) / float(truth.sum())
        print(f"{t:9.2f}  {precision:9.3f}  {recall:6.3f}  {n:7d}")
        if chosen is None and n and precision >= args.precision:
            chosen = t
    print(json.dumps({"label": args.label, "target_precision": args.precision, "min_confidence": chosen}))


if __name__ == "__main__":
    main()
