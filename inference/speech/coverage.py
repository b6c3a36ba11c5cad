"""Is every stretch of speech covered by words? Holes in a transcript, phantom words and pace without the holes.

Whisper sometimes skips a whole stretch of speech (most often right after a long pause) and sometimes writes a
phrase of zero length that was never spoken. The voice detector heard the speech, so a stretch it calls speech
(voiced, not at the recording's noise floor) that no word or filler lies on is a *hole*: it is re-decoded on its
own (:mod:`inference.asr.holes`), and what stays empty is reported as unrecognised speech, left out of the pace.
All functions here are pure.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from inference.speech.types import Word
from inference.voice.types import FRAME_S

Interval = tuple[float, float]

MIN_HOLE_S = 1.0
"""Shortest stretch of uncovered speech that counts as a hole."""
WORD_MARGIN_S = 0.25
"""A word covers this much speech on either side of its edges (Whisper's word edges are that loose)."""
MIN_VOICED_RATIO = 0.25
"""A hole needs at least this share of voiced frames (F0 found): steady noise the VAD took for speech has none."""
PHANTOM_MAX_S = 0.02
"""Words shorter than this are phantoms unless the voice detector heard speech there."""


def _merge(spans: Sequence[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def subtract(spans: Sequence[Interval], cuts: Sequence[Interval]) -> list[Interval]:
    """The parts of ``spans`` outside every interval of ``cuts``."""
    out: list[Interval] = []
    merged_cuts = _merge(cuts)
    for a, b in spans:
        start = a
        for c, d in merged_cuts:
            if d <= start or c >= b:
                continue
            if c > start:
                out.append((start, c))
            start = max(start, d)
        if start < b:
            out.append((start, b))
    return out


def overlap_s(a: Interval, spans: Sequence[Interval]) -> float:
    """Seconds of ``a`` that ``spans`` (not overlapping each other) cover."""
    return sum(max(0.0, min(a[1], d) - max(a[0], c)) for c, d in spans)


def speech_holes(
    speech: Sequence[Interval],
    covered: Sequence[Interval],
    min_hole_s: float = MIN_HOLE_S,
    margin_s: float = WORD_MARGIN_S,
    join_gap_s: float = 1.0,
) -> list[Interval]:
    """Stretches of ``speech`` of at least ``min_hole_s`` that no span of ``covered`` (words, fillers, each
    widened by ``margin_s``) lies on; two such stretches less than ``join_gap_s`` apart with no word between
    them (a breath between sentences, not a pause) are one."""
    widened = [(a - margin_s, b + margin_s) for a, b in covered]
    joined: list[Interval] = []
    for a, b in subtract(speech, widened):
        if joined and a - joined[-1][1] < join_gap_s and overlap_s((joined[-1][1], a), _merge(widened)) == 0:
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return [(round(a, 3), round(b, 3)) for a, b in joined if b - a >= min_hole_s]


def voiced_holes(
    holes: Sequence[Interval],
    t_s: np.ndarray,
    f0_hz: np.ndarray,
    min_voiced_ratio: float = MIN_VOICED_RATIO,
) -> list[Interval]:
    """The holes whose frames (30 ms, starting at ``t_s``) are voiced (finite ``f0_hz``) often enough to be a
    voice rather than steady noise."""
    voiced = np.isfinite(np.asarray(f0_hz, dtype=np.float64))
    times = np.asarray(t_s, dtype=np.float64)
    kept: list[Interval] = []
    for a, b in holes:
        inside = (times >= a - FRAME_S / 2) & (times < b)
        if inside.any() and float(voiced[inside].mean()) >= min_voiced_ratio:
            kept.append((a, b))
    return kept


def drop_phantom_words(
    words: Sequence[Word], speech: Sequence[Interval], max_s: float = PHANTOM_MAX_S, margin_s: float = 0.1
) -> list[Word]:
    """``words`` without phantoms: words (or whole phrases) of (almost) zero length with no speech within
    ``margin_s`` of them, and every word of a phrase of two or more words crammed into one instant."""
    instants: dict[float, int] = {}
    for w in words:
        if w.end_s - w.start_s < max_s:
            instants[round(w.start_s, 2)] = instants.get(round(w.start_s, 2), 0) + 1
    kept: list[Word] = []
    for w in words:
        if w.end_s - w.start_s >= max_s:
            kept.append(w)
            continue
        crammed = instants.get(round(w.start_s, 2), 0) >= 2
        heard = overlap_s((w.start_s - margin_s, w.end_s + margin_s), speech) > 0
        if heard and not crammed:
            kept.append(w)
    return kept


def snap_to_speech(words: Sequence[Word], speech: Sequence[Interval], min_s: float = 0.05) -> list[Word]:
    """``words`` with edges that lie outside ``speech`` moved to where speech begins or ends inside the word.

    Whisper stretches a word over the silence beside it: the first word of a recording starts at 0.0 however
    long the speaker waits (1 s of silence before "good" gave "good" 0.0-1.16 s), which lengthens the pace's
    span and shortens pauses. A start outside speech moves forward to the first speech onset inside the word, an
    end outside speech back to the last speech offset inside it (the word keeps at least ``min_s``); words with
    no speech edge inside them (under a bed the voice detector keeps on) are left as they are."""
    regions = _merge(speech)
    onsets, offsets = [a for a, _ in regions], [b for _, b in regions]

    def in_speech(t: float) -> bool:
        i = bisect.bisect_right(onsets, t) - 1
        return i >= 0 and t < offsets[i]

    snapped: list[Word] = []
    for w in words:
        start, end = w.start_s, w.end_s
        if not in_speech(start):
            i = bisect.bisect_right(onsets, start)
            if i < len(onsets) and onsets[i] < end - min_s:
                start = onsets[i]
        if not in_speech(end - 1e-6):
            k = bisect.bisect_left(offsets, end) - 1
            if k >= 0 and offsets[k] > start + min_s:
                end = offsets[k]
        snapped.append(w if (start, end) == (w.start_s, w.end_s) else replace(w, start_s=start, end_s=end))
    return snapped


def pace_span_s(words: Sequence[Word], unrecognised: Sequence[Interval]) -> float:
    """Seconds from the first word's start to the last one's end, less the unrecognised speech within."""
    if not words:
        return 0.0
    span = (min(w.start_s for w in words), max(w.end_s for w in words))
    return max(0.0, span[1] - span[0] - overlap_s(span, _merge(unrecognised)))


def words_per_minute(words: Sequence[Word], unrecognised: Sequence[Interval]) -> float:
    """``len(words)`` per minute of :func:`pace_span_s`; 0.0 for fewer than two words (a rate needs a span)."""
    if len(words) < 2:
        return 0.0
    span = pace_span_s(words, unrecognised)
    return len(words) * 60.0 / span if span > 0 else 0.0
