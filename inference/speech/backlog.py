"""Finished utterances waiting for speech recognition: one pass for several of them, words mapped back.

A Whisper pass costs about the same for 2 s of audio as for 20 s (the encoder always sees a 30 s window), so
when finished utterances queue up behind a busy worker they are transcribed together: their audio is joined
with a short silence between them, and each recognised word is mapped back to the utterance it was heard in.
A backlog then costs fewer passes instead of growing, and no utterance has to be dropped for being late.

Pure computation on :class:`~inference.speech.types.Utterance` and :class:`~inference.speech.types.Word`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from inference.speech.types import SAMPLE_RATE, Utterance, Word

JOIN_GAP_S = 0.3
"""Silence put between joined utterances (long enough for Whisper to end a phrase, short enough to be cheap)."""


@dataclass(frozen=True)
class JoinedPart:
    """Where one original utterance lies in the joined audio (seconds)."""

    offset_s: float
    start_s: float
    duration_s: float


@dataclass(frozen=True)
class JoinedUtterances:
    """Several finished utterances as one: ``utterance`` starts at the first one's media time."""

    utterance: Utterance
    originals: tuple[Utterance, ...]
    parts: tuple[JoinedPart, ...]


def utterance_seconds(utterance: Utterance) -> float:
    """Length of an utterance's audio in seconds."""
    return len(utterance.samples) / SAMPLE_RATE


def backlog_seconds(queue: Sequence[Utterance]) -> float:
    """Audio waiting in ``queue``, in seconds."""
    return sum(utterance_seconds(u) for u in queue)


def batch_size(queue: Sequence[Utterance], max_s: float, gap_s: float = JOIN_GAP_S) -> int:
    """How many utterances from the front of ``queue`` fit into one pass of at most ``max_s`` seconds (≥ 1)."""
    if not queue:
        return 0
    total = -gap_s
    count = 0
    for utterance in queue:
        total += gap_s + utterance_seconds(utterance)
        if count and total > max_s + 1e-9:
            break
        count += 1
    return count


def join_utterances(utterances: Sequence[Utterance], gap_s: float = JOIN_GAP_S) -> JoinedUtterances:
    """Join ``utterances`` (in time order) into one, ``gap_s`` of silence between each two."""
    if not utterances:
        raise ValueError("nothing to join")
    gap = np.zeros(round(gap_s * SAMPLE_RATE), dtype=np.float32)
    pieces: list[np.ndarray] = []
    parts: list[JoinedPart] = []
    offset = 0.0
    for i, utterance in enumerate(utterances):
        if i:
            pieces.append(gap)
            offset += len(gap) / SAMPLE_RATE
        samples = np.asarray(utterance.samples, dtype=np.float32)
        pieces.append(samples)
        parts.append(JoinedPart(offset, utterance.start_s, len(samples) / SAMPLE_RATE))
        offset += len(samples) / SAMPLE_RATE
    joined = Utterance(utterances[0].start_s, np.concatenate(pieces))
    return JoinedUtterances(joined, tuple(utterances), tuple(parts))


def split_words(joined: JoinedUtterances, words: Sequence[Word]) -> list[list[Word]]:
    """The words of a joined pass, per original utterance, in that utterance's media time.

    A word belongs to the part its midpoint falls in (a midpoint in a gap goes to the nearer part); its times are
    shifted by that part's offset and kept inside the part."""
    out: list[list[Word]] = [[] for _ in joined.parts]
    base = joined.utterance.start_s
    for word in words:
        mid = (word.start_s + word.end_s) / 2 - base
        index = _part_of(joined.parts, mid)
        part = joined.parts[index]
        shift = part.start_s - part.offset_s
        lo, hi = part.start_s, part.start_s + part.duration_s
        start = min(max(word.start_s - base + shift, lo), hi)
        end = min(max(word.end_s - base + shift, start), hi)
        out[index].append(replace(word, start_s=start, end_s=end))
    return out


def _part_of(parts: Sequence[JoinedPart], t_s: float) -> int:
    """Index of the part holding joined time ``t_s``, or of the nearest one."""
    best, best_distance = 0, float("inf")
    for i, part in enumerate(parts):
        if part.offset_s <= t_s <= part.offset_s + part.duration_s:
            return i
        distance = min(abs(t_s - part.offset_s), abs(t_s - part.offset_s - part.duration_s))
        if distance < best_distance:
            best, best_distance = i, distance
    return best
