"""A shipped emostream ONNX model (one network or an ensemble.py graph) rebuilt in PyTorch, for distillation.

There is no ONNX Runtime for Python on the training machine, so the graph is read with `onnx` and its weights are
loaded into the same layers: per member four Conv (batch norm folded in by the export) + ReLU + 2x2 max-pool
blocks, mean over frequency, mean and max over time, one linear layer. `check()` in train.py compares its val
macro-F1 with the figure `evaluate` measured for the same model, so a wrong rebuild cannot go unnoticed.
"""
import json
import re

import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper


class Member(nn.Module):
    def __init__(self, convs, fc_w, fc_b):
        super().__init__()
        layers = []
        for w, b in convs:
            conv = nn.Conv2d(w.shape[1], w.shape[0], 3, padding=1)
            conv.weight.data, conv.bias.data = w, b
            layers += [conv, nn.ReLU(), nn.MaxPool2d(2)]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(fc_w.shape[1], fc_w.shape[0])
        self.fc.weight.data, self.fc.bias.data = fc_w, fc_b

    def logits(self, x):
        h = self.features(x).mean(dim=2)
        return self.fc(torch.cat([h.mean(dim=2), h.amax(dim=2)], 1))


class Teacher(nn.Module):
    """probabilities(x, temperature): the mean over members of softmax(logits / temperature), as the graph does
    at temperature 1."""

    def __init__(self, path):
        super().__init__()
        m = onnx.load(str(path))
        self.metadata = {p.key: p.value for p in m.metadata_props}
        inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}
        prefixes = sorted(k[: -len("net.classifier.weight")] for k in inits if k.endswith("net.classifier.weight"))
        members = []
        for p in prefixes:
            convs = sorted((k for k in inits if k.startswith(p) and inits[k].dim() == 4),
                           key=lambda k: int(re.search(r"(\d+)$", k).group(1)))
            convs = [(inits[k], inits[re.sub(r"(\d+)$", lambda g: str(int(g.group(1)) + 1), k)]) for k in convs]
            members.append(Member(convs, inits[p + "net.classifier.weight"], inits[p + "net.classifier.bias"]))
        self.members = nn.ModuleList(members)
        self.eval()

    def normalisation(self):
        norm = json.loads(self.metadata["emostream.normalisation"])
        return torch.tensor(norm["mean"]), torch.tensor(norm["std"])

    @torch.no_grad()
    def probabilities(self, x, temperature=1.0):
        return torch.stack([torch.softmax(m.logits(x) / temperature, 1) for m in self.members]).mean(0)
