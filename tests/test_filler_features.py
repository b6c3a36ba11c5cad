"""Log-mel/MFCC features shared by the filler model's training and inference."""

from __future__ import annotations

import numpy as np
import pytest

from inference.speech.audio_features import (
    DEFAULT_CONFIG,
    frame_count,
    frame_windows,
    hz_to_mel,
    log_mel,
    mel_filterbank,
    mel_to_hz,
    mfcc,
)


def test_log_mel_shape_follows_25ms_window_10ms_hop() -> None:
    one_second = np.zeros(16_000, np.float32)
    assert log_mel(one_second).shape == (98, 40)
    assert log_mel(one_second).dtype == np.float32
    assert frame_count(400) == 1 and frame_count(399) == 0 and frame_count(560) == 2
    assert log_mel(np.zeros(100, np.float32)).shape == (0, 40)


def test_tone_energy_lands_in_the_right_mel_band() -> None:
    t = np.arange(16_000) / 16_000
    tone = (0.5 * np.sin(2 * np.pi * 1_000 * t)).astype(np.float32)
    features = log_mel(tone)
    peak_band = int(np.argmax(features.mean(axis=0)))
    bank = mel_filterbank()
    bin_1k = round(1_000 / (16_000 / DEFAULT_CONFIG.n_fft))
    assert peak_band == int(np.argmax(bank[:, bin_1k]))
    assert features[:, peak_band].mean() > features[:, 0].mean() + 10


def test_louder_signal_shifts_log_mel_by_a_constant() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(8_000).astype(np.float32) * 0.1
    diff = log_mel(x * 2) - log_mel(x)
    assert np.allclose(diff, np.log(4), atol=1e-3)


def test_mel_scale_round_trip_and_filterbank_shape() -> None:
    assert float(mel_to_hz(hz_to_mel(1234.0))) == pytest.approx(1234.0)
    bank = mel_filterbank()
    assert bank.shape == (40, 257)
    assert np.all(bank.max(axis=1) > 0.5)


def test_mfcc_shape() -> None:
    x = np.random.default_rng(1).standard_normal(16_000).astype(np.float32)
    assert mfcc(x).shape == (98, 13)


def test_frame_windows_slide_over_frames() -> None:
    features = np.arange(100 * 3, dtype=np.float32).reshape(100, 3)
    windows = frame_windows(features, 48, 10)
    assert windows.shape == (6, 48, 3)
    assert np.array_equal(windows[2], features[20:68])
    assert frame_windows(features[:10], 48, 10).shape == (0, 48, 3)
