"""Background noise for generated speech: white, pink (1/f) and babble, mixed in at a chosen SNR."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import numpy as np

from inference.training.espeak import SAMPLE_RATE, espeak_speed, speech_chunk

NoiseKind = Literal["white", "pink", "babble"]


@dataclass(frozen=True)
class NoiseSpec:
    """Background noise mixed in at ``snr_db`` relative to the speech power."""

    kind: NoiseKind = "white"
    snr_db: float = 20.0
    seed: int = 0


def make_noise(kind: NoiseKind, n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-power noise: ``white``, ``pink`` (1/f) or ``babble`` (several reversed, overlapped voices)."""
    if n == 0:
        return np.zeros(0, np.float32)
    if kind == "white":
        out = rng.standard_normal(n)
    elif kind == "pink":
        spectrum = np.fft.rfft(rng.standard_normal(n))
        freqs = np.fft.rfftfreq(n, 1.0 / SAMPLE_RATE)
        spectrum /= np.sqrt(np.maximum(freqs, 20.0))
        out = np.fft.irfft(spectrum, n)
    elif kind == "babble":
        out = _babble(n, rng)
    else:
        raise ValueError(f"unknown noise kind {kind!r}")
    power = float(np.mean(out**2))
    return (out / np.sqrt(power)).astype(np.float32) if power > 0 else np.zeros(n, np.float32)


_BABBLE_TEXTS = (
    "the quarterly numbers look strong and the team delivered every milestone on time this year",
    "please remember to bring the documents to the meeting on thursday afternoon at three",
    "we are going to discuss the new product line and how customers responded to it",
    "after lunch the committee will review the budget and vote on the proposal",
)
_BABBLE_VOICES = ("en-us", "en-gb+f3", "en-gb-scotland+m3", "en-us+f4")
_BABBLE_RATE_WPM = 220


@functools.lru_cache(maxsize=1)
def _babble_source() -> np.ndarray:
    streams = [
        speech_chunk(text, voice, espeak_speed(_BABBLE_RATE_WPM), 40 + 10 * i, 100)[::-1]
        for i, (text, voice) in enumerate(zip(_BABBLE_TEXTS, _BABBLE_VOICES, strict=True))
    ]
    length = max(len(s) for s in streams)
    mix = np.zeros(length, np.float32)
    for s in streams:
        mix[: len(s)] += s / (np.sqrt(np.mean(s**2)) + 1e-9)
    mix.setflags(write=False)
    return mix


def _babble(n: int, rng: np.random.Generator) -> np.ndarray:
    source = _babble_source()
    offsets = rng.integers(0, len(source), size=3)
    out = np.zeros(n, np.float64)
    for offset in offsets:
        out += np.resize(np.roll(source, -int(offset)), n)
    return out


def add_noise(samples: np.ndarray, noise: NoiseSpec, speech_mask: np.ndarray | None = None) -> np.ndarray:
    """Mix noise at ``noise.snr_db`` relative to the mean power of the speech samples (``speech_mask``)."""
    rng = np.random.default_rng(noise.seed)
    speech = samples[speech_mask] if speech_mask is not None and speech_mask.any() else samples
    speech_power = float(np.mean(speech.astype(np.float64) ** 2)) if speech.size else 0.0
    if speech_power <= 0:
        return samples.copy()
    scale = np.sqrt(speech_power / 10 ** (noise.snr_db / 10))
    return (samples + scale * make_noise(noise.kind, len(samples), rng)).astype(np.float32)
