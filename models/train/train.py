#!/usr/bin/python3
"""Train the emostream emotion CNN on CREMA-D and export it to ONNX with its metadata.

    /usr/bin/python3 models/train/train.py                 # full run (config.yaml), writes models/emotion-cnn.onnx
    /usr/bin/python3 models/train/train.py --smoke         # two epochs on generated clips, proves the data flow
    /usr/bin/python3 models/train/train.py --set augment.eq_tilt_db=12 --output /tmp/c5.onnx   # a candidate

Features come from features.py (parameters in models/features.json), which the Java front end matches
to 1e-3 dB (see src/test/resources/golden). Every training example is made on the fly from a clean clip
(room, noise, level, line, microphone: the `augment` section of the config). Nothing is picked on val or on
the cross-corpus dev sets: they are scored every epoch for the record, and the weights are the average of the
last epochs. Temperature scaling is then fitted on val clean and stored in the metadata. With `distill.teacher`
set, the loss mixes the labels with a shipped model's probabilities (teacher.py rebuilds it in PyTorch).
"""
import argparse
import csv
import json
import math
import os
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

# glibc's default malloc hands every freed block above its dynamic mmap threshold back to the kernel and faults it in
# again on the next batch: on this 2-core VM that page-fault churn made a training step 5x slower (2.4 s instead of
# 0.49 s for a batch of 64, a third of it system time). Raising the thresholds to their maximum keeps freed blocks
# in the heap for reuse; the arithmetic is the same. (jemalloc without decay was faster still, but never gave
# memory back and grew to 12 GB in one epoch.) Environment variables only take effect at start, hence the re-exec.
if "EMOSTREAM_TRAIN_MALLOC" not in os.environ:
    os.environ.update(EMOSTREAM_TRAIN_MALLOC="tuned", MALLOC_MMAP_THRESHOLD_=str(32 << 20),
                      MALLOC_TRIM_THRESHOLD_=str(4 << 30), MALLOC_TOP_PAD_=str(256 << 20))
    os.execv(sys.executable, [sys.executable] + sys.argv)
sys.path.insert(0, str(HERE))
import features  # noqa: E402
import teacher as teachers  # noqa: E402

RATE = 16000


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


# ---------------------------------------------------------------- model

class BandMeanNorm(nn.Module):
    """Subtracts each band's mean over the window's frames that are not digital-zero padding.

    The input is already normalised with the train split's per-band mean/std (the runtime does that), so a frame
    is padding when its de-normalised mean level is within 10 dB of the log floor. A constant gain, or any
    stationary channel response (microphone, line), is a per-band constant in the log domain: it cancels here.

    With ``zero_padding`` the padding frames are then set to 0, the band's mean, instead of keeping their
    distance from it: digital silence then says nothing about the level or the spectrum of the speech beside it
    (without it, a padding frame's value is floor minus band mean, the speech level itself, mirrored).
    """

    def __init__(self, mean, std, floor_db, zero_padding=False):
        super().__init__()
        self.register_buffer("mean", mean.reshape(1, 1, -1, 1).clone())
        self.register_buffer("std", std.reshape(1, 1, -1, 1).clone())
        self.threshold = floor_db + 10.0
        self.zero_padding = zero_padding

    def forward(self, x):
        level = (x * self.std + self.mean).mean(dim=2, keepdim=True)            # [N, 1, 1, T] in dB
        mask = (level > self.threshold).to(x.dtype)
        count = mask.sum(dim=3, keepdim=True).clamp(min=1.0)
        centred = x - (x * mask).sum(dim=3, keepdim=True) / count
        return centred * mask if self.zero_padding else centred


