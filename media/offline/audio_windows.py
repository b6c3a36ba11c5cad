"""Cut a stream of 16 kHz audio pieces into bounded, overlapping windows (pure computation).

Post-hoc analysis runs ASR and the acoustic filler detector window by window, so memory stays bounded whatever
the recording's duration (about two windows of float32 audio are held at most). Consecutive windows overlap by
``overlap_s``; each window *owns* the time from the middle of the overlap before it to the middle of the overlap
after it, and a word or event belongs to the window that owns its centre, so nothing is counted twice and nothing
cut at a window's edge is lost. A recording no longer than one window is one window that owns everything (the
whole-file behaviour).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from inference.speech.types import SAMPLE_RATE


@dataclass(frozen=True)
class WindowPlan:
    """``window_s``: audio held at once; ``overlap_s``: audio shared by consecutive windows."""

    window_s: float = 300.0
    overlap_s: float = 5.0

    def __post_init__(self) -> None:
        if not 0 <= self.overlap_s < self.window_s / 2:
            raise ValueError("overlap_s must be at least 0 and under half of window_s")

    @property
    def window_samples(self) -> int:
        return round(self.window_s * SAMPLE_RATE)

    @property
    def overlap_samples(self) -> int:
        return round(self.overlap_s * SAMPLE_RATE)


@dataclass(frozen=True)
class AudioWindow:
    """``samples[0]`` is at media time ``start_s``; ``samples[new_from:]`` is audio no earlier window had."""

    start_s: float
    samples: np.ndarray
    new_from: int
    own_start_s: float
    own_end_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + len(self.samples) / SAMPLE_RATE

    @property
    def is_last(self) -> bool:
        return self.own_end_s == math.inf

    def owns(self, start_s: float, end_s: float) -> bool:
        """Whether the stretch ``[start_s, end_s]`` (a word, an event) belongs to this window (by its centre)."""
        return self.own_start_s <= (start_s + end_s) / 2 < self.own_end_s


def audio_windows(pieces: Iterable[np.ndarray], plan: WindowPlan) -> Iterator[AudioWindow]:
    """The windows of the consecutive ``pieces`` (sample 0 at media time 0), each copied into its own array as
    the pieces arrive; a window is yielded once audio past it is seen (or the stream ends)."""
    size, overlap = plan.window_samples, plan.overlap_samples
    buffer = np.empty(size, np.float32)
    filled, start, first = 0, 0, True
    for piece in pieces:
        data = np.asarray(piece, np.float32).reshape(-1)
        while len(data):
            if filled == size:  # audio past a full window: it is not the last one
                yield _window(buffer, start, 0 if first else overlap, first, last=False, plan=plan)
                carried = buffer[size - overlap :]
                buffer = np.empty(size, np.float32)
                buffer[:overlap] = carried
                filled, start, first = overlap, start + size - overlap, False
            take = min(size - filled, len(data))
            buffer[filled : filled + take] = data[:take]
            filled, data = filled + take, data[take:]
    if filled > (0 if first else overlap):
        yield _window(buffer[:filled], start, 0 if first else overlap, first, last=True, plan=plan)


def _window(samples: np.ndarray, start: int, new_from: int, first: bool, last: bool, plan: WindowPlan) -> AudioWindow:
    start_s = start / SAMPLE_RATE
    half = plan.overlap_s / 2
    own_start = -math.inf if first else start_s + half
    own_end = math.inf if last else start_s + len(samples) / SAMPLE_RATE - half
    return AudioWindow(start_s, samples, new_from, own_start, own_end)
