"""Stretches of a recording that sit at its own noise floor: pauses the VAD misses in steady noise.

WebRTC's VAD calls steady pink or white noise at 10-15 dB SNR speech, and Whisper stretches the words on either
side over the gap, so neither sees a pause there. The loudness of such a pause is still the recording's floor:
frames whose smoothed level stays within ``margin_db`` of a low percentile of the talk's levels (and
``margin_db`` below its median, so a recording at one steady level has no quiet part) for ``min_s`` are quiet.
"""

from __future__ import annotations

import numpy as np

from inference.voice.types import FRAME_S, Pause


def quiet_stretches(
    t_s: np.ndarray,
    dbfs: np.ndarray,
    start_s: float,
    end_s: float,
    min_s: float = 1.0,
    margin_db: float = 3.0,
    floor_percentile: float = 10.0,
    smooth_frames: int = 5,
) -> list[Pause]:
    """Quiet stretches of at least ``min_s`` within ``[start_s, end_s]`` of frames at times ``t_s`` (30 ms
    frames, ascending) with levels ``dbfs``."""
    inside = (t_s >= start_s) & (t_s < end_s)
    if inside.sum() < 2 * smooth_frames:
        return []
    levels = dbfs[inside]
    threshold = min(float(np.percentile(levels, floor_percentile)) + margin_db, float(np.median(levels)) - margin_db)
    smoothed = np.convolve(dbfs, np.ones(smooth_frames) / smooth_frames, mode="same")
    quiet = np.concatenate([[False], (smoothed <= threshold) & inside, [False]])
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    pauses = []
    for first, after in zip(edges[::2], edges[1::2], strict=True):
        start, end = max(float(t_s[first]), start_s), min(float(t_s[after - 1]) + FRAME_S, end_s)
        if end - start >= min_s:
            pauses.append(Pause(round(start, 3), round(end, 3)))
    return pauses
