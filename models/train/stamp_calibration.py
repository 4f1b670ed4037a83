#!/usr/bin/python3
"""Release a model's weights unchanged with a temperature: a calibration-only version.

    /usr/bin/python3 models/train/stamp_calibration.py models/emotion-cnn.onnx --temperature T --version 2.2.1 \
        --fitted-on "val clean" [--training-json models/emotion-cnn.training.json]

Writes `emostream.calibration` ({"temperature": T, "fitted_on": ...}) and the new `emostream.model_version` into the
ONNX metadata, and drops `emostream.test_metrics` (the new version has no test run yet: record_test_metrics.py adds
it after `./emostream evaluate`). The weights are untouched. The training report beside the model records what the
release changed, under "calibration_release".
"""
import argparse
import json
from pathlib import Path

import onnx

import ensemble


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--temperature", type=float, required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--fitted-on", required=True)
    ap.add_argument("--training-json")
    args = ap.parse_args()
    if not (args.temperature > 0):
        raise SystemExit("--temperature must be > 0")
    model = onnx.load(args.model)
    meta = {p.key: p.value for p in model.metadata_props}
    previous = meta["emostream.model_version"]
    meta.pop("emostream.test_metrics", None)
    meta["emostream.calibration"] = json.dumps({"temperature": round(args.temperature, 4), "fitted_on": args.fitted_on})
    meta["emostream.model_version"] = args.version
    ensemble.set_metadata(model, meta)
    onnx.checker.check_model(model)
    onnx.save(model, args.model)
    report_path = Path(args.training_json) if args.training_json else Path(args.model).with_suffix(".training.json")
    report = json.loads(report_path.read_text())
    report["calibration_release"] = {"model_version": args.version, "weights_of": previous,
                                     "temperature": round(args.temperature, 4), "fitted_on": args.fitted_on}
    report_path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{args.model}: {previous} -> {args.version}, temperature {args.temperature:.4f} ({args.fitted_on})")


if __name__ == "__main__":
    main()
