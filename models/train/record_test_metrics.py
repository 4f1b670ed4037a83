#!/usr/bin/python3
"""Write the test-split results of `./emostream evaluate` into the model's metadata (`emostream.test_metrics`).

    /usr/bin/python3 models/train/record_test_metrics.py models/emotion-cnn.onnx models/results/test-*.json

Test metrics are measured by the product's Java front end and runtime after training, so they are recorded in a
second step. Only the metadata changes; the graph and weights are kept as they are. The given files replace any
test metrics recorded before; a result measured on another model, or two results for one condition, are refused.
"""
import json
import sys
from pathlib import Path

import onnx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ensemble  # noqa: E402


def condition_name(condition):
    """clean, telephone, alaw, snr10, noise10 (real noise from --noise), gain-20, telephone+snr5, ...

    Line, then noise, then gain, as ShippedModelTest.conditionName; results written before the noise and gain_db
    fields existed keep their names.
    """
    parts = [condition["channel"]] if condition["channel"] != "clean" else []
    if condition.get("snr_db") is not None:
        kind = "noise" if condition.get("noise") is not None else "snr"
        parts.append(f"{kind}{condition['snr_db']:g}")
    if condition.get("gain_db") is not None:
        parts.append(f"gain{condition['gain_db']:g}")
    return "+".join(parts) or "clean"


def main(model_path, result_paths):
    model = onnx.load(model_path)
    meta = {p.key: p.value for p in model.metadata_props}
    metrics = {}
    for path in result_paths:
        result = json.load(open(path))
        measured = f"{result['model']['id']} {result['model']['version']}"
        shipped = f"{meta['emostream.model_id']} {meta['emostream.model_version']}"
        if measured != shipped or result["split"] != "test":
            raise SystemExit(f"{path}: {result['split']} split of {measured}, not the test split of {shipped}")
        name = condition_name(result["condition"])
        if name in metrics:
            raise SystemExit(f"{path}: a second result for condition {name}")
        metrics[name] = {
            "macro_f1": result["macro_f1"], "accuracy": result["accuracy"], "clips": result["clips"],
            **({"ece": result["ece"]} if "ece" in result else {}),
            "f1": {label: scores["f1"] for label, scores in result["per_class"].items()}}
    meta["emostream.test_metrics"] = json.dumps(metrics, sort_keys=True)
    ensemble.set_metadata(model, meta)
    onnx.save(model, model_path)
    print(f"{model_path}: test metrics for {', '.join(sorted(metrics))}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2:])
