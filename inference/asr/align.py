"""Snap Whisper's word times to voice-activity (VAD) speech regions.

Whisper's word timestamps are often a few hundred milliseconds off at the edges of a pause: the word before
a silence ends early and the word after it starts early, inside the silence. The VAD knows where the
silence is, so word edges that fall in silence, or that stop short of the end of a speech region before
silence, are moved to the region's edge, by at most ``max_shift_s``. Words with no overlap with any speech
region keep their times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from inference.speech.types import Word
from inference.voice.types import FRAME_S

Interval = tuple[float, float]


def speech_intervals(
    is_speech: np.ndarray,
    frame_t_s: np.ndarray | None = None,
    frame_s: float = FRAME_S,
    fill_gap_s: float = 0.2,
    min_speech_s: float = 0.09,
) -> list[Interval]:
    """Speech regions ``(start_s, end_s)`` from per-frame VAD flags.

    Silences shorter than ``fill_gap_s`` inside speech are filled (stop consonants, VAD flicker) and
    speech shorter than ``min_speech_s`` is dropped. ``frame_t_s`` gives frame start times (default:
    ``i * frame_s``); frames are assumed contiguous.
    """
    flags = np.asarray(is_speech, dtype=bool)
    if flags.size == 0:
        return []
    times = np.asarray(frame_t_s, dtype=np.float64) if frame_t_s is not None else np.arange(flags.size) * frame_s
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)  # exclusive frame index
    runs: list[list[float]] = []
    for s, e in zip(starts, ends, strict=True):
        start_t, end_t = float(times[s]), float(times[e - 1]) + frame_s
        if runs and start_t - runs[-1][1] < fill_gap_s:
            runs[-1][1] = end_t
        else:
            runs.append([start_t, end_t])
    return [(round(a, 6), round(b, 6)) for a, b in runs if b - a >= min_speech_s]


def _containing(intervals: Sequence[Interval], t: float) -> int | None:
    starts = [a for a, _ in intervals]
    i = int(np.searchsorted(starts, t, side="right")) - 1
    if i >= 0 and intervals[i][0] <= t <= intervals[i][1]:
        return i
    return None


def _overlapping(intervals: Sequence[Interval], start: float, end: float) -> list[int]:
    return [i for i, (a, b) in enumerate(intervals) if a < end and b > start]


def snap_words_to_speech(words: Sequence[Word], intervals: Sequence[Interval], max_shift_s: float = 1.0) -> list[Word]:
    """Words with edges moved onto speech regions (see the module docstring); order and texts unchanged."""
    if not intervals or not words:
        return list(words)
    starts: list[float] = []
    ends: list[float] = []
    for w in words:
        hits = _overlapping(intervals, w.start_s, w.end_s)
        start, end = w.start_s, w.end_s
        if hits:
            first, last = intervals[hits[0]], intervals[hits[-1]]
            if _containing(intervals, start) is None and first[0] - start <= max_shift_s:
                start = first[0]
            if _containing(intervals, end) is None and end - last[1] <= max_shift_s:
                end = last[1]
        starts.append(start)
        ends.append(end)
    # Pull edges out to the region boundary when the neighbouring word lies beyond that boundary.
    for k in range(len(words)):
        i = _containing(intervals, ends[k])
        if i is not None:
            region_end = intervals[i][1]
            next_start = starts[k + 1] if k + 1 < len(words) else float("inf")
            if next_start >= region_end and region_end - ends[k] <= max_shift_s:
                ends[k] = region_end
        j = _containing(intervals, starts[k])
        if j is not None:
            region_start = intervals[j][0]
            prev_end = ends[k - 1] if k > 0 else float("-inf")
            if prev_end <= region_start and starts[k] - region_start <= max_shift_s:
                starts[k] = region_start
    out: list[Word] = []
    for w, s, e in zip(words, starts, ends, strict=True):
        out.append(replace(w, start_s=round(s, 3), end_s=round(e, 3)) if e > s else w)
    return out
