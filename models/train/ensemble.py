#!/usr/bin/python3
"""Average the probabilities of several trained emostream ONNX models into one ONNX model.

    /usr/bin/python3 models/train/ensemble.py OUT.onnx A.onnx B.onnx [...]

All members must share the input contract, labels, features and normalisation (they do when trained by
train.py on the same data: the normalisation is computed from the train split). The metadata of the first
member is kept, with emostream.ensemble naming the members.
"""
import json
import sys

import onnx
from onnx import helper


def prefixed(graph, prefix):
    """Rename every internal tensor and node of a member graph, except the shared input."""
    keep = {i.name for i in graph.input}
    rename = lambda n: n if (n in keep or n == "") else prefix + n  # noqa: E731
    nodes = []
    for node in graph.node:
        n = onnx.NodeProto()
        n.CopyFrom(node)
        n.name = prefix + node.name
        n.input[:] = [rename(x) for x in node.input]
        n.output[:] = [rename(x) for x in node.output]
        nodes.append(n)
    inits = []
    for init in graph.initializer:
        t = onnx.TensorProto()
        t.CopyFrom(init)
        t.name = prefix + init.name
        inits.append(t)
    return nodes, inits, prefix + graph.output[0].name


def main(out, members):
    models = [onnx.load(m) for m in members]
    meta = {p.key: p.value for p in models[0].metadata_props}
    for path, m in zip(members[1:], models[1:]):
        other = {p.key: p.value for p in m.metadata_props}
        for key in ("emostream.labels", "emostream.features", "emostream.normalisation"):
            if other.get(key) != meta.get(key):
                raise SystemExit(f"{path}: {key} differs from {members[0]}; members must share it")
    nodes, inits, outputs = [], [], []
    for k, m in enumerate(models):
        n, i, o = prefixed(m.graph, f"m{k}_")
        nodes += n
        inits += i
        outputs.append(o)
    nodes.append(helper.make_node("Sum", outputs, ["prob_sum"], name="ensemble_sum"))
    inits.append(helper.make_tensor("ensemble_scale", onnx.TensorProto.FLOAT, [], [1.0 / len(models)]))
    nodes.append(helper.make_node("Mul", ["prob_sum", "ensemble_scale"], ["probabilities"], name="ensemble_mean"))
    g = models[0].graph
    graph = helper.make_graph(nodes, "emostream_ensemble", [g.input[0]], [g.output[0]], inits)
    model = helper.make_model(graph, opset_imports=models[0].opset_import, producer_name="emostream ensemble.py")
    meta["emostream.ensemble"] = json.dumps([str(m) for m in members])
    set_metadata(model, meta)
    onnx.checker.check_model(model)
    onnx.save(model, out)
    print(f"wrote {out} ({len(models)} members)")


def set_metadata(model, meta):
    """Replaces the model's metadata with `meta` (key -> string), in the given order."""
    del model.metadata_props[:]
    for key, value in meta.items():
        p = model.metadata_props.add()
        p.key, p.value = key, value


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2:])
