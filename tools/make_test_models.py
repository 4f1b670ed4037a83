#!/usr/bin/python3
"""Builds the tiny, deterministic ONNX test models under core/src/test/resources/model/.

The valid model honours the model contract of docs/architecture.md with fixed weights (no training):

    log_mel [N,1,80,188] --ReduceMean over frames--> [N,1,80] --Flatten--> [N,80]
        --MatMul W [80,4] + b--> logits [N,4] --Softmax--> probabilities [N,4]

W makes each label a detector of one quarter of the mel bands (sad: bands 0-19 up to ~750 Hz, neutral:
20-39 up to ~1.7 kHz, happy: 40-59 up to ~3.6 kHz, angry: 60-79 above), plus a small cosine term so that every
weight takes part. A tone therefore lands on a predictable label, which the Java tests use.

The normalisation constants are real: per-band mean and std of the log-mel of espeak-ng speech, computed with
models/train/features.py (the training front end).

Also written: broken variants (one contract violation each), and predict-reference.json with probabilities
computed here in numpy for inputs given by a formula the Java test evaluates too.

Derived from emotion-test.onnx by changing metadata only (graph and weights kept): emotion-test-calibrated.onnx
(emostream.calibration with temperature 2.0) and broken-calibration-*.onnx (an invalid temperature). They are
rebuilt at the end of a full run, or alone (no espeak-ng needed) with --derived-only.

Run from the repository root:  /usr/bin/python3 tools/make_test_models.py [--derived-only]
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import soundfile
import torch
from onnx import TensorProto, helper

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "models" / "train"))
import features  # noqa: E402  (models/train/features.py, the training front end)

OUT = ROOT / "core" / "src" / "test" / "resources" / "model"
LABELS = ["angry", "happy", "neutral", "sad"]
OPSET = 17

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "I have been waiting on hold for forty minutes and nobody has helped me.",
    "Thank you so much, that solved my problem completely.",
    "Could you please repeat the account number slowly?",
    "Unfortunately the payment did not go through yesterday.",
]
VOICES = ["en", "en-us", "en+f3", "en+m3"]
# label -> (lowest, highest) tone of a chord that the valid model classifies as that label
CHORDS = {"sad": (100, 700), "neutral": (850, 1600), "happy": (1800, 3400), "angry": (4000, 7500)}


def weights():
    n_mels, k = 80, len(LABELS)
    w = np.zeros((n_mels, k), dtype=np.float64)
    for label_index in range(k):
        region = (k - 1 - label_index)  # angry -> top quarter of the bands, sad -> bottom quarter
        w[region * 20:(region + 1) * 20, label_index] = 0.025
        for band in range(n_mels):
            w[band, label_index] += 0.005 * np.cos(np.pi * (label_index + 1) * (band + 0.5) / n_mels)
    bias = np.array([0.05, -0.05, 0.1, -0.1])
    return w.astype(np.float32), bias.astype(np.float32)


def speech_normalisation(cfg):
    """Per-band mean/std of the log-mel of a few espeak-ng sentences (16 kHz, training front end)."""
    log_mel = features.LogMel(cfg)
    frames = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (text, voice) in enumerate((s, v) for s in SENTENCES for v in VOICES):
            wav_path = Path(tmp) / f"{i}.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-w", str(wav_path), text], check=True)
            audio, rate = soundfile.read(wav_path, dtype="float32")
            wav = features.resample(torch.from_numpy(audio), rate, cfg["sample_rate"])
            frames.append(log_mel(wav).numpy())
    all_frames = np.concatenate(frames, axis=1)  # [n_mels, total frames]
    mean = np.round(all_frames.mean(axis=1), 4)
    std = np.round(all_frames.std(axis=1), 4)
    assert (std > 0).all()
    return {"mean": mean.tolist(), "std": std.tolist()}


def build(name, *, input_name="log_mel", input_type=TensorProto.FLOAT, n_mels=80, frames=188,
          batch="N", output_name="probabilities", metadata=None, doc="emostream test model"):
    w, b = weights()
    w = w[:n_mels] if n_mels <= 80 else np.vstack([w, np.zeros((n_mels - 80, 4), np.float32)])
    nodes = []
    first = input_name
    if input_type != TensorProto.FLOAT:
        nodes.append(helper.make_node("Cast", [input_name], ["as_float"], to=TensorProto.FLOAT))
        first = "as_float"
    nodes += [
        helper.make_node("ReduceMean", [first], ["band_means"], axes=[3], keepdims=0),
        helper.make_node("Flatten", ["band_means"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "W"], ["scores"]),
        helper.make_node("Add", ["scores", "b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], [output_name], axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "emotion_test",
        [helper.make_tensor_value_info(input_name, input_type, [batch, 1, n_mels, frames])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, [batch, 4])],
        initializer=[helper.make_tensor("W", TensorProto.FLOAT, w.shape, w.flatten().tolist()),
                     helper.make_tensor("b", TensorProto.FLOAT, b.shape, b.tolist())])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="tools/make_test_models.py", doc_string=doc)
    model.ir_version = 8
    for key, value in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    onnx.save(model, OUT / name)
    return model


def reference_input(n, n_mels=80, frames=188):
    """The formula EmotionModelTest evaluates too: deterministic, varied per item, band and frame."""
    i, band, frame = np.meshgrid(np.arange(n), np.arange(n_mels), np.arange(frames), indexing="ij")
    x = np.sin(0.013 * band * frame + 0.7 * i + 0.1 * band) * (1.0 + 0.02 * band) + 0.3 * np.cos(1.3 * i + band)
    return x.astype(np.float32)


def reference_predict(x):
    w, b = weights()
    band_means = x.astype(np.float64).mean(axis=2)
    logits = band_means @ w.astype(np.float64) + b
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


CALIBRATED_TEMPERATURE = 2.0


def derived():
    """Metadata-only variants of emotion-test.onnx: a calibrated model and invalid calibrations."""
    def with_metadata(name, changes):
        model = onnx.load(OUT / "emotion-test.onnx")
        meta = {p.key: p.value for p in model.metadata_props}
        meta.update(changes)
        del model.metadata_props[:]
        for key, value in meta.items():
            entry = model.metadata_props.add()
            entry.key, entry.value = key, value
        onnx.checker.check_model(model)
        onnx.save(model, OUT / name)

    key = "emostream.calibration"
    with_metadata("emotion-test-calibrated.onnx",
                  {key: json.dumps({"temperature": CALIBRATED_TEMPERATURE, "fitted_on": "test fixture"}),
                   "emostream.model_version": "1-calibrated"})
    with_metadata("broken-calibration-negative.onnx", {key: json.dumps({"temperature": -1.5, "fitted_on": "x"})})
    with_metadata("broken-calibration-text.onnx", {key: json.dumps({"temperature": "warm"})})


def main():
    if "--derived-only" in sys.argv[1:]:
        derived()
        return
    OUT.mkdir(parents=True, exist_ok=True)
    cfg = features.load_config()
    features_json = json.dumps(cfg)
    norm = speech_normalisation(cfg)
    good = {
        "emostream.labels": ",".join(LABELS),
        "emostream.features": features_json,
        "emostream.normalisation": json.dumps(norm),
        "emostream.model_id": "emostream-test-bandpool",
        "emostream.model_version": "1",
        "emostream.training_data": "none: fixed weights from tools/make_test_models.py",
        "emostream.licence": "Apache-2.0",
        "emostream.metrics": json.dumps({"note": "untrained test model"}),
    }
    build("emotion-test.onnx", metadata=good)

    def without(*keys, **changes):
        meta = {k: v for k, v in good.items() if k not in keys}
        meta.update({k.replace("_", "."): v for k, v in changes.items()})
        return meta

    build("broken-input-name.onnx", input_name="mel", metadata=good)
    build("broken-mels.onnx", n_mels=64, metadata=good)
    build("broken-fixed-batch.onnx", batch=1, metadata=good)
    build("broken-int-input.onnx", input_type=TensorProto.INT64, metadata=good)
    build("broken-output-name.onnx", output_name="scores_out", metadata=good)
    build("broken-missing-labels.onnx", metadata=without("emostream.labels"))
    build("broken-label-count.onnx", metadata=without(emostream_labels="angry,happy,sad"))
    bad_norm = {"mean": norm["mean"], "std": norm["std"][:-1] + [0.0]}
    build("broken-normalisation.onnx", metadata=without(emostream_normalisation=json.dumps(bad_norm)))

    x = reference_input(3)
    probabilities = reference_predict(x)
    (OUT / "predict-reference.json").write_text(json.dumps({
        "formula": "x[i][0][b][t] = float32(sin(0.013*b*t + 0.7*i + 0.1*b) * (1 + 0.02*b) + 0.3*cos(1.3*i + b))",
        "batch": 3,
        "probabilities": probabilities.round(7).tolist(),
    }, indent=1) + "\n")

    # Chords the Java tests rely on (8 tones, geometrically spaced, 0.05 each): the mel region holding their
    # energy decides the label. A single tone is too narrow to move a 20-band region mean reliably.
    log_mel = features.LogMel(cfg)
    mean, std = np.array(norm["mean"])[:, None], np.array(norm["std"])[:, None]
    t = torch.arange(cfg["window_samples"], dtype=torch.float64) / cfg["sample_rate"]
    for label, (low, high) in CHORDS.items():
        wav = sum(0.05 * torch.sin(2 * np.pi * f * t) for f in np.geomspace(low, high, 8)).float()
        z = (log_mel(wav).numpy() - mean) / std
        p = reference_predict(z[None].astype(np.float32))[0]
        print(f"chord {low}-{high} Hz -> {LABELS[int(p.argmax())]} (expected {label}) {np.round(p, 3)}")
        assert LABELS[int(p.argmax())] == label
    derived()


if __name__ == "__main__":
    main()
