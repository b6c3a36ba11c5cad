"""Motion features over a ``(T, 33, 4)`` window of pose landmarks: sway, gesture activity, fidgeting.

Positions are in image-height units (``x·aspect, y``); results are in shoulder widths (per second for speeds),
so they do not depend on the distance to the camera.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.signal import savgol_coeffs

from inference.body.landmarks import FeatureConfig, L


def _visible_points(window: np.ndarray, idx: int, aspect: float, cfg: FeatureConfig) -> np.ndarray:
    pts = window[:, idx, :2].astype(np.float64) * np.array([aspect, 1.0])
    hidden = ~(np.isfinite(window[:, idx, 3]) & (window[:, idx, 3] >= cfg.visibility_min))
    pts[hidden] = np.nan
    return pts


def _mean_shoulder_width(window: np.ndarray, aspect: float, cfg: FeatureConfig) -> float | None:
    left = _visible_points(window, L.LEFT_SHOULDER, aspect, cfg)
    right = _visible_points(window, L.RIGHT_SHOULDER, aspect, cfg)
    widths = np.linalg.norm(left - right, axis=1)
    widths = widths[np.isfinite(widths)]
    return float(widths.mean()) if widths.size else None


def _centre_track(window: np.ndarray, aspect: float, cfg: FeatureConfig) -> np.ndarray:
    """Per-frame body centre: mean of visible shoulders and hips."""
    pts = np.stack(
        [_visible_points(window, i, aspect, cfg) for i in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)],
        axis=1,
    )
    shoulders_ok = np.isfinite(pts[:, :2, 0]).all(axis=1)
    hips_ok = np.isfinite(pts[:, 2:, 0]).all(axis=1)
    centre = np.full((len(window), 2), np.nan)
    both = shoulders_ok & hips_ok
    centre[both] = pts[both].mean(axis=1)
    only_sh = shoulders_ok & ~hips_ok
    centre[only_sh] = pts[only_sh, :2].mean(axis=1)
    return centre


def body_sway(
    times: np.ndarray, window: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()
) -> float | None:
    """Standard deviation of the body centre's horizontal position over the window, in shoulder widths."""
    width = _mean_shoulder_width(window, aspect, cfg)
    x = _centre_track(window, aspect, cfg)[:, 0]
    x = x[np.isfinite(x)]
    if width is None or width <= 0 or x.size < 3:
        return None
    return float(x.std() / width)


def _wrist_speeds(times: np.ndarray, window: np.ndarray, aspect: float, cfg: FeatureConfig) -> list[np.ndarray]:
    out = []
    dt = np.diff(times)
    for idx in (L.LEFT_WRIST, L.RIGHT_WRIST):
        pts = _visible_points(window, idx, aspect, cfg)
        step = np.linalg.norm(np.diff(pts, axis=0), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            speed = step / dt
        out.append(speed[np.isfinite(speed) & (dt > 0)])
    return out


def gesture_activity(
    times: np.ndarray, window: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()
) -> float | None:
    """Mean wrist speed over the window, in shoulder widths per second (0 when the hands are still)."""
    width = _mean_shoulder_width(window, aspect, cfg)
    speeds = [s for s in _wrist_speeds(times, window, aspect, cfg) if s.size]
    if width is None or width <= 0 or not speeds:
        return None
    return float(np.concatenate(speeds).mean() / width)


@lru_cache(maxsize=16)
def _savgol_kernel(win: int) -> np.ndarray:
    return np.asarray(savgol_coeffs(win, polyorder=2), dtype=np.float64)


def _high_pass(x: np.ndarray, times: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """Residual after a quadratic Savitzky–Golay fit spanning about one period of ``cutoff_hz``.

    Computed at the interior samples of each contiguous run of finite samples long enough for the filter
    (edges, where the fit is poorly constrained, stay NaN).
    """
    out = np.full(len(x), np.nan)
    dt = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    if dt <= 0:
        return out
    win = max(5, round(1.0 / cutoff_hz / dt) | 1)
    half = win // 2
    kernel = _savgol_kernel(win)
    finite = np.isfinite(x)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], finite.astype(np.int8), [0]))))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start >= win:
            seg = x[start:stop]
            out[start + half : stop - half] = seg[half:-half] - np.convolve(seg, kernel, mode="valid")
    return out


def fidgeting(
    times: np.ndarray, window: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()
) -> float | None:
    """Largest RMS high-frequency motion among the wrists and the nose, in shoulder widths.

    Slow, sweeping gestures and sway are removed by the high-pass; small fast jiggles remain.
    """
    width = _mean_shoulder_width(window, aspect, cfg)
    if width is None or width <= 0 or len(times) < 5:
        return None
    rms = []
    for idx in (L.LEFT_WRIST, L.RIGHT_WRIST, L.NOSE):
        pts = _visible_points(window, idx, aspect, cfg)
        r = np.hypot(*(_high_pass(pts[:, axis], times, cfg.fidget_cutoff_hz) for axis in range(2)))
        r = r[np.isfinite(r)]
        if r.size >= 3:
            rms.append(float(np.sqrt(np.mean(r**2))))
    return max(rms) / width if rms else None
