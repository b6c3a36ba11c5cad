"""Is a voice there, whatever else plays? Speech voicing told apart from held musical notes and babble.

WebRTC's VAD calls a music bed or babble speech throughout, and a music bed never falls to a noise floor, so
neither the VAD nor :mod:`inference.voice.quiet` finds the pauses under it. The pitch track (YIN, one F0 per 30 ms
frame) does: a talker's pitch glides from frame to frame and stops at every consonant, while a held note keeps
one pitch for many frames, and the summed voices of babble rarely give YIN a clear period at all. A *speech
frame* here is a voiced frame whose pitch moved since the frame before (a steady one is a tone); a stretch with no
speech frame for ``min_s`` is voice-absent, and a stretch whose voiced frames are mostly steady is music.
All functions here are pure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inference.voice.types import FRAME_S, Pause

STEADY_OCTAVES = 0.01
"""Frame-to-frame pitch change (in octaves, ≈ 17 cents) below which a voiced frame is a held tone."""
MAX_TONAL_RATIO = 0.6
"""A stretch whose voiced frames are steadier than this share is a held tone (music), not a voice."""


def steady_frames(f0_hz: np.ndarray, steady_octaves: float = STEADY_OCTAVES) -> np.ndarray:
    """Voiced frames whose pitch is within ``steady_octaves`` of the frame before's (NaN F0 = unvoiced)."""
    f0 = np.asarray(f0_hz, dtype=np.float64)
    out = np.zeros(f0.shape, dtype=bool)
    if f0.size < 2:
        return out
    both = np.isfinite(f0[1:]) & np.isfinite(f0[:-1])
    ratio = np.abs(np.log2(np.where(both, f0[1:], 1.0) / np.where(both, f0[:-1], 1.0)))
    out[1:] = both & (ratio < steady_octaves)
    return out


def speech_frames(f0_hz: np.ndarray, steady_octaves: float = STEADY_OCTAVES) -> np.ndarray:
    """Voiced frames that are not held tones: a talker's voice."""
    voiced = np.isfinite(np.asarray(f0_hz, dtype=np.float64))
    return voiced & ~steady_frames(f0_hz, steady_octaves)


def tonal_ratio(f0_hz: np.ndarray, mask: np.ndarray) -> float:
    """Share of the voiced frames under ``mask`` that are held tones; 0.0 when none is voiced."""
    voiced = np.isfinite(np.asarray(f0_hz, dtype=np.float64)) & mask
    count = int(voiced.sum())
    return float((steady_frames(f0_hz) & mask).sum()) / count if count else 0.0


def voice_absent(
    t_s: np.ndarray,
    f0_hz: np.ndarray,
    start_s: float,
    end_s: float,
    min_s: float = 1.0,
    edge_s: float = 0.09,
) -> list[Pause]:
    """Stretches of at least ``min_s`` within ``[start_s, end_s]`` with no :func:`speech_frames` frame (30 ms
    frames at ``t_s``), each shrunk by ``edge_s`` at both ends (the last and first syllables fade)."""
    times = np.asarray(t_s, dtype=np.float64)
    inside = (times >= start_s) & (times < end_s)
    absent = np.concatenate([[False], inside & ~speech_frames(f0_hz), [False]])
    edges = np.flatnonzero(np.diff(absent.astype(np.int8)))
    found: list[Pause] = []
    for first, after in zip(edges[::2], edges[1::2], strict=True):
        a = max(float(times[first]) + edge_s, start_s)
        b = min(float(times[after - 1]) + FRAME_S - edge_s, end_s)
        if b - a >= min_s:
            found.append(Pause(round(a, 3), round(b, 3)))
    return found


def without_words(stretches: Sequence[Pause], words: Sequence[tuple[float, float]]) -> list[Pause]:
    """The stretches that hold no whole word ``(start_s, end_s)``: a word heard there, even a quiet or whispered
    one, is speech. A word only reaching in is not: Whisper stretches the words on either side over a pause."""
    kept: list[Pause] = []
    for p in stretches:
        if not any(p.start_s <= a and b <= p.end_s for a, b in words):
            kept.append(p)
    return kept


def below_talk_level(
    stretches: Sequence[Pause],
    t_s: np.ndarray,
    dbfs: np.ndarray,
    start_s: float,
    end_s: float,
    margin_db: float = 3.0,
    talk_percentile: float = 75.0,
) -> list[Pause]:
    """The stretches whose median level is at least ``margin_db`` below the talk's level (a high percentile of
    the levels in ``[start_s, end_s]``): a bed under the voice is quieter than voice and bed together, while a
    held "ummm" at speech level is no pause."""
    times = np.asarray(t_s, dtype=np.float64)
    levels = np.asarray(dbfs, dtype=np.float64)
    talk = levels[(times >= start_s) & (times < end_s)]
    if talk.size == 0:
        return []
    ceiling = float(np.percentile(talk, talk_percentile)) - margin_db
    kept: list[Pause] = []
    for p in stretches:
        inside = levels[(times >= p.start_s) & (times < p.end_s)]
        if inside.size and float(np.median(inside)) <= ceiling:
            kept.append(p)
    return kept
