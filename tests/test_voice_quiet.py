"""Quiet stretches: pauses found from a recording's own noise floor (pure arrays)."""

from __future__ import annotations

import numpy as np
import pytest

from inference.voice.quiet import quiet_stretches
from inference.voice.types import FRAME_S, Pause

RNG = np.random.default_rng(3)


def levels(spec: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Frame times and levels for ``(seconds, mean dBFS)`` parts, with speech-like ±4 dB and noise-like ±1 dB."""
    parts = []
    for seconds, mean in spec:
        n = round(seconds / FRAME_S)
        spread = 4.0 if mean > -28 else 1.0
        parts.append(mean + RNG.uniform(-spread, spread, n))
    dbfs = np.concatenate(parts)
    return np.arange(len(dbfs)) * FRAME_S, dbfs


def test_a_stretch_at_the_noise_floor_is_a_pause() -> None:
    t, d = levels([(4.0, -20.0), (1.5, -31.0), (5.0, -20.0), (0.6, -31.0), (3.0, -20.0)])
    pauses = quiet_stretches(t, d, 0.0, 14.1)
    assert len(pauses) == 1
    assert pauses[0].start_s == pytest.approx(4.0, abs=0.1) and pauses[0].end_s == pytest.approx(5.5, abs=0.1)


def test_a_recording_at_one_steady_level_has_no_quiet_stretch() -> None:
    t = np.arange(400) * FRAME_S
    assert quiet_stretches(t, np.full(400, -20.0), 0.0, 12.0) == []


def test_stretches_are_clipped_to_the_talk() -> None:
    t, d = levels([(2.0, -31.0), (4.0, -20.0), (2.0, -31.0), (4.0, -20.0), (2.0, -31.0)])
    pauses = quiet_stretches(t, d, 2.0, 12.0)
    assert len(pauses) == 1 and pauses[0].start_s == pytest.approx(6.0, abs=0.1)
    clipped = quiet_stretches(t, d, 2.0, 7.4)
    assert len(clipped) == 1 and clipped[0].end_s == 7.4


def test_too_little_audio_gives_nothing() -> None:
    t, d = levels([(0.2, -31.0)])
    assert quiet_stretches(t, d, 0.0, 0.2) == []


def test_a_pause_is_at_least_min_s_long() -> None:
    t, d = levels([(3.0, -20.0), (1.5, -31.0), (3.0, -20.0)])
    assert quiet_stretches(t, d, 0.0, 7.5, min_s=2.0) == []
    assert [round(p.duration_s) for p in quiet_stretches(t, d, 0.0, 7.5, min_s=1.0)] == [1]
    assert isinstance(quiet_stretches(t, d, 0.0, 7.5)[0], Pause)
