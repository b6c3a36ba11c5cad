"""Vectorised per-frame signal measures: loudness (dBFS) and fundamental frequency (YIN).

All functions take 2-D arrays of frames (one frame per row) so that a batch of frames costs a handful of
numpy calls instead of a Python loop.
"""

from __future__ import annotations

import numpy as np

from inference.speech.types import SAMPLE_RATE

DBFS_FLOOR = -100.0
"""Loudness reported for digital silence."""

F0_MIN_HZ = 60.0
F0_MAX_HZ = 500.0
PITCH_CONTEXT = 768
"""Samples of signal (48 ms at 16 kHz) used to estimate F0 at one frame: the frame plus earlier samples."""

_YIN_THRESHOLD = 0.2
VOICING_MIN_DBFS = -55.0
"""Frames quieter than this are reported unvoiced."""


def dbfs(frames: np.ndarray) -> np.ndarray:
    """RMS level of each row in dB relative to full scale, for int16 or float (±1.0) samples.

    A full-scale square wave is 0 dBFS and a full-scale sine is about -3 dBFS; silence gives ``DBFS_FLOOR``.
    """
    x = np.asarray(frames)
    scale = 32768.0 if x.dtype == np.int16 else 1.0
    xf = x.astype(np.float64) / scale
    power = np.mean(xf * xf, axis=-1)
    with np.errstate(divide="ignore"):
        level = 10.0 * np.log10(power)
    return np.maximum(level, DBFS_FLOOR)


def yin_f0(
    frames: np.ndarray,
    sample_rate: int = SAMPLE_RATE,
    f0_min: float = F0_MIN_HZ,
    f0_max: float = F0_MAX_HZ,
    threshold: float = _YIN_THRESHOLD,
    min_dbfs: float = VOICING_MIN_DBFS,
) -> np.ndarray:
    """Fundamental frequency of each row (Hz) with the YIN method; NaN for unvoiced or too quiet rows.

    Rows are int16 or float (±1.0) samples.
    Each row must hold at least ``2 * sample_rate / f0_min`` samples for the lowest pitch to be found
    (``PITCH_CONTEXT`` at 16 kHz and 60 Hz minus a little). The difference function is computed for all
    rows at once through the FFT.
    """
    raw = np.asarray(frames)
    scale = 32768.0 if raw.dtype == np.int16 else 1.0
    x = raw.astype(np.float64) / scale
    if x.ndim != 2:
        raise ValueError("frames must be a 2-D array (one frame per row)")
    n_rows, n = x.shape
    tau_min = max(2, int(sample_rate / f0_max))
    tau_max = min(int(np.ceil(sample_rate / f0_min)), n // 2)
    out = np.full(n_rows, np.nan)
    if n_rows == 0 or tau_max <= tau_min + 2:
        return out
    x = x - x.mean(axis=1, keepdims=True)
    width = n - tau_max
    nfft = 1 << int(np.ceil(np.log2(n)))
    spec_full = np.fft.rfft(x, nfft, axis=1)
    spec_head = np.fft.rfft(x[:, :width], nfft, axis=1)
    cross = np.fft.irfft(np.conj(spec_head) * spec_full, nfft, axis=1)[:, : tau_max + 1]
    sq = np.concatenate([np.zeros((n_rows, 1)), np.cumsum(x * x, axis=1)], axis=1)
    taus = np.arange(tau_max + 1)
    energy_head = sq[:, width][:, None]
    energy_lagged = sq[:, taus + width] - sq[:, taus]
    diff = np.maximum(energy_head + energy_lagged - 2.0 * cross, 0.0)
    diff[:, 0] = 0.0
    csum = np.cumsum(diff[:, 1:], axis=1)
    cmnd = np.ones_like(diff)
    with np.errstate(divide="ignore", invalid="ignore"):
        cmnd[:, 1:] = np.where(csum > 0, diff[:, 1:] * taus[1:] / csum, 1.0)

    search = cmnd[:, tau_min : tau_max + 1]
    below = search < threshold
    has_dip = below.any(axis=1)
    first = np.argmax(below, axis=1)
    loud_enough = 10.0 * np.log10(np.maximum(energy_head[:, 0] / width, 1e-20)) >= min_dbfs
    rows = np.nonzero(has_dip & loud_enough)[0]
    if rows.size == 0:
        return out
    # Walk from the first dip below the threshold down to its local minimum.
    idx = first[rows] + tau_min
    for _ in range(tau_max):
        nxt = np.minimum(idx + 1, tau_max)
        step = cmnd[rows, nxt] < cmnd[rows, idx]
        if not step.any():
            break
        idx = np.where(step, nxt, idx)
    left = cmnd[rows, np.maximum(idx - 1, 1)]
    mid = cmnd[rows, idx]
    right = cmnd[rows, np.minimum(idx + 1, tau_max)]
    denom = left - 2.0 * mid + right
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(np.abs(denom) > 1e-12, 0.5 * (left - right) / denom, 0.0)
    shift = np.clip(shift, -1.0, 1.0)
    period = idx + shift
    out[rows] = sample_rate / period
    return out


def semitones(f0_hz: np.ndarray, ref_hz: float) -> np.ndarray:
    """F0 values in semitones relative to ``ref_hz``."""
    return 12.0 * np.log2(np.asarray(f0_hz, dtype=np.float64) / ref_hz)


def pitch_spread_st(f0_hz: np.ndarray) -> float:
    """Robust spread of voiced F0 values in semitones (IQR / 1.349, i.e. a standard deviation for normal data).

    NaN values (unvoiced) are ignored; returns NaN with fewer than 3 voiced values.
    """
    f0 = np.asarray(f0_hz, dtype=np.float64)
    f0 = f0[np.isfinite(f0) & (f0 > 0)]
    if f0.size < 3:
        return float("nan")
    st = semitones(f0, float(np.median(f0)))
    q75, q25 = np.percentile(st, [75.0, 25.0])
    return float((q75 - q25) / 1.349)
