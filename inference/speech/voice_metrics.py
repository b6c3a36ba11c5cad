"""Loudness and pitch-variety statistics of speech, pure functions of per-frame voice arrays.

Arrays are per 30 ms frame (``dbfs``, ``is_speech``, ``f0_hz`` with NaN when unvoiced), as produced by
:class:`inference.voice.VoiceAnalyzer` or :func:`inference.speech.metrics.frames_to_arrays`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.voice.analyzer import MONOTONE_MAX_ST, MONOTONE_MIN_VOICED_S, power_mean_dbfs
from inference.voice.dsp import pitch_spread_st
from inference.voice.types import FRAME_S

TOO_QUIET_DBFS = -40.0
TOO_LOUD_DBFS = -8.0
CLIP_DBFS = -1.0
FLAT_VOLUME_DB = 1.5
ERRATIC_VOLUME_DB = 8.0


@dataclass(frozen=True)
class VolumeStats:
    """Loudness over speech frames. Levels in dBFS; ``variation_db`` is the spread of 1 s levels."""

    level_dbfs: float
    median_dbfs: float
    p90_dbfs: float
    variation_db: float
    clipped_ratio: float
    too_quiet: bool
    too_loud: bool
    flat: bool
    erratic: bool


def volume_stats(
    dbfs: np.ndarray,
    is_speech: np.ndarray | None = None,
    frame_s: float = FRAME_S,
    block_s: float = 1.0,
    too_quiet_dbfs: float = TOO_QUIET_DBFS,
    too_loud_dbfs: float = TOO_LOUD_DBFS,
    flat_db: float = FLAT_VOLUME_DB,
    erratic_db: float = ERRATIC_VOLUME_DB,
) -> VolumeStats | None:
    """Loudness of speech frames with too-quiet / too-loud / flat / erratic flags; None without speech.

    ``level_dbfs`` is the power mean of the speech frames. Variation is measured on the levels of
    consecutive blocks of ``block_s`` of speech (robust spread, IQR/1.349), since frame-to-frame level
    swings between vowels and consonants say nothing about vocal dynamics. ``flat`` needs at least three
    blocks. Too loud also covers clipping (more than 1 % of speech frames above -1 dBFS).
    """
    levels = np.asarray(dbfs, dtype=np.float64)
    if is_speech is not None:
        levels = levels[np.asarray(is_speech, dtype=bool)]
    if levels.size == 0:
        return None
    per_block = max(1, round(block_s / frame_s))
    n_blocks = levels.size // per_block
    if n_blocks >= 2:
        blocks = 10.0 * np.log10(np.mean(10.0 ** (levels[: n_blocks * per_block].reshape(n_blocks, -1) / 10), 1))
        q75, q25 = np.percentile(blocks, [75.0, 25.0])
        variation = float((q75 - q25) / 1.349)
    else:
        variation = 0.0
    level = power_mean_dbfs(levels)
    clipped = float(np.mean(levels > CLIP_DBFS))
    return VolumeStats(
        level_dbfs=level,
        median_dbfs=float(np.median(levels)),
        p90_dbfs=float(np.percentile(levels, 90.0)),
        variation_db=variation,
        clipped_ratio=clipped,
        too_quiet=level < too_quiet_dbfs,
        too_loud=level > too_loud_dbfs or clipped > 0.01,
        flat=n_blocks >= 3 and variation < flat_db,
        erratic=variation > erratic_db,
    )


@dataclass(frozen=True)
class PitchStats:
    """Pitch (F0) of voiced speech and its variety in semitones."""

    median_hz: float
    variation_st: float
    voiced_s: float
    monotone: bool


def pitch_stats(
    f0_hz: np.ndarray,
    is_speech: np.ndarray | None = None,
    frame_s: float = FRAME_S,
    monotone_max_st: float = MONOTONE_MAX_ST,
    min_voiced_s: float = MONOTONE_MIN_VOICED_S,
) -> PitchStats | None:
    """Median F0 and semitone spread of voiced (speech) frames; None when nothing is voiced.

    ``monotone`` is raised when the spread is at most ``monotone_max_st`` over at least ``min_voiced_s``
    of voiced speech.
    """
    f0 = np.asarray(f0_hz, dtype=np.float64)
    if is_speech is not None:
        f0 = f0[np.asarray(is_speech, dtype=bool)]
    f0 = f0[np.isfinite(f0) & (f0 > 0)]
    if f0.size == 0:
        return None
    spread = pitch_spread_st(f0)
    voiced_s = f0.size * frame_s
    return PitchStats(
        median_hz=float(np.median(f0)),
        variation_st=spread,
        voiced_s=voiced_s,
        monotone=bool(voiced_s >= min_voiced_s and np.isfinite(spread) and spread <= monotone_max_st),
    )
