#!/usr/bin/python3
"""Regenerates every golden fixture of the Java front end (log-mel, resampler, telephone channel).

    /usr/bin/python3 tools/make_golden_fixtures.py            # from the repository root

Uses Debian torch 1.13 / torchaudio 0.13 and imports models/train/features.py by path, so the fixtures
come from exactly the code that computes the training features. Writes into core/src/test/resources/golden/:

  manifest.json        one entry per fixture: kind, parameters, file names, shapes
  *.in.s16             input signals as int16 LE; the float input is (s16 / 32768) * gain, computed in
                       float32 (numpy) exactly as the Java test does
  *.out.f32            expected outputs, float32 LE (log-mel row-major [n_mels][frames])
  *.out64.f32          log-mel computed by the same torchaudio module in float64 (reference without
                       torch's float32 rounding), stored as float32; only written when it differs from
                       the float32 result by more than 1e-4 dB (otherwise the float32 file serves both)
  speech_espeak_16k.wav  espeak-ng speech (16 kHz mono 16-bit), made once with espeak-ng + sox when missing
  tone_stereo.flac / tone_stereo.wav  tiny FLAC fixture (flac CLI) and its PCM original

Signals use fixed seeds; rerunning gives identical files (apart from espeak-ng versions, hence "when missing").
"""
import importlib.util
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
import torchaudio

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "core" / "src" / "test" / "resources" / "golden"
spec = importlib.util.spec_from_file_location("features", ROOT / "models" / "train" / "features.py")
features = importlib.util.module_from_spec(spec)
spec.loader.exec_module(features)

manifest = {"mel": [], "resample": [], "telephone": [], "exact": []}


def to_s16(x):
    return np.clip(np.round(np.asarray(x, dtype=np.float64) * 32768.0), -32768, 32767).astype("<i2")


def from_s16(s16, gain):
    return (s16.astype(np.float32) / np.float32(32768.0)) * np.float32(gain)


def save_input(name, s16):
    (OUT / f"{name}.in.s16").write_bytes(s16.astype("<i2").tobytes())
    return f"{name}.in.s16"


def save_f32(fname, arr):
    (OUT / fname).write_bytes(np.asarray(arr, dtype="<f4").tobytes())
    return fname


def speech_fixture():
    wav = OUT / "speech_espeak_16k.wav"
    if not wav.exists():
        raw = Path("/tmp/emostream_espeak_raw.wav")
        subprocess.run(["espeak-ng", "-s", "170", "-w", str(raw),
                        "Hello, thank you for calling. I am really upset about my bill."], check=True)
        subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", "-e", "signed", str(wav)],
                       check=True)
    import soundfile
    data, rate = soundfile.read(str(wav), dtype="int16")
    assert rate == 16000
    return data


def flac_fixture():
    wav = OUT / "tone_stereo.wav"
    flac = OUT / "tone_stereo.flac"
    rate, n = 22050, 4410
    t = np.arange(n) / rate
    rng = np.random.default_rng(7)
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    right = 0.3 * np.sin(2 * np.pi * 1000 * t) + 0.05 * rng.standard_normal(n)
    import soundfile
    soundfile.write(str(wav), np.stack([to_s16(left), to_s16(right)], axis=1), rate, subtype="PCM_16")
    subprocess.run(["flac", "-s", "-f", "--best", "-o", str(flac), str(wav)], check=True)


