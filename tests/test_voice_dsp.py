"""Pure DSP functions of the voice analyser on synthetic signals."""

from __future__ import annotations

import numpy as np
import pytest

from inference.voice.dsp import DBFS_FLOOR, PITCH_CONTEXT, dbfs, pitch_spread_st, semitones, yin_f0

SR = 16_000


def harmonic(f0: float, n: int, amp: float = 0.3) -> np.ndarray:
    t = np.arange(n) / SR
    x = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6))
    return np.asarray(x / np.abs(x).max() * amp)


@pytest.mark.parametrize("f0", [70.0, 100.0, 150.0, 220.0, 330.0, 480.0])
def test_yin_finds_known_f0_within_one_percent(f0: float) -> None:
    frames = harmonic(f0, PITCH_CONTEXT * 3).reshape(3, PITCH_CONTEXT)
    est = yin_f0(frames)
    assert np.all(np.abs(est - f0) / f0 < 0.01), est


def test_yin_accepts_int16_and_float_alike() -> None:
    x = harmonic(180.0, PITCH_CONTEXT)
    as_int = (x * 32767).astype(np.int16)[None, :]
    assert yin_f0(as_int)[0] == pytest.approx(yin_f0(x[None, :])[0], rel=1e-3)


def test_yin_reports_silence_and_noise_unvoiced() -> None:
    rng = np.random.default_rng(0)
    silence = np.zeros((2, PITCH_CONTEXT))
    noise = rng.normal(0, 0.1, (4, PITCH_CONTEXT))
    assert np.isnan(yin_f0(silence)).all()
    assert np.isnan(yin_f0(noise)).all()


def test_yin_reports_too_quiet_tone_unvoiced() -> None:
    quiet = harmonic(150.0, PITCH_CONTEXT, amp=10 ** (-70 / 20))[None, :]
    assert np.isnan(yin_f0(quiet)).all()


def test_yin_rejects_one_dimensional_input() -> None:
    with pytest.raises(ValueError):
        yin_f0(np.zeros(PITCH_CONTEXT))


def test_dbfs_of_known_levels() -> None:
    square = np.ones((1, 480)) * np.array([1.0, -1.0] * 240)
    sine = np.sin(2 * np.pi * 1000 * np.arange(480) / SR)[None, :]
    quiet_int = (sine * 0.01 * 32767).astype(np.int16)
    levels = dbfs(np.vstack([square, sine]))
    assert levels[0] == pytest.approx(0.0, abs=1e-9)
    assert levels[1] == pytest.approx(-3.01, abs=0.05)
    assert dbfs(quiet_int)[0] == pytest.approx(-43.01, abs=0.1)
    assert dbfs(np.zeros((1, 480), dtype=np.int16))[0] == DBFS_FLOOR


def test_pitch_spread_in_semitones() -> None:
    steady = np.full(50, 120.0)
    # alternating a whole tone apart: IQR = 2 semitones
    wobbly = np.array([100.0, 100.0 * 2 ** (2 / 12)] * 25)
    assert pitch_spread_st(steady) == pytest.approx(0.0, abs=1e-9)
    assert pitch_spread_st(wobbly) == pytest.approx(2.0 / 1.349, rel=0.02)
    assert np.isnan(pitch_spread_st(np.array([np.nan, 100.0])))
    assert pitch_spread_st(np.array([np.nan, 100.0, 100.0, 100.0])) == pytest.approx(0.0)


def test_semitones_octave_is_twelve() -> None:
    assert semitones(np.array([220.0, 110.0]), 110.0).tolist() == pytest.approx([12.0, 0.0])
