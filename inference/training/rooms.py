"""Rooms and channels for generated speech, through sox: reverberation, a phone line (band + μ-law) and levels.

Each effect takes and returns 16 kHz mono float32 samples of the same length (a reverb tail past the end is cut),
so ground-truth times stay valid; :func:`time_stretch` (for one chunk, before it is placed) is the exception.
A :class:`Condition` chains them (room, channel, level) for a benchmark clip or a training clip. Needs the Debian
package ``sox``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Literal

import numpy as np

from inference.training.espeak import SAMPLE_RATE, SynthError, _require
from inference.training.noise import NoiseSpec

_RAW = ["-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r", str(SAMPLE_RATE)]


@dataclass(frozen=True)
class Room:
    """sox ``reverb`` settings: ``reverberance`` (0-100 %, tail length), ``room_scale`` (0-100 %, early
    reflections), ``pre_delay_ms`` and ``wet_only`` off; ``name`` labels a benchmark condition."""

    name: str
    reverberance: int = 50
    room_scale: int = 100
    pre_delay_ms: int = 0
    damping: int = 50


ROOMS: tuple[Room, ...] = (
    Room("office", reverberance=30, room_scale=40, pre_delay_ms=5),
    Room("classroom", reverberance=55, room_scale=80, pre_delay_ms=10, damping=40),
    Room("hall", reverberance=85, room_scale=100, pre_delay_ms=25, damping=20),
)
"""Three rooms from a short, damped office to a long, bright hall."""

Channel = Literal["phone", "laptop"]


def _sox_raw(samples: np.ndarray, effects: list[str]) -> np.ndarray:
    sox = _require("sox")
    x = np.ascontiguousarray(samples, dtype="<f4")
    cmd = [sox, "-q", *_RAW, "-", *_RAW, "-", *effects]
    try:
        out = subprocess.run(cmd, input=x.tobytes(), capture_output=True, check=True, timeout=120).stdout
    except subprocess.CalledProcessError as exc:
        raise SynthError(f"sox {' '.join(effects)} failed: {exc.stderr.decode(errors='replace').strip()}") from exc
    return np.frombuffer(out, dtype="<f4").astype(np.float32)


def _sox(samples: np.ndarray, effects: list[str]) -> np.ndarray:
    y = _sox_raw(samples, effects)
    fitted = np.zeros(len(samples), np.float32)
    fitted[: min(len(samples), len(y))] = y[: len(samples)]
    return fitted


def time_stretch(samples: np.ndarray, factor: float) -> np.ndarray:
    """``samples`` made ``factor`` times longer at the same pitch (sox ``tempo``, speech mode): slow speech, or a
    filler drawn out. ``factor`` 1 returns the samples unchanged."""
    if abs(factor - 1.0) < 1e-3 or len(samples) == 0:
        return samples
    return _sox_raw(samples, ["tempo", "-s", f"{1.0 / factor:.4f}"])


def random_room(rng: np.random.Generator) -> Room:
    """A room drawn from the range :data:`ROOMS` spans and a little beyond: reverberance 15-95 %, room scale
    (early reflections) 20-100 %, pre-delay 0-40 ms, damping 10-80 %."""
    return Room(
        "random",
        reverberance=int(rng.integers(15, 96)),
        room_scale=int(rng.integers(20, 101)),
        pre_delay_ms=int(rng.integers(0, 41)),
        damping=int(rng.integers(10, 81)),
    )


def reverberate(samples: np.ndarray, room: Room) -> np.ndarray:
    """``samples`` played in ``room`` (dry and wet mixed as sox does), same length and about the same level."""
    effects = ["reverb", str(room.reverberance), str(room.damping), str(room.room_scale), "100", str(room.pre_delay_ms)]
    wet = _sox(samples, effects)
    return match_level(wet, samples)


def through_channel(samples: np.ndarray, channel: Channel) -> np.ndarray:
    """``samples`` through a phone line (300-3400 Hz, 8 kHz μ-law and back) or a laptop microphone (small
    speaker-side band 150-7000 Hz with a resonance near 2.5 kHz)."""
    if channel == "phone":
        band = _sox(samples, ["sinc", "300-3400"])
        return match_level(_sox(_mu_law(band), ["sinc", "300-3400"]), samples)
    return match_level(_sox(samples, ["sinc", "150-7000", "equalizer", "2500", "1q", "6"]), samples)


def _mu_law(samples: np.ndarray, mu: float = 255.0) -> np.ndarray:
    """8 kHz μ-law round trip (8-bit companding) at 16 kHz sampling: what a phone call keeps."""
    x = np.clip(np.asarray(samples, np.float64)[::2], -1.0, 1.0)
    code = np.round(np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu) * 127.0) / 127.0
    y = np.sign(code) * np.expm1(np.abs(code) * np.log1p(mu)) / mu
    return np.interp(np.arange(len(samples)) / 2.0, np.arange(len(y)), y).astype(np.float32)


def match_level(samples: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``samples`` scaled to the RMS level of ``reference``."""
    rms = float(np.sqrt(np.mean(np.asarray(samples, np.float64) ** 2)))
    ref = float(np.sqrt(np.mean(np.asarray(reference, np.float64) ** 2)))
    return (samples * (ref / rms)).astype(np.float32) if rms > 0 else samples.astype(np.float32)


def at_level(samples: np.ndarray, dbfs: float) -> np.ndarray:
    """``samples`` scaled so that their loudest second has an RMS level of ``dbfs`` (clipped to ±1)."""
    x = np.asarray(samples, np.float64)
    n = max(1, min(len(x), SAMPLE_RATE))
    windows = np.lib.stride_tricks.sliding_window_view(x, n)[:: n // 2] if len(x) >= n else x[None, :]
    loudest = float(np.sqrt(np.max(np.mean(windows**2, axis=1))))
    if loudest <= 0:
        return x.astype(np.float32)
    return np.clip(x * (10 ** (dbfs / 20) / loudest), -1.0, 1.0).astype(np.float32)


@dataclass(frozen=True)
class Condition:
    """A room, channel, bed and level a clip is played through (in that order: bed, room, channel, level); the bed
    (``noise``) is mixed in by :func:`~inference.training.speech_synth.synthesize`, the rest by
    :func:`apply_condition`. ``opus_kbps``: the clip is encoded to Opus at this bitrate (by whoever writes it)."""

    name: str
    noise: NoiseSpec | None = None
    room: Room | None = None
    channel: Channel | None = None
    level_dbfs: float | None = None
    opus_kbps: int | None = None


def apply_condition(samples: np.ndarray, condition: Condition) -> np.ndarray:
    """``samples`` (speech, with any bed already mixed in) through the condition's room, channel and level."""
    out = samples
    if condition.room is not None:
        out = reverberate(out, condition.room)
    if condition.channel is not None:
        out = through_channel(out, condition.channel)
    if condition.level_dbfs is not None:
        out = at_level(out, condition.level_dbfs)
    return np.clip(out, -1.0, 1.0).astype(np.float32)
