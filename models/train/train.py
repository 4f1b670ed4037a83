#!/usr/bin/python3
"""Train the emostream emotion CNN on CREMA-D and export it to ONNX with its metadata.

    /usr/bin/python3 models/train/train.py                 # full run (config.yaml), writes models/emotion-cnn.onnx
    /usr/bin/python3 models/train/train.py --smoke         # two epochs on generated clips, proves the data flow

Features come from features.py (parameters in models/features.json), which the Java front end matches
to 1e-3 dB (see src/test/resources/golden). Model selection uses the val split only.
"""
import argparse
import csv
import json
import math
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import features  # noqa: E402


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


# ---------------------------------------------------------------- model

class EmotionCnn(nn.Module):
    """VGG-style CNN: per block one 3x3 conv, batch norm, ReLU, 2x2 max-pool; then a pooled linear head."""

    def __init__(self, n_classes, channels, dropout):
        super().__init__()
        blocks, c_in = [], 1
        for c_out in channels:
            blocks += [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                       nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            c_in = c_out
        self.features = nn.Sequential(*blocks)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(2 * c_in, n_classes)

    def logits(self, x):
        h = self.features(x).mean(dim=2)                    # [N, C, T]: average over frequency
        h = torch.cat([h.mean(dim=2), h.amax(dim=2)], 1)    # mean and max over time
        return self.classifier(self.dropout(h))

    def forward(self, x):
        return self.logits(x)


class WithSoftmax(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, log_mel):
        return torch.softmax(self.net.logits(log_mel), dim=1)


def flops_per_window(channels, n_mels, frames, n_classes):
    """Multiply-adds x 2 of the conv stack and head for one window (batch norm and pooling ignored)."""
    total, c_in, h, w = 0, 1, n_mels, frames
    for c_out in channels:
        total += 2 * h * w * c_in * c_out * 9
        c_in, h, w = c_out, h // 2, w // 2
    return total + 2 * 2 * c_in * n_classes


# ---------------------------------------------------------------- data

def read_rows(data_dir, labels):
    with open(Path(data_dir) / "labels.csv") as f:
        rows = [r for r in csv.DictReader(f) if not r.get("exclude")]
    unknown = {r["emotion"] for r in rows} - set(labels)
    if unknown:
        raise SystemExit(f"labels.csv has emotions the config does not list: {sorted(unknown)}")
    return rows


def load_clip(path, max_samples):
    wav, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    wav = torch.from_numpy(wav.mean(axis=1))
    if rate != 16000:
        wav = features.resample(wav, rate, 16000)
    if wav.shape[0] > max_samples:
        start = (wav.shape[0] - max_samples) // 2
        wav = wav[start:start + max_samples]
    return wav.contiguous()


class ClipSet:
    """Clips of one split held in memory (16 kHz, at most max_samples, centre-cropped)."""

    def __init__(self, rows, data_dir, labels, max_samples):
        self.clean = [load_clip(Path(data_dir) / "audio" / r["file"], max_samples) for r in rows]
        self.labels = torch.tensor([labels.index(r["emotion"]) for r in rows])
        self.files = [r["file"] for r in rows]

    def __len__(self):
        return len(self.clean)


def fixed_windows(clips, n):
    """Exactly what inference does: centre n samples, or zero-pad at the end."""
    return torch.stack([features.fit_window(c, n) for c in clips])


VARIANTS = ("clean", "telephone", "noise", "noise_telephone")


def variant_features(ds, logmel, snr_range, rng, gen, hop, batch=64):
    """Whole-clip log-mels of every augmentation variant, computed once (the waveform steps are the slow part).

    Clips are processed in batches of similar length, zero-padded to the longest; each result is cut back
    to its clip's own frame count. Returns {variant: [tensor n_mels x frames_i]}; the noise SNR is drawn
    per clip from snr_range.
    """
    out = {v: [None] * len(ds) for v in VARIANTS}
    order = sorted(range(len(ds)), key=lambda i: ds.clean[i].shape[0])
    with torch.no_grad():
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            lengths = [ds.clean[i].shape[0] for i in idx]
            clean = torch.stack([F.pad(ds.clean[i], (0, max(lengths) - ds.clean[i].shape[0])) for i in idx])
            noisy = torch.stack([F.pad(features.add_noise(ds.clean[i], rng.uniform(*snr_range), gen),
                                       (0, max(lengths) - ds.clean[i].shape[0])) for i in idx])
            for v, wav in (("clean", clean), ("telephone", features.telephone_channel(clean)),
                           ("noise", noisy), ("noise_telephone", features.telephone_channel(noisy))):
                mels = logmel(wav.clamp(-1.0, 1.0))
                for k, i in enumerate(idx):
                    out[v][i] = mels[k, :, : 1 + lengths[k] // hop].clone()
    return out


def crop_frames(spec, frames, floor_db, rng, random_crop):
    """A window of `frames` from a whole-clip log-mel: random crop of longer clips, floor-padding of shorter
    ones (at the end, or at a random offset half of the time), as the waveform would be zero-padded."""
    t = spec.shape[1]
    if t >= frames:
        start = rng.randint(0, t - frames) if random_crop else (t - frames) // 2
        return spec[:, start:start + frames]
    out = torch.full((spec.shape[0], frames), floor_db)
    offset = rng.randint(0, frames - t) if random_crop and rng.random() < 0.5 else 0
    out[:, offset:offset + t] = spec
    return out


def augment_batch(variants, idx, cfg, frames, floor_db, rng):
    aug = cfg["augment"]
    weights = [aug["variant_weights"][v] for v in VARIANTS]
    out = []
    for i in idx:
        v = rng.choices(VARIANTS, weights)[0]
        spec = crop_frames(variants[v][i], frames, floor_db, rng, aug["random_crop"])
        # Gain is a shift in the log domain (exact except at the floor).
        out.append(torch.clamp(spec + rng.uniform(*aug["gain_db"]), min=floor_db))
    return torch.stack(out)


def spec_augment(x, aug, rng):
    for b in range(x.shape[0]):
        for _ in range(aug["spec_freq_masks"]):
            w = rng.randint(0, aug["spec_freq_width"])
            f0 = rng.randint(0, x.shape[2] - w)
            x[b, :, f0:f0 + w, :] = 0.0
        for _ in range(aug["spec_time_masks"]):
            w = rng.randint(0, aug["spec_time_width"])
            t0 = rng.randint(0, x.shape[3] - w)
            x[b, :, :, t0:t0 + w] = 0.0
    return x


@torch.no_grad()
def recompute_batch_norm(model, variants, n_clips, cfg, frames, floor_db, norm, rng, batch=64):
    """Running batch-norm statistics of averaged weights, recomputed over one pass of augmented training
    windows (the averaged model's activations differ from any epoch's, so their running stats do not fit)."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average over the pass
    model.train()
    order = list(range(n_clips))
    for s in range(0, n_clips, batch):
        model(norm(augment_batch(variants, order[s:s + batch], cfg, frames, floor_db, rng)))
    for bn in bns:
        bn.momentum = 0.1
    model.eval()


# ---------------------------------------------------------------- metrics

def macro_f1(y_true, y_pred, k):
    f1s = []
    for c in range(k):
        tp = int(((y_pred == c) & (y_true == c)).sum())
        fp = int(((y_pred == c) & (y_true != c)).sum())
        fn = int(((y_pred != c) & (y_true == c)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return sum(f1s) / k


@torch.no_grad()
def predict(model, feats, batch=128):
    model.eval()
    return torch.cat([model(feats[i:i + batch]).argmax(1) for i in range(0, len(feats), batch)])


# ---------------------------------------------------------------- main

def smoke_dataset(tmp, labels):
    """A few generated clips per label (different pitch / loudness), enough to run the flow end to end."""
    (tmp / "audio").mkdir(parents=True, exist_ok=True)  # deterministic: a resumed smoke run rewrites the same clips
    g = np.random.default_rng(0)
    rows = []
    for li, label in enumerate(labels):
        for k in range(6):
            t = np.arange(int(16000 * g.uniform(1.5, 3.5))) / 16000
            f0 = 120 + 60 * li
            wav = 0.1 * (1 + li) / len(labels) * np.sin(2 * np.pi * f0 * t * (1 + 0.05 * np.sin(3 * t)))
            wav += 0.005 * g.standard_normal(t.shape)
            name = f"{label}_{k}.flac"
            soundfile.write(str(tmp / "audio" / name), wav.astype(np.float32), 16000)
            rows.append({"file": name, "emotion": label, "split": ["train", "train", "train", "train", "val", "val"][k],
                         "exclude": ""})
    with open(tmp / "labels.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["file", "emotion", "split", "exclude"])
        w.writeheader()
        w.writerows(rows)
    return tmp


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(HERE / "config.yaml"))
    ap.add_argument("--data", help="CREMA-D directory (labels.csv, audio/); default from the config")
    ap.add_argument("--output", help="ONNX file to write; default from the config")
    ap.add_argument("--epochs", type=int, help="override optim.epochs")
    ap.add_argument("--seed", type=int, help="override the config's seed (for seed ensembles)")
    ap.add_argument("--threads", type=int, help="override the config's thread count")
    ap.add_argument("--smoke", action="store_true", help="two epochs on generated clips, output to a temp dir")
    ap.add_argument("--member", type=int, help="train only member K of the config's ensemble (used by the full run)")
    ap.add_argument("--members-dir", help="work directory of the members (memberK.onnx, .pt, .training.json, .log); "
                                          "members already in it are reused, the missing ones trained")
    args = ap.parse_args()

    cfg = yaml.safe_load(open(args.config))
    if cfg.get("ensemble") and args.member is None:
        return train_ensemble(args, cfg)
    if args.member is not None:
        member = cfg["ensemble"][args.member]
        cfg["seed"] = member["seed"]
        cfg["model"]["channels"] = member.get("channels", cfg["model"]["channels"])
    if args.seed is not None:
        cfg["seed"] = args.seed
    if args.threads:
        cfg["threads"] = args.threads
    seed = cfg["seed"]
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(cfg.get("threads", 2))
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)

    feat_cfg = features.load_config()
    n = feat_cfg["window_samples"]
    labels = cfg["data"]["labels"]
    data_dir = Path(args.data) if args.data else (Path(args.config).parent / cfg["data"]["dir"]).resolve()
    output = Path(args.output) if args.output else (Path(args.config).parent / cfg["export"]["output"]).resolve()
    epochs = args.epochs or cfg["optim"]["epochs"]
    if args.smoke:
        if not args.data:
            data_dir = smoke_dataset(Path(tempfile.mkdtemp(prefix="emostream-smoke-")), labels)
        output = Path(args.output) if args.output else data_dir / "smoke.onnx"
        epochs = 2

    rows = read_rows(data_dir, labels)
    max_samples = int(cfg["data"]["max_clip_seconds"] * 16000)
    log(f"loading clips from {data_dir}")
    train = ClipSet([r for r in rows if r["split"] == cfg["data"]["train_split"]], data_dir, labels, max_samples)
    val = ClipSet([r for r in rows if r["split"] == cfg["data"]["val_split"]], data_dir, labels, max_samples)
    log(f"train {len(train)} clips, val {len(val)} clips")

    logmel = features.LogMel(feat_cfg)
    frames, floor_db = feat_cfg["frames"], 10.0 * math.log10(feat_cfg["log_floor"])
    with torch.no_grad():
        train_clean = logmel(fixed_windows(train.clean, n))
        mean = train_clean.mean(dim=(0, 2))
        std = train_clean.std(dim=(0, 2)).clamp(min=1e-3)
        norm = lambda x: ((x - mean[:, None]) / std[:, None]).unsqueeze(1)  # noqa: E731
        # Validation windows are made exactly as inference makes them, from the waveform.
        val_clean = norm(logmel(fixed_windows(val.clean, n)))
        val_phone = norm(logmel(torch.stack([features.telephone_channel(w) for w in fixed_windows(val.clean, n)])))
    del train_clean
    log("computing augmentation variants")
    variants = variant_features(train, logmel, cfg["augment"]["snr_db"], rng, gen, feat_cfg["hop_length"])
    log("variants ready")

    model = EmotionCnn(len(labels), cfg["model"]["channels"], cfg["model"]["dropout"])
    flops = flops_per_window(cfg["model"]["channels"], feat_cfg["n_mels"], feat_cfg["frames"], len(labels))
    log(f"model: {sum(p.numel() for p in model.parameters())} parameters, {flops / 1e9:.3f} GFLOP per window")
    o = cfg["optim"]
    opt = torch.optim.AdamW(model.parameters(), lr=o["lr"], weight_decay=o["weight_decay"])
    steps_per_epoch = math.ceil(len(train) / o["batch_size"])
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=o["lr"], total_steps=epochs * steps_per_epoch,
                                                pct_start=o["pct_warmup"])
    loss_fn = nn.CrossEntropyLoss(label_smoothing=o["label_smoothing"])

    # Selection. "best_k": the best single epoch or the average of the k best on val, whichever scores higher
    # (runs A-F; val swings by 0.2 between epochs while the one-cycle rate is high, so this picks a lucky
    # epoch). "last_k": no early stopping, the whole schedule, then the average of the last k epochs' weights
    # with batch-norm statistics recomputed (stochastic weight averaging): no choice left to make on val.
    selection = o.get("selection", "best_k")
    keep_k = o["average_last_k"] if selection == "last_k" else o["average_top_k"]
    history, checkpoints, best, since_best = [], [], -1.0, 0
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        total = 0.0
        for s in range(0, len(order), o["batch_size"]):
            idx = order[s:s + o["batch_size"]]
            with torch.no_grad():
                x = spec_augment(norm(augment_batch(variants, idx, cfg, frames, floor_db, rng)), cfg["augment"], rng)
            loss = loss_fn(model(x), train.labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        f1_clean = macro_f1(val.labels, predict(model, val_clean), len(labels))
        f1_phone = macro_f1(val.labels, predict(model, val_phone), len(labels))
        score = (f1_clean + f1_phone) / 2
        history.append({"epoch": epoch, "loss": total / len(train), "val_macro_f1": f1_clean,
                        "val_macro_f1_telephone": f1_phone, "seconds": time.time() - t0})
        log(f"epoch {epoch}: loss {total / len(train):.4f} val F1 clean {f1_clean:.4f} telephone {f1_phone:.4f} "
            f"({time.time() - t0:.0f} s)")
        checkpoints.append((score, epoch, {k: v.clone() for k, v in model.state_dict().items()}))
        if selection == "last_k":
            checkpoints = checkpoints[-keep_k:]
            continue
        checkpoints = sorted(checkpoints, key=lambda c: -c[0])[:keep_k]
        if score > best:
            best, since_best = score, 0
        elif epoch > o["pct_warmup"] * epochs:  # the val score dips while the one-cycle rate climbs: wait it out
            since_best += 1
            if since_best >= o["early_stopping_patience"]:
                log("early stop")
                break

    def val_scores(state):
        model.load_state_dict(state)
        return (macro_f1(val.labels, predict(model, val_clean), len(labels)),
                macro_f1(val.labels, predict(model, val_phone), len(labels)))

    def average(states):
        return {k: (sum(s[k].float() for s in states) / len(states)).to(states[0][k].dtype) for k in states[0]}

    if selection == "last_k":
        model.load_state_dict(average([c[2] for c in checkpoints]))
        recompute_batch_norm(model, variants, len(train), cfg, frames, floor_db, norm, rng)
        state = {k: v.clone() for k, v in model.state_dict().items()}
        chosen = f"average of the last {len(checkpoints)} epochs, batch norm recomputed"
        log(f"{chosen}: val {val_scores(state)}")
    else:
        best_state = checkpoints[0][2]
        avg_state = average([c[2] for c in checkpoints])
        single, averaged = val_scores(best_state), val_scores(avg_state)
        log(f"best epoch {checkpoints[0][1]} val {single}; average of {len(checkpoints)} best {averaged}")
        chosen, state = ("average", avg_state) if sum(averaged) > sum(single) else ("best", best_state)
    final = val_scores(state)

    # What made this member, so that `--members-dir` reuses it only for the same recipe.
    recipe = member_recipe(cfg, epochs, args.smoke, data_dir)
    report = {"recipe": recipe, "selection": chosen, "epochs": [c[1] for c in checkpoints], "val_macro_f1": final[0],
              "val_macro_f1_telephone": final[1], "gflop_per_window": flops / 1e9, "history": history}
    torch.save({"state": state, "mean": mean, "std": std, "config": cfg}, output.with_suffix(".pt"))
    export(model, state, cfg, feat_cfg, labels, mean, std, report, output)
    (output.parent / (output.stem + ".training.json")).write_text(json.dumps(report, indent=2))
    log(f"wrote {output}")


# ---------------------------------------------------------------- ensemble

def member_recipe(cfg, epochs, smoke, data_dir):
    """Everything that determines a member's weights: its effective config, epochs, smoke mode and data."""
    return json.loads(json.dumps({"config": cfg, "epochs": epochs, "smoke": bool(smoke), "data": str(data_dir)}))


def train_ensemble(args, cfg):
    """The shipped model: every member of cfg["ensemble"] trained by this script in a child process
    (`parallel_members` at a time, one thread each), then the mean of their probabilities as one ONNX graph
    (ensemble.py), with the ensemble's own val scores, its members and the recipe in the metadata."""
    import subprocess
    import ensemble as onnx_ensemble
    import onnx

    members = cfg["ensemble"]
    work = Path(args.members_dir) if args.members_dir else Path(tempfile.mkdtemp(prefix="emostream-members-"))
    work.mkdir(parents=True, exist_ok=True)
    labels = cfg["data"]["labels"]
    data = args.data
    if args.smoke and not data:
        data = str(smoke_dataset(work / "smoke-data", labels))
    output = Path(args.output) if args.output else (
        work / "smoke.onnx" if args.smoke else (Path(args.config).parent / cfg["export"]["output"]).resolve())

    def command(k):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--config", args.config, "--member", str(k),
               "--output", str(work / f"member{k}.onnx"), "--threads", "1"]
        cmd += ["--data", data] if data else []
        cmd += ["--smoke"] if args.smoke else []
        cmd += ["--epochs", str(args.epochs)] if args.epochs else []
        return cmd

    # With --members-dir, finished members are reused: an interrupted run resumes, and a member added to the config
    # trains alone. A member is reused only if its files are complete and it was trained with the recipe this run
    # would use (config, epochs, smoke mode, data); otherwise the run stops before training anything.
    # The widest members start first so that the two slots finish together.
    default_data = (Path(args.config).parent / cfg["data"]["dir"]).resolve()

    def expected_recipe(k):
        member_cfg = json.loads(json.dumps(cfg))
        member_cfg["seed"] = members[k]["seed"]
        member_cfg["model"]["channels"] = members[k].get("channels", cfg["model"]["channels"])
        member_cfg["threads"] = 1
        epochs = 2 if args.smoke else (args.epochs or cfg["optim"]["epochs"])
        return member_recipe(member_cfg, epochs, args.smoke, Path(data) if data else default_data)

    def done(k):
        if not all((work / f"member{k}{ext}").exists() for ext in (".pt", ".onnx", ".training.json")):
            return False
        trained = json.loads((work / f"member{k}.training.json").read_text()).get("recipe")
        expected = expected_recipe(k)
        if trained != expected:
            differs = sorted(key for key in expected if trained is None or trained.get(key) != expected[key])
            if trained is not None and "config" in differs:
                differs += [f"config.{key}" for key in expected["config"]
                            if trained["config"].get(key) != expected["config"][key]]
            raise SystemExit(f"{work}/member{k}.* was trained with another recipe (differs in: "
                             f"{', '.join(differs) if trained else 'no recipe recorded'}); delete those files to "
                             f"retrain member {k}, or use another --members-dir")
        return True

    width = lambda k: sum(members[k].get("channels", cfg["model"]["channels"]))  # noqa: E731
    pending = sorted((k for k in range(len(members)) if not done(k)), key=lambda k: -width(k))
    running = []
    if len(pending) < len(members):
        log(f"reusing members {sorted(set(range(len(members))) - set(pending))} from {work}")
    while pending or running:
        while pending and len(running) < cfg.get("parallel_members", 2):
            k = pending.pop(0)
            log(f"member {k}: {members[k]} (log: {work / f'member{k}.log'})")
            running.append((k, subprocess.Popen(command(k), stdout=open(work / f"member{k}.log", "w"),
                                                stderr=subprocess.STDOUT)))
        time.sleep(2)
        for k, proc in list(running):
            if proc.poll() is not None:
                running.remove((k, proc))
                if proc.returncode != 0:
                    for _, other in running:  # no orphan left writing its files into the work directory
                        other.terminate()
                        other.wait()
                    raise SystemExit(f"member {k} failed (exit {proc.returncode}); see {work / f'member{k}.log'}")
                log(f"member {k} done")

    # The ensemble's val scores, computed as the members' were: windows made from the waveform as inference does.
    feat_cfg = features.load_config()
    n = feat_cfg["window_samples"]
    data_dir = Path(data) if data else (Path(args.config).parent / cfg["data"]["dir"]).resolve()
    rows = [r for r in read_rows(data_dir, labels) if r["split"] == cfg["data"]["val_split"]]
    val = ClipSet(rows, data_dir, labels, int(cfg["data"]["max_clip_seconds"] * 16000))
    logmel = features.LogMel(feat_cfg)
    windows = fixed_windows(val.clean, n)
    probs = {"clean": 0.0, "telephone": 0.0}
    reports = []
    with torch.no_grad():
        mels = {"clean": logmel(windows),
                "telephone": logmel(torch.stack([features.telephone_channel(w) for w in windows]))}
        for k, member in enumerate(members):
            saved = torch.load(work / f"member{k}.pt")
            net = EmotionCnn(len(labels), member.get("channels", cfg["model"]["channels"]), cfg["model"]["dropout"])
            net.load_state_dict(saved["state"])
            net.eval()
            for condition, mel in mels.items():
                x = ((mel - saved["mean"][:, None]) / saved["std"][:, None]).unsqueeze(1)
                probs[condition] = probs[condition] + torch.softmax(net(x), 1) / len(members)
            reports.append(json.loads((work / f"member{k}.training.json").read_text()))
    f1 = {c: macro_f1(val.labels, p.argmax(1), len(labels)) for c, p in probs.items()}
    log(f"ensemble of {len(members)}: val macro-F1 clean {f1['clean']:.4f} telephone {f1['telephone']:.4f}")

    onnx_ensemble.main(str(output), [str(work / f"member{k}.onnx") for k in range(len(members))])
    m = onnx.load(str(output))
    gflop = sum(r["gflop_per_window"] for r in reports)
    meta = {p.key: p.value for p in m.metadata_props}
    meta.update({
        "emostream.metrics": json.dumps({"val_macro_f1": f1["clean"], "val_macro_f1_telephone": f1["telephone"],
                                         "gflop_per_window": gflop}),
        "emostream.ensemble": json.dumps(members),
        "emostream.seed": ",".join(str(mb["seed"]) for mb in members),
        "emostream.model_id": cfg["export"]["model_id"],
        "emostream.model_version": cfg["export"]["model_version"],
    })
    onnx_ensemble.set_metadata(m, meta)
    onnx.save(m, str(output))
    report = {"selection": f"mean of {len(members)} members' probabilities", "val_macro_f1": f1["clean"],
              "val_macro_f1_telephone": f1["telephone"], "gflop_per_window": gflop,
              "members": [dict(member=mb, **r) for mb, r in zip(members, reports)]}
    (output.parent / (output.stem + ".training.json")).write_text(json.dumps(report, indent=2))
    log(f"wrote {output}")


def export(model, state, cfg, feat_cfg, labels, mean, std, report, output):
    import onnx

    model.load_state_dict(state)
    model.eval()
    wrapped = WithSoftmax(model)
    dummy = torch.zeros(1, 1, feat_cfg["n_mels"], feat_cfg["frames"])
    torch.onnx.export(wrapped, dummy, str(output), input_names=["log_mel"], output_names=["probabilities"],
                      dynamic_axes={"log_mel": {0: "batch"}, "probabilities": {0: "batch"}},
                      opset_version=cfg["export"]["opset"], do_constant_folding=True)
    m = onnx.load(str(output))
    e = cfg["export"]
    meta = {
        "emostream.labels": ",".join(labels),
        "emostream.features": json.dumps(feat_cfg),
        "emostream.normalisation": json.dumps({"mean": [round(float(v), 6) for v in mean],
                                               "std": [round(float(v), 6) for v in std]}),
        "emostream.model_id": e["model_id"],
        "emostream.model_version": e["model_version"],
        "emostream.training_data": e["training_data"],
        "emostream.licence": e["licence"],
        "emostream.metrics": json.dumps({k: report[k] for k in ("val_macro_f1", "val_macro_f1_telephone",
                                                                 "gflop_per_window")}),
        "emostream.seed": str(cfg["seed"]),
    }
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    onnx.checker.check_model(m)
    onnx.save(m, str(output))


if __name__ == "__main__":
    main()