def mel_signals(n, rate, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / rate
    sig = {}
    sig["white_noise"] = (0.1 * rng.standard_normal(n), 1.0)
    f0, f1 = 50.0, rate / 2 - 100
    phase = 2 * np.pi * (f0 * t + (f1 - f0) / (2 * t[-1]) * t ** 2)
    sig["chirp"] = (0.5 * np.sin(phase), 1.0)
    sig["tones"] = (0.2 * (np.sin(2 * np.pi * 440 * t) + np.sin(2 * np.pi * 1000 * t)
                           + np.sin(2 * np.pi * 3000 * t)), 1.0)
    sig["silence"] = (np.zeros(n), 1.0)
    # speech-like: harmonics of a gliding f0 under two formant bumps, 4 Hz syllabic envelope
    f0t = 140 + 40 * np.sin(2 * np.pi * 0.7 * t)
    ph = 2 * np.pi * np.cumsum(f0t) / rate
    harm = np.zeros(n)
    for k in range(1, 40):
        fk = k * f0t
        amp = np.exp(-((fk - 700) / 300) ** 2) + 0.5 * np.exp(-((fk - 1800) / 400) ** 2) + 0.05
        harm += np.where(fk < rate / 2, amp * np.sin(k * ph), 0.0)
    env = 0.5 * (1 + np.sin(2 * np.pi * 4 * t)) ** 2 / 4
    sig["speech_like"] = (0.3 * harm / np.abs(harm).max() * env, 1.0)
    # quiet: ~3e-6 RMS noise plus a faint 200 Hz tone, stored as int16 with gain 1/100 so that
    # many mel bands sit close to the 1e-10 floor
    quiet = 0.05 * (10.0 / 32768 * rng.standard_normal(n) + 40.0 / 32768 * np.sin(2 * np.pi * 200 * t))
    sig["quiet_near_floor"] = (quiet, 0.05)
    return sig


def torch_logmel(cfg, x32):
    module = features.LogMel(cfg)
    y32 = module(torch.from_numpy(x32)).numpy()
    y64 = module.double()(torch.from_numpy(x32.astype(np.float64))).numpy()
    return y32, y64


def add_mel(name, cfg, s16, gain):
    x = from_s16(s16, gain)
    y32, y64 = torch_logmel(cfg, x)
    assert y32.shape == (cfg["n_mels"], cfg["frames"]), y32.shape
    gap = float(np.abs(y32.astype(np.float64) - y64).max())
    entry = {"name": name, "config": cfg, "gain": gain, "input": save_input(f"mel_{name}", s16),
             "expected": save_f32(f"mel_{name}.out.f32", y32), "float32_vs_float64_max_db": gap,
             "n_mels": cfg["n_mels"], "frames": cfg["frames"]}
    if gap > 1e-4:
        entry["expected64"] = save_f32(f"mel_{name}.out64.f32", y64)
    manifest["mel"].append(entry)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for f in OUT.glob("*.s16"):
        f.unlink()
    for f in OUT.glob("*.f32"):
        f.unlink()
    torch.manual_seed(0)
    base = features.load_config()
    n = base["window_samples"]

    speech = speech_fixture()
    flac_fixture()

    for name, (x, gain) in mel_signals(n, base["sample_rate"], seed=1).items():
        if name == "silence":
            continue  # all -100 dB; LogMelSpectrogramTest checks it without a file
        add_mel(name, base, to_s16(x / gain), gain)
    fitted = np.zeros(n, dtype="<i2")
    m = min(n, len(speech))
    fitted[:m] = speech[(len(speech) - m) // 2:(len(speech) - m) // 2 + m]
    add_mel("espeak_speech", base, fitted, 1.0)

    # parameter sweep on 1-s windows
    sweep = [
        dict(n_fft=512, win_length=512, hop_length=160, n_mels=40),
        dict(n_fft=2048, win_length=2048, hop_length=256, n_mels=64, mel_scale="htk", mel_norm=None),
        dict(n_fft=1024, win_length=800, hop_length=160, n_mels=80, f_min=20.0, f_max=7600.0,
             pad_mode="constant"),
        dict(n_fft=400, win_length=400, hop_length=160, n_mels=64, mel_norm=None),
        dict(sample_rate=8000, window_samples=4000, n_fft=256, win_length=256, hop_length=80, n_mels=40,
             f_max=4000.0),
        dict(n_fft=2048, win_length=1024, hop_length=256, n_mels=80, power=1.0),
    ]
    for i, over in enumerate(sweep):
        cfg = dict(base)
        cfg["window_samples"] = 8000
        cfg.update(over)
        cfg["frames"] = 1 + cfg["window_samples"] // cfg["hop_length"]
        sigs = mel_signals(cfg["window_samples"], cfg["sample_rate"], seed=100 + i)
        x, gain = sigs["speech_like"] if i % 2 == 0 else sigs["chirp"]
        x = x + 0.01 * np.random.default_rng(200 + i).standard_normal(len(x))
        add_mel(f"sweep{i}", cfg, to_s16(x), 1.0)

    # resampler: 0.25 s of noise + tones at each rate
    for orig, new in [(48000, 16000), (44100, 16000), (22050, 16000), (24414, 16000), (8000, 16000),
                      (96000, 16000), (16000, 8000), (11025, 16000), (16000, 16000)]:
        rng = np.random.default_rng(orig + new)
        count = orig // 8
        t = np.arange(count) / orig
        x = (0.2 * rng.standard_normal(count) + 0.3 * np.sin(2 * np.pi * 1000 * t)
             + 0.2 * np.sin(2 * np.pi * min(7000, orig * 0.45) * t))
        s16 = to_s16(x)
        y = features.resample(torch.from_numpy(from_s16(s16, 1.0)), orig, new).numpy()
        assert len(y) == math.ceil(new * count / orig)
        name = f"resample_{orig}_{new}"
        manifest["resample"].append({"name": name, "from": orig, "to": new, "gain": 1.0,
                                     "input": save_input(name, s16),
                                     "expected": save_f32(f"{name}.out.f32", y), "length": len(y)})
        print(name, len(y), file=sys.stderr)

    # telephone channel: 1 s of speech-like signal plus the espeak speech
    for name, s16 in [("speech_like", to_s16(mel_signals(8000, 16000, seed=9)["speech_like"][0] * 2)),
                      ("espeak", speech[4000:12000].astype("<i2"))]:
        y = features.telephone_channel(torch.from_numpy(from_s16(s16, 1.0))).numpy()
        manifest["telephone"].append({"name": name, "gain": 1.0, "input": save_input(f"tel_{name}", s16),
                                      "expected": save_f32(f"tel_{name}.out.f32", y), "length": len(y)})

    # bit-exact checks of the float32 building blocks: CRC32 of torch's float32 LE bytes
    import zlib
    for n in (256, 400, 512, 800, 1024, 2048):
        w = torch.hann_window(n).numpy().astype("<f4")
        manifest["exact"].append({"kind": "hann_window", "length": n, "crc32": zlib.crc32(w.tobytes())})
    seen = set()
    for entry in manifest["mel"]:
        c = entry["config"]
        key = (c["n_fft"] // 2 + 1, c["f_min"], c["f_max"], c["n_mels"], c["sample_rate"], c["mel_norm"], c["mel_scale"])
        if key in seen:
            continue
        seen.add(key)
        fb = torchaudio.functional.melscale_fbanks(*key).numpy().astype("<f4")  # [n_freqs][n_mels]
        fb = fb + np.float32(0.0)  # one -0.0 in torch output; signs of zero carry no meaning
        manifest["exact"].append({"kind": "mel_fbanks", "n_freqs": key[0], "f_min": key[1], "f_max": key[2],
                                  "n_mels": key[3], "sample_rate": key[4], "norm": key[5], "mel_scale": key[6],
                                  "crc32": zlib.crc32(fb.tobytes())})

    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(f.stat().st_size for f in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files, {total / 1024:.0f} KB", file=sys.stderr)


if __name__ == "__main__":
    main()