class EmotionCnn(nn.Module):
    """VGG-style CNN: per block one 3x3 conv, batch norm, ReLU, 2x2 max-pool; then a pooled linear head."""

    def __init__(self, n_classes, channels, dropout, input_norm=None):
        super().__init__()
        self.input_norm = input_norm if input_norm is not None else nn.Identity()
        blocks, c_in = [], 1
        for c_out in channels:
            blocks += [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                       nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            c_in = c_out
        self.features = nn.Sequential(*blocks)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(2 * c_in, n_classes)

    def logits(self, x):
        h = self.features(self.input_norm(x)).mean(dim=2)   # [N, C, T]: average over frequency
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


def build_model(cfg, n_classes, mean, std, floor_db):
    m = cfg["model"]
    norm = {"none": None, "band_mean": lambda: BandMeanNorm(mean, std, floor_db),
            "band_mean_zero_padding": lambda: BandMeanNorm(mean, std, floor_db, zero_padding=True),
            }[m.get("input_norm", "none")]
    return EmotionCnn(n_classes, m["channels"], m["dropout"], norm() if norm else None)


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
        raise SystemExit(f"{data_dir}/labels.csv has emotions the config does not list: {sorted(unknown)}")
    return rows


def fft_resample(wav, rate, new_rate):
    """Band-limited resampling by truncating (or zero-extending) the spectrum of the whole clip.

    For scoring only (the dev sets: TESS is at 24,414 Hz, whose reduced ratio to 16 kHz makes the sinc
    resampler build a 12,207-phase filter, 25 s per clip). Training audio is at 16 kHz already.
    """
    n_out = int(round(wav.shape[0] * new_rate / rate))
    spectrum = torch.fft.rfft(wav.double())
    keep = min(spectrum.shape[0], n_out // 2 + 1)
    out = torch.zeros(n_out // 2 + 1, dtype=spectrum.dtype)
    out[:keep] = spectrum[:keep]
    return (torch.fft.irfft(out, n_out) * (n_out / wav.shape[0])).float()


def load_clip(path, max_samples=None):
    wav, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    wav = torch.from_numpy(wav.mean(axis=1))
    if rate != RATE:
        wav = fft_resample(wav, rate, RATE)
    if max_samples and wav.shape[0] > max_samples:
        start = (wav.shape[0] - max_samples) // 2
        wav = wav[start:start + max_samples]
    return wav.contiguous()


class ClipSet:
    """Clips of one split held in memory (16 kHz, at most max_samples, centre-cropped)."""

    def __init__(self, rows, audio_dir, labels, max_samples=None):
        self.clean = [load_clip(Path(audio_dir) / r["file"], max_samples) for r in rows]
        self.labels = torch.tensor([labels.index(r["emotion"]) for r in rows])
        self.speakers = [r.get("actor") or r.get("speaker") or "" for r in rows]
        self.groups = [r.get("corpus", "") for r in rows]
        self.votes = [r.get("voice_vote", "") for r in rows]

    def __len__(self):
        return len(self.clean)


def heard_as_intended(clips, labels):
    """Per clip: whether the crowd's vote (labels joined by ':' on a tie) names its intended emotion, or it has none."""
    return [not v or labels[y] in v.split(":") for v, y in zip(clips.votes, clips.labels.tolist())]


def vote_weights(clips, labels, disagree_weight):
    """Per-clip loss weights from the crowd's vote, or None when disagree_weight is 1 (off).

    A clip heard as intended (``heard_as_intended``) weighs a, any other disagree_weight * a, with a chosen per class
    so that the class's weights sum to its clip count: the class balance stays, the clips listeners hear as intended
    count more within their class.
    """
    if disagree_weight == 1.0:
        return None
    raw = torch.tensor([1.0 if heard else disagree_weight for heard in heard_as_intended(clips, labels)])
    weights = torch.empty_like(raw)
    for c in range(len(labels)):
        in_class = clips.labels == c
        if in_class.any():
            weights[in_class] = raw[in_class] * in_class.sum() / raw[in_class].sum()
    return weights


def fixed_windows(clips, n):
    """Exactly what inference does: centre n samples, or zero-pad at the end."""
    return torch.stack([features.fit_window(c, n) for c in clips])


def random_window(clip, n, rng, random_crop):
    """A training window: a random crop of a longer clip; a shorter one zero-padded, at a random offset half of
    the time. Returns the window and the mask of its clip samples."""
    t = clip.shape[0]
    mask = torch.zeros(n)
    if t >= n:
        start = rng.randint(0, t - n) if random_crop else (t - n) // 2
        mask[:] = 1.0
        return clip[start:start + n], mask
    offset = rng.randint(0, n - t) if random_crop and rng.random() < 0.5 else 0
    out = torch.zeros(n)
    out[offset:offset + t] = clip
    mask[offset:offset + t] = 1.0
    return out, mask


class Augmenter:
    """Makes training windows on the fly: room, noise, level, line (waveform), then microphone (log-mel)."""

    def __init__(self, cfg, train, noise_dir, n, rng, gen):
        self.a, self.train, self.n, self.rng, self.gen = cfg["augment"], train, n, rng, gen
        self.noises = []
        if noise_dir and Path(noise_dir).is_dir():
            share = cfg["data"]["noise_train_share"]
            for f in sorted(Path(noise_dir).glob("*.flac")):
                wav = load_clip(f)
                self.noises.append(wav[: int(wav.shape[0] * share)])
        log(f"augmentation: {len(self.noises)} real noise recordings")

    def _choice(self, weights):
        names = list(weights)
        if not self.noises:
            names = [k for k in names if k != "real"]
        return self.rng.choices(names, [weights[k] for k in names])[0]

    def _segment(self, wav):
        if wav.shape[0] <= self.n:
            return F.pad(wav, (0, self.n - wav.shape[0]))
        start = self.rng.randint(0, wav.shape[0] - self.n)
        return wav[start:start + self.n]

    def _babble(self, exclude_speaker):
        lo, hi = self.a["babble_talkers"]
        out = torch.zeros(self.n)
        for _ in range(self.rng.randint(lo, hi)):
            while True:
                j = self.rng.randrange(len(self.train))
                if self.train.speakers[j] != exclude_speaker or len(set(self.train.speakers)) == 1:
                    break
            w = self._segment(self.train.clean[j])
            out += w / w.pow(2).mean().clamp(min=1e-10).sqrt()
        return out

    def _reverb(self, wav):
        rt60 = self.rng.uniform(*self.a["rt60_s"])
        length = int(min(rt60, 1.0) * RATE)
        t = torch.arange(length) / RATE
        ir = torch.randn(length, generator=self.gen) * torch.exp(-6.9078 * t / rt60) * 0.3
        ir[0] = 1.0
        size = 1 << (self.n + length - 1).bit_length()
        wet = torch.fft.irfft(torch.fft.rfft(wav, size) * torch.fft.rfft(ir, size), size)[: self.n]
        return wet * (wav.pow(2).mean().sqrt() / wet.pow(2).mean().clamp(min=1e-12).sqrt())

    def _speed(self, clip, factor):
        """Speed perturbation (tempo and pitch together, as a tape played faster or slower): a window of
        n x factor samples of the clip, resampled to n. The mask follows the samples."""
        need = int(math.ceil(self.n * factor))
        wav, mask = random_window(clip, need, self.rng, self.a["random_crop"])
        out = fft_resample(wav, need, self.n)
        keep = mask[(torch.arange(self.n) * (need / self.n)).long().clamp(max=need - 1)]
        return out * keep, keep

    def waveforms(self, idx):
        """Augmented 16 kHz windows [B, n] for the train clips idx."""
        a, rng = self.a, self.rng
        out = []
        for i in idx:
            if a.get("speed_p", 0.0) > 0.0 and rng.random() < a["speed_p"]:
                wav, mask = self._speed(self.train.clean[i], rng.uniform(*a["speed_range"]))
            else:
                wav, mask = random_window(self.train.clean[i], self.n, rng, a["random_crop"])
            if rng.random() < a["reverb_p"]:
                wav = self._reverb(wav)
            if rng.random() < a["noise_p"]:
                kind = self._choice(a["noise_weights"])
                if kind == "real":
                    noise = self._segment(self.noises[rng.randrange(len(self.noises))])
                elif kind == "babble":
                    noise = self._babble(self.train.speakers[i])
                else:
                    noise = torch.randn(self.n, generator=self.gen)
                if rng.random() < 0.5:   # noise over the clip only (as `evaluate --snr` does), or the whole window
                    noise = noise * mask
                power = (wav.pow(2) * mask).sum() / mask.sum().clamp(min=1.0)
                noise_power = noise.pow(2).mean().clamp(min=1e-12)
                snr = rng.uniform(*a["snr_db"])
                wav = wav + noise * torch.sqrt(power.clamp(min=1e-10) / (noise_power * 10.0 ** (snr / 10.0)))
            wav = wav * 10.0 ** (rng.uniform(*a["gain_db"]) / 20.0)
            out.append(wav.clamp(-1.0, 1.0))
        batch = torch.stack(out)
        lines = [self._choice(a["channel_weights"]) if rng.random() < a["channel_p"] else None for _ in idx]
        for line, apply in (("mulaw", features.telephone_channel),
                            ("alaw", lambda w: features.g711_round_trip(w, "alaw")), ("narrowband", features.narrowband)):
            rows = [k for k, c in enumerate(lines) if c == line]
            if rows:
                batch[rows] = apply(batch[rows])
        return batch

    def microphone(self, mels, floor_db):
        """A random smooth frequency response, added per band in the log domain (where a filter is additive)."""
        a, rng = self.a, self.rng
        bands = torch.arange(mels.shape[1], dtype=torch.float32)
        for b in range(mels.shape[0]):
            if rng.random() >= a["eq_p"]:
                continue
            curve = rng.uniform(-a["eq_tilt_db"], a["eq_tilt_db"]) * (bands / (len(bands) - 1) - 0.5)
            for _ in range(a["eq_bumps"]):
                centre, width = rng.uniform(0, len(bands) - 1), rng.uniform(4, 12)
                curve = curve + rng.uniform(-a["eq_bump_db"], a["eq_bump_db"]) * torch.exp(
                    -0.5 * ((bands - centre) / (width / 2)) ** 2)
            live = mels[b] > floor_db   # the digital floor stays the floor
            mels[b] = torch.where(live, mels[b] + curve[:, None], mels[b])
        return mels


def freq_mixstyle(x, aug, rng):
    """Frequency-wise MixStyle (Zhou et al., ICLR 2021; per band as in Kim et al. and Schmid et al., DCASE 2022).

    With probability ``mixstyle_p`` per batch, each window's per-band mean and standard deviation over time are
    replaced by a convex mix, weight Beta(alpha, alpha), of its own and those of another window of the batch. Those
    per-band statistics are what a microphone, a room or a line changes; the label stays, so the network is pushed
    to hear emotion in how the bands move, not in where they sit. Training only: the exported graph has no such
    step, so it costs nothing at inference. Draws nothing from ``rng`` when the probability is 0, so a recipe
    without it is unchanged.
    """
    p = aug["mixstyle_p"]   # default in config.yaml
    if p <= 0.0 or rng.random() >= p:
        return x
    alpha, eps = aug["mixstyle_alpha"], 1e-6
    mu = x.mean(dim=(1, 3), keepdim=True)                                  # [N, 1, F, 1]
    sig = (x.var(dim=(1, 3), keepdim=True) + eps).sqrt()
    lam = torch.tensor([rng.betavariate(alpha, alpha) for _ in range(x.shape[0])],
                       dtype=x.dtype).reshape(-1, 1, 1, 1)
    perm = list(range(x.shape[0]))
    rng.shuffle(perm)
    mu_mix = lam * mu + (1 - lam) * mu[perm]
    sig_mix = lam * sig + (1 - lam) * sig[perm]
    return (x - mu) / sig * sig_mix + mu_mix


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


def expected_calibration_error(probs, y, bins=15):
    """ECE over equal-width confidence bins, as `./emostream evaluate` reports it."""
    conf, pred = probs.max(1)
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = (conf > lo) & (conf <= hi) if b else (conf >= lo) & (conf <= hi)
        if sel.any():
            ece += sel.float().mean().item() * abs((pred[sel] == y[sel]).float().mean().item() - conf[sel].mean().item())
    return ece


@torch.no_grad()
def logits_of(model, feats, batch=128):
    model.eval()
    return torch.cat([model(feats[i:i + batch]) for i in range(0, len(feats), batch)])


def fit_temperature(logits, y):
    """The temperature minimising the negative log-likelihood (a 1-D search over a fine log grid)."""
    grid = torch.exp(torch.linspace(math.log(0.25), math.log(4.0), 401))
    nll = torch.stack([F.cross_entropy(logits / t, y) for t in grid])
    return float(grid[int(nll.argmin())])


# ---------------------------------------------------------------- evaluation sets

class EvalSets:
    """Windows made exactly as inference makes them (from the waveform), normalised: val clean, val telephone,
    val in white noise at 10 dB (seeded), and each cross-corpus dev set."""

    def __init__(self, val, dev, logmel, norm, n, k, seed):
        self.k = k
        windows = fixed_windows(val.clean, n)
        gen = torch.Generator().manual_seed(seed)
        noisy = torch.stack([features.add_noise(w, 10.0, gen) for w in windows])
        with torch.no_grad():
            self.sets = {"val_clean": (norm(logmel(windows)), val.labels),
                         "val_telephone": (norm(logmel(features.telephone_channel(windows))), val.labels),
                         "val_snr10": (norm(logmel(noisy.clamp(-1.0, 1.0))), val.labels)}
            if dev is not None:
                dev_windows = norm(logmel(fixed_windows(dev.clean, n)))
                for corpus in sorted(set(dev.groups)):
                    sel = torch.tensor([g == corpus for g in dev.groups])
                    self.sets[f"dev_{corpus}"] = (dev_windows[sel], dev.labels[sel])

    def scores(self, model):
        out = {name: macro_f1(y, logits_of(model, x).argmax(1), self.k) for name, (x, y) in self.sets.items()}
        dev = [v for name, v in out.items() if name.startswith("dev_")]
        if dev:
            out["dev_mean"] = sum(dev) / len(dev)
        return out


def format_scores(s):
    return " ".join(f"{k} {v:.3f}" for k, v in s.items())


# ---------------------------------------------------------------- main

def smoke_dataset(tmp, labels):
    """A few generated clips per label (different pitch / loudness), enough to run the flow end to end."""
    (tmp / "audio").mkdir(parents=True, exist_ok=True)  # deterministic: a rerun rewrites the same clips
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
            vote = label if k % 2 == 0 else labels[(li + 1) % len(labels)]  # half heard as another class
            rows.append({"file": name, "actor": str(k % 3), "emotion": label,
                         "split": ["train", "train", "train", "train", "val", "val"][k], "voice_vote": vote,
                         "exclude": ""})
    with open(tmp / "labels.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["file", "actor", "emotion", "split", "voice_vote", "exclude"])
        w.writeheader()
        w.writerows(rows)
    return tmp


def apply_overrides(cfg, pairs):
    """--set a.b=value: value parsed as YAML (numbers, lists, strings)."""
    for pair in pairs or []:
        key, _, value = pair.partition("=")
        node, parts = cfg, key.split(".")
        for p in parts[:-1]:
            node = node[p]
        if parts[-1] not in node:
            raise SystemExit(f"--set {key}: no such key in the config")
        node[parts[-1]] = yaml.safe_load(value)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(HERE / "config.yaml"))
    ap.add_argument("--data", help="CREMA-D directory (labels.csv, audio/); default from the config")
    ap.add_argument("--dev-data", help="cross-corpus dev directory (labels.csv, audio/); default from the config")
    ap.add_argument("--noise-data", help="directory of noise recordings (*.flac); default from the config")
    ap.add_argument("--output", help="ONNX file to write; default from the config")
    ap.add_argument("--epochs", type=int, help="override optim.epochs")
    ap.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a config key, e.g. seed=7")
    ap.add_argument("--threads", type=int, help="override the config's thread count")
    ap.add_argument("--smoke", action="store_true", help="two epochs on generated clips, output to a temp dir")
    ap.add_argument("--last-epoch-output", metavar="ONNX",
                    help="also write the last epoch's weights (not averaged; own temperature) to this file")
    args = ap.parse_args()

    cfg = yaml.safe_load(open(args.config))
    apply_overrides(cfg, args.set)
    if cfg["optim"]["selection"] not in ("last", "last_k"):
        raise SystemExit(f"optim.selection must be last or last_k, not {cfg['optim']['selection']}")
    if args.last_epoch_output and cfg["optim"]["selection"] == "last":
        raise SystemExit("--last-epoch-output is for selection last_k: with last, --output is the last epoch")
    if args.threads:
        cfg["threads"] = args.threads
    seed = cfg["seed"]
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(cfg.get("threads", 1))
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)

    feat_cfg = features.load_config()
    n = feat_cfg["window_samples"]
    labels = cfg["data"]["labels"]
    base = Path(args.config).parent
    data_dir = Path(args.data) if args.data else (base / cfg["data"]["dir"]).resolve()
    dev_dir = Path(args.dev_data) if args.dev_data else (base / cfg["data"]["dev"]).resolve()
    noise_dir = Path(args.noise_data) if args.noise_data else (base / cfg["data"]["noise"]).resolve()
    output = Path(args.output) if args.output else (base / cfg["export"]["output"]).resolve()
    epochs = args.epochs or cfg["optim"]["epochs"]
    if args.smoke:
        if not args.data:
            data_dir = smoke_dataset(Path(tempfile.mkdtemp(prefix="emostream-smoke-")), labels)
        if not args.dev_data:
            dev_dir = None
        output = Path(args.output) if args.output else data_dir / "smoke.onnx"
        epochs = 2

    rows = read_rows(data_dir, labels)
    max_samples = int(cfg["data"]["max_clip_seconds"] * RATE)
    log(f"loading clips from {data_dir}")
    train = ClipSet([r for r in rows if r["split"] == cfg["data"]["train_split"]], data_dir / "audio", labels,
                    max_samples)
    val = ClipSet([r for r in rows if r["split"] == cfg["data"]["val_split"]], data_dir / "audio", labels,
                  max_samples)
    dev = None
    if dev_dir and (dev_dir / "labels.csv").exists():
        dev = ClipSet(read_rows(dev_dir, labels), dev_dir / "audio", labels)
    log(f"train {len(train)} clips, val {len(val)} clips, dev {len(dev) if dev else 0} clips")

    logmel = features.LogMel(feat_cfg)
    frames, floor_db = feat_cfg["frames"], 10.0 * math.log10(feat_cfg["log_floor"])
    with torch.no_grad():
        train_clean = logmel(fixed_windows(train.clean, n))
        mean = train_clean.mean(dim=(0, 2))
        std = train_clean.std(dim=(0, 2)).clamp(min=1e-3)
    del train_clean
    norm = lambda x: ((x - mean[:, None]) / std[:, None]).unsqueeze(1)  # noqa: E731
    evals = EvalSets(val, dev, logmel, norm, n, len(labels), seed)
    augmenter = Augmenter(cfg, train, noise_dir, n, rng, gen)
    soft_targets = distillation_targets(cfg, base, train, val, logmel, n, len(labels), args.smoke)
    weights = vote_weights(train, labels, cfg["data"]["vote_disagree_weight"])
    if weights is not None:
        agree = sum(heard_as_intended(train, labels))
        log(f"vote weights: {agree} of {len(train)} train clips heard as intended; weights "
            f"{weights.min().item():.3f}-{weights.max().item():.3f}")

    def training_batch(idx):
        with torch.no_grad():
            mels = augmenter.microphone(logmel(augmenter.waveforms(idx)), floor_db).clamp(min=floor_db)
            return norm(mels)

    # channels_last: the Debian PyTorch build's batch norm and ReLU run about 25 % faster in this layout on CPU
    # (same arithmetic, other rounding); the exported graph is unchanged.
    model = build_model(cfg, len(labels), mean, std, floor_db).to(memory_format=torch.channels_last)
    flops = flops_per_window(cfg["model"]["channels"], feat_cfg["n_mels"], frames, len(labels))
    log(f"model: {sum(p.numel() for p in model.parameters())} parameters, {flops / 1e9:.3f} GFLOP per window, "
        f"input_norm {cfg['model'].get('input_norm', 'none')}")
    o = cfg["optim"]
    opt = torch.optim.AdamW(model.parameters(), lr=o["lr"], weight_decay=o["weight_decay"])
    steps_per_epoch = math.ceil(len(train) / o["batch_size"])
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=o["lr"], total_steps=epochs * steps_per_epoch,
                                                pct_start=o["pct_warmup"])
    loss_fn = nn.CrossEntropyLoss(label_smoothing=o["label_smoothing"])
    loss_each = nn.CrossEntropyLoss(label_smoothing=o["label_smoothing"], reduction="none")

    # Selection "last_k": no early stopping, the whole schedule, then the average of the last k epochs' weights with
    # batch-norm statistics recomputed (stochastic weight averaging): nothing is chosen on val or dev.
    history, checkpoints = [], []
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        total = 0.0
        for s in range(0, len(order), o["batch_size"]):
            idx = order[s:s + o["batch_size"]]
            x = spec_augment(freq_mixstyle(training_batch(idx), cfg["augment"], rng), cfg["augment"], rng)
            x = x.contiguous(memory_format=torch.channels_last)
            out = model(x)
            if weights is None:
                loss = loss_fn(out, train.labels[idx])
                if soft_targets is not None:
                    d = cfg["distill"]
                    tau = d["temperature"]
                    kd = F.kl_div(F.log_softmax(out / tau, 1), soft_targets[idx], reduction="batchmean") * tau * tau
                    loss = (1.0 - d["weight"]) * loss + d["weight"] * kd
            else:
                # the same loss per clip, weighted (the weights average 1 over the train set); the distillation
                # term too unless vote_weight_teacher is false
                w = weights[idx]
                loss = w * loss_each(out, train.labels[idx])
                if soft_targets is not None:
                    d = cfg["distill"]
                    tau = d["temperature"]
                    kd = F.kl_div(F.log_softmax(out / tau, 1), soft_targets[idx], reduction="none").sum(1) * tau * tau
                    loss = (1.0 - d["weight"]) * loss + d["weight"] * (w * kd if cfg["data"]["vote_weight_teacher"]
                                                                       else kd)
                loss = loss.mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        every = cfg.get("eval_every", 1)
        scores = evals.scores(model) if epoch % every == 0 or epoch > epochs - o["average_last_k"] else {}
        history.append({"epoch": epoch, "loss": total / len(train), **scores, "seconds": time.time() - t0})
        log(f"epoch {epoch}: loss {total / len(train):.4f} {format_scores(scores)} ({time.time() - t0:.0f} s)")
        checkpoints = (checkpoints + [{k: v.clone() for k, v in model.state_dict().items()}])[-o["average_last_k"]:]

    def average(states):
        return {k: (sum(s[k].float() for s in states) / len(states)).to(states[0][k].dtype) for k in states[0]}

    last_epoch = checkpoints[-1]
    if o["selection"] == "last":
        # the weights the schedule ends on, batch-norm statistics as trained
        model.load_state_dict(last_epoch)
        finish(model, f"the last epoch ({epochs}), not averaged", cfg, args, epochs, data_dir, evals, feat_cfg,
               labels, mean, std, flops, history, output)
        return
    model.load_state_dict(average(checkpoints))
    recompute_batch_norm(model, training_batch, len(train), o["batch_size"])
    selection = f"average of the last {len(checkpoints)} epochs, batch norm recomputed"
    finish(model, selection, cfg, args, epochs, data_dir, evals, feat_cfg, labels, mean, std, flops, history, output)
    if args.last_epoch_output:
        model.load_state_dict(last_epoch)
        finish(model, f"the last epoch ({epochs}), not averaged", cfg, args, epochs, data_dir, evals, feat_cfg,
               labels, mean, std, flops, history, Path(args.last_epoch_output))


def finish(model, selection, cfg, args, epochs, data_dir, evals, feat_cfg, labels, mean, std, flops, history, output):
    """Scores the selected weights, fits the temperature on val clean, and writes the ONNX file, its .pt and its
    .training.json."""
    state = {k: v.clone() for k, v in model.state_dict().items()}
    final = evals.scores(model)
    log(f"{selection}: {format_scores(final)}")

    x_val, y_val = evals.sets["val_clean"]
    val_logits = logits_of(model, x_val)
    temperature = fit_temperature(val_logits, y_val)
    ece_before = expected_calibration_error(torch.softmax(val_logits, 1), y_val)
    ece_after = expected_calibration_error(torch.softmax(val_logits / temperature, 1), y_val)
    log(f"temperature {temperature:.3f} (val clean ECE {ece_before:.4f} -> {ece_after:.4f})")

    report = {"recipe": {"config": cfg, "epochs": epochs, "smoke": bool(args.smoke), "data": str(data_dir)},
              "selection": selection,
              "val_macro_f1": final["val_clean"], "val_macro_f1_telephone": final["val_telephone"],
              "scores": final, "gflop_per_window": flops / 1e9,
              "calibration": {"temperature": temperature, "fitted_on": "val clean",
                              "val_ece_before": ece_before, "val_ece_after": ece_after},
              "history": history}
    torch.save({"state": state, "mean": mean, "std": std, "config": cfg}, output.with_suffix(".pt"))
    export(model, state, cfg, feat_cfg, labels, mean, std, report, output)
    (output.parent / (output.stem + ".training.json")).write_text(json.dumps(report, indent=2))
    log(f"wrote {output}")


@torch.no_grad()
def distillation_targets(cfg, base, train, val, logmel, n, k, smoke):
    """The teacher's probabilities at the distillation temperature for each train clip's clean centre window
    (one target per clip, computed once: the student sees augmented random crops of the same clip), or None.

    Before use, the rebuilt teacher's val clean macro-F1 is logged beside the one its card states, so a teacher
    rebuilt wrongly is seen at once."""
    d = cfg.get("distill") or {}
    if not d.get("teacher") or smoke:
        return None
    path = (base / d["teacher"]).resolve()
    teacher = teachers.Teacher(path)
    mean, std = teacher.normalisation()
    tnorm = lambda x: ((x - mean[:, None]) / std[:, None]).unsqueeze(1)  # noqa: E731

    def probs(clips, tau):
        windows = fixed_windows(clips, n)
        return torch.cat([teacher.probabilities(tnorm(logmel(windows[s:s + 128])), tau)
                          for s in range(0, len(clips), 128)])

    val_f1 = macro_f1(val.labels, probs(val.clean, 1.0).argmax(1), k)
    log(f"teacher {path.name} ({teacher.metadata.get('emostream.model_version')}, {len(teacher.members)} members): "
        f"val clean macro-F1 {val_f1:.4f} rebuilt in PyTorch")
    return probs(train.clean, d["temperature"])


@torch.no_grad()
def recompute_batch_norm(model, training_batch, n_clips, batch):
    """Running batch-norm statistics of averaged weights, recomputed over one pass of augmented training
    windows (the averaged model's activations differ from any epoch's, so their running stats do not fit)."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average over the pass
    model.train()
    for s in range(0, n_clips, batch):
        model(training_batch(list(range(s, min(s + batch, n_clips)))))
    for bn in bns:
        bn.momentum = 0.1
    model.eval()


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
        "emostream.calibration": json.dumps({"temperature": round(report["calibration"]["temperature"], 4),
                                             "fitted_on": report["calibration"]["fitted_on"]}),
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
