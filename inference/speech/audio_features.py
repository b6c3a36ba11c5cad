"""Log-mel spectrogram and MFCC features (numpy/scipy only), shared by filler-model training and inference."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy.fft import dct

from inference.speech.types import SAMPLE_RATE


@dataclass(frozen=True)
class LogMelConfig:
    """Framing and filterbank parameters: 25 ms Hann window, 10 ms hop, 40 mel bands at 16 kHz by default."""

    sample_rate: int = SAMPLE_RATE
    win_length: int = 400
    hop_length: int = 160
    n_fft: int = 512
    n_mels: int = 40
    fmin: float = 20.0
    fmax: float = 8_000.0
    floor: float = 1e-10

    @property
    def hop_s(self) -> float:
        return self.hop_length / self.sample_rate

    @property
    def win_s(self) -> float:
        return self.win_length / self.sample_rate


DEFAULT_CONFIG = LogMelConfig()


def hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    """HTK mel scale."""
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def mel_to_hz(mel: np.ndarray | float) -> np.ndarray:
    """Inverse of :func:`hz_to_mel`."""
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


@functools.lru_cache(maxsize=8)
def mel_filterbank(config: LogMelConfig = DEFAULT_CONFIG) -> np.ndarray:
    """Triangular mel filters, shape ``(n_mels, n_fft // 2 + 1)``, each row peaking at 1."""
    n_bins = config.n_fft // 2 + 1
    fft_hz = np.linspace(0.0, config.sample_rate / 2, n_bins)
    edges = mel_to_hz(np.linspace(hz_to_mel(config.fmin), hz_to_mel(config.fmax), config.n_mels + 2))
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (fft_hz[None, :] - lower) / (centre - lower)
    falling = (upper - fft_hz[None, :]) / (upper - centre)
    bank = np.maximum(0.0, np.minimum(rising, falling)).astype(np.float32)
    bank.setflags(write=False)
    return bank


def frame_count(n_samples: int, config: LogMelConfig = DEFAULT_CONFIG) -> int:
    """Number of whole frames in ``n_samples`` (no padding)."""
    if n_samples < config.win_length:
        return 0
    return 1 + (n_samples - config.win_length) // config.hop_length


def power_spectrogram(samples: np.ndarray, config: LogMelConfig = DEFAULT_CONFIG) -> np.ndarray:
    """Power spectrum of Hann-windowed frames, shape ``(frames, n_fft // 2 + 1)``."""
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    n = frame_count(len(x), config)
    if n == 0:
        return np.zeros((0, config.n_fft // 2 + 1), np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(x, config.win_length)[:: config.hop_length][:n]
    windowed = frames * np.hanning(config.win_length).astype(np.float32)
    spectrum = np.fft.rfft(windowed, n=config.n_fft, axis=1)
    return (spectrum.real**2 + spectrum.imag**2).astype(np.float32)


def log_mel(samples: np.ndarray, config: LogMelConfig = DEFAULT_CONFIG) -> np.ndarray:
    """Natural-log mel power spectrogram of 16 kHz mono samples, float32 ``(frames, n_mels)``.

    Frame ``i`` covers samples ``[i * hop, i * hop + win)``; shorter input gives zero frames.
    """
    mel = power_spectrogram(samples, config) @ mel_filterbank(config).T
    return np.log(np.maximum(mel, config.floor)).astype(np.float32)


def mfcc(samples: np.ndarray, n_mfcc: int = 13, config: LogMelConfig = DEFAULT_CONFIG) -> np.ndarray:
    """MFCCs (DCT-II of the log-mel spectrum), float32 ``(frames, n_mfcc)``."""
    return dct(log_mel(samples, config), type=2, axis=1, norm="ortho")[:, :n_mfcc].astype(np.float32)


def frame_windows(features: np.ndarray, window_frames: int, step_frames: int) -> np.ndarray:
    """Overlapping windows of feature frames, shape ``(n, window_frames, n_features)`` (a read-only view).

    Input shorter than one window gives ``n == 0``.
    """
    if len(features) < window_frames:
        return np.zeros((0, window_frames, features.shape[1]), features.dtype)
    view = np.lib.stride_tricks.sliding_window_view(features, window_frames, axis=0)[::step_frames]
    return np.swapaxes(view, 1, 2)
