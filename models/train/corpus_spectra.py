#!/usr/bin/python3
"""Mean log-mel spectrum over speech frames (within 30 dB of the loudest frame) per corpus and class: 400 seeded
train clips of CREMA-D and the cross-corpus dev sets. Prints selected bands and the tilt (bands 60-79 minus 10-30)."""
import sys, torch, random
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
torch.set_num_threads(2)
import train as T, features
P = T.Path
labels = ["angry","happy","neutral","sad"]
lm = features.LogMel()
def prof(rows, d):
    cs = T.ClipSet(rows, d / "audio", labels, 80000)
    out = []
    for c in cs.clean:
        m = lm(features.fit_window(c, 48000))
        lvl = m.mean(0)
        sp = lvl > lvl.max() - 30  # speech-ish frames
        out.append(m[:, sp].mean(1))
    return torch.stack(out), cs
cr = P(__file__).resolve().parents[3] / "shared/data/crema-d"; cc = P(__file__).resolve().parents[3] / "shared/data/cross-corpus"
rows = [r for r in T.read_rows(cr, labels) if r["split"] == "train"]
random.Random(0).shuffle(rows); rows = rows[:400]
pc, cs = prof(rows, cr)
bands = [0, 10, 20, 30, 40, 50, 60, 70, 79]
def show(name, p):
    print(f"{name:14s}", " ".join(f"{p[b]:6.1f}" for b in bands), f" tilt(60-79 minus 10-30) {p[60:].mean()-p[10:30].mean():6.1f}")
for k, lab in enumerate(labels):
    show("crema " + lab, pc[cs.labels == k].mean(0))
drows = T.read_rows(cc, labels)
for corp in ["tess", "savee", "emovo"]:
    r = [x for x in drows if x.get("corpus") == corp]
    p, ds = prof(r, cc)
    for k, lab in enumerate(labels):
        show(corp + " " + lab, p[ds.labels == k].mean(0))
