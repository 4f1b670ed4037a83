"""Feature extraction shared by training and the Java parity fixtures.

Every parameter comes from models/features.json, the one place they are written down; the Java
front end reads the same values back from the ONNX model's metadata.
"""
import audioop
import json
import math
from pathlib import Path

import torch
import torchaudio

FEATURES_JSON = Path(__file__).resolve().parent.parent / "features.json"

# Resampler settings shared with the Java Resampler (Kaiser-windowed sinc, as torchaudio's
# "kaiser_best"): ~140 dB stop band, pass band to 0.945 of the new Nyquist frequency.
RESAMPLE = dict(lowpass_filter_width=64, rolloff=0.9475937167399596,
                resampling_method="kaiser_window", beta=14.769656459379492)


def load_config(path=FEATURES_JSON):
    with open(path) as f:
        return json.load(f)


class LogMel(torch.nn.Module):
    """80-band Slaney log-mel spectrogram, 10*log10(max(power, floor)), shape [..., n_mels, frames]."""

    def __init__(self, cfg=None):
        super().__init__()
        cfg = cfg or load_config()
        self.floor = cfg["log_floor"]
        self.mel = torchaudio.transforms.MelSpectrogram(
            sample_rate=cfg["sample_rate"], n_fft=cfg["n_fft"], win_length=cfg["win_length"],
            hop_length=cfg["hop_length"], f_min=cfg["f_min"], f_max=cfg["f_max"],
            n_mels=cfg["n_mels"], window_fn=torch.hann_window, power=cfg["power"],
            center=cfg["center"], pad_mode=cfg["pad_mode"], norm=cfg["mel_norm"],
            mel_scale=cfg["mel_scale"])

    def forward(self, wav):
        return 10.0 * torch.log10(torch.clamp(self.mel(wav), min=self.floor))


def fit_window(wav, n):
    """Centre n samples of a 1-D clip; a shorter clip is zero-padded at the end (as the Java side does)."""
    if wav.shape[-1] >= n:
        start = (wav.shape[-1] - n) // 2
        return wav[..., start:start + n]
    return torch.nn.functional.pad(wav, (0, n - wav.shape[-1]))


def resample(wav, orig, new):
    if orig == new:
        return wav
    return torchaudio.functional.resample(wav, orig, new, **RESAMPLE)


def g711_round_trip(wav16k, law="mulaw"):
    """16 kHz float clip(s) [..., T] -> 8 kHz G.711 (mu-law or A-law) round trip -> 16 kHz."""
    narrow = resample(wav16k, 16000, 8000)
    pcm = (torch.clamp(narrow, -1.0, 1.0 - 1.0 / 32768) * 32768.0).round().to(torch.int16).numpy().tobytes()
    encode, decode = (audioop.lin2ulaw, audioop.ulaw2lin) if law == "mulaw" else (audioop.lin2alaw, audioop.alaw2lin)
    decoded = decode(encode(pcm, 2), 2)
    back = torch.frombuffer(bytearray(decoded), dtype=torch.int16).to(torch.float32).reshape(narrow.shape) / 32768.0
    return resample(back, 8000, 16000)[..., : wav16k.shape[-1]]


def telephone_channel(wav16k):
    """The 8 kHz G.711 mu-law round trip that `--channel telephone` applies."""
    return g711_round_trip(wav16k, "mulaw")


def narrowband(wav16k):
    """The 8 kHz band limit alone (no codec), as `--channel narrowband`."""
    return resample(resample(wav16k, 16000, 8000), 8000, 16000)[..., : wav16k.shape[-1]]


def add_noise(wav, snr_db, generator):
    """White Gaussian noise at snr_db relative to the clip's mean power."""
    power = wav.pow(2).mean().clamp(min=1e-12)
    noise = torch.randn(wav.shape, generator=generator)
    scale = torch.sqrt(power / (10.0 ** (snr_db / 10.0)))
    return wav + noise * scale
