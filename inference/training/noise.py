"""Background noise for generated speech: white, pink (1/f), babble and a music bed, mixed in at a chosen SNR."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import numpy as np

from inference.training.espeak import SAMPLE_RATE, espeak_speed, speech_chunk

NoiseKind = Literal["white", "pink", "babble", "music"]


@dataclass(frozen=True)
class NoiseSpec:
    """Background noise mixed in at ``snr_db`` relative to the speech power."""

    kind: NoiseKind = "white"
    snr_db: float = 20.0
    seed: int = 0


def make_noise(kind: NoiseKind, n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-power noise: ``white``, ``pink`` (1/f), ``babble`` (several reversed, overlapped voices) or ``music``
    (:func:`music_bed`)."""
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
    elif kind == "music":
        out = music_bed(n, rng)
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


_CHORDS = ((0, 4, 7), (5, 9, 12), (7, 11, 14), (-3, 0, 4), (2, 5, 9), (0, 4, 7, 11))
"""Semitones above the key of the chords a music bed draws from (major, minor, seventh)."""


def _tone(freq_hz: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """A held note of ``n`` samples: a few harmonics, slow vibrato, soft attack and release."""
    t = np.arange(n) / SAMPLE_RATE
    vibrato = 1.0 + 0.003 * np.sin(2 * np.pi * rng.uniform(4.0, 6.0) * t)
    phase = 2 * np.pi * freq_hz * np.cumsum(vibrato) / SAMPLE_RATE
    note = sum((0.6**k) * np.sin((k + 1) * phase) for k in range(5))
    ramp = min(n // 2, int(0.08 * SAMPLE_RATE))
    envelope = np.ones(n)
    if ramp > 0:
        envelope[:ramp] = np.linspace(0.0, 1.0, ramp)
        envelope[n - ramp :] = np.linspace(1.0, 0.0, ramp)
    return np.asarray(note * envelope * np.exp(-t * rng.uniform(0.0, 0.6)), np.float64)


def held_note(freq_hz: float, n: int, seed: int = 0) -> np.ndarray:
    """One held note of ``n`` samples at ``freq_hz`` (harmonics, vibrato, soft edges), unit power: the steady
    voiced sound that a filler detector must not take for "uh"."""
    note = _tone(freq_hz, n, np.random.default_rng(seed))
    power = float(np.mean(note**2)) if n else 0.0
    return (note / np.sqrt(power)).astype(np.float32) if power > 0 else np.zeros(n, np.float32)


def music_bed(n: int, rng: np.random.Generator) -> np.ndarray:
    """A synthesised music bed of ``n`` samples: chords held 1-3 s with a melody of held notes over them and a
    soft beat, in a random key (never silent, with pitch and onsets like real background music)."""
    out = np.zeros(n, np.float64)
    key_hz = 110.0 * 2 ** (int(rng.integers(0, 12)) / 12)
    at = 0
    while at < n:
        length = min(n - at, int(rng.uniform(1.0, 3.0) * SAMPLE_RATE))
        chord = _CHORDS[int(rng.integers(0, len(_CHORDS)))]
        for semitone in chord:
            out[at : at + length] += 0.5 * _tone(key_hz * 2 ** (semitone / 12), length, rng)
        note_at = at
        while note_at < at + length:
            note_len = min(at + length - note_at, int(rng.uniform(0.25, 1.0) * SAMPLE_RATE))
            semitone = 12 + chord[int(rng.integers(0, len(chord)))] + 12 * int(rng.integers(0, 2))
            out[note_at : note_at + note_len] += 0.35 * _tone(key_hz * 2 ** (semitone / 12), note_len, rng)
            note_at += note_len
        beat = int(0.5 * SAMPLE_RATE)
        for hit in range(at, at + length, beat):
            m = min(int(0.06 * SAMPLE_RATE), n - hit)
            out[hit : hit + m] += 0.4 * rng.standard_normal(m) * np.exp(-np.arange(m) / (0.01 * SAMPLE_RATE))
        at += length
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
