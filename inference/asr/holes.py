"""Re-decode the holes of a transcript: stretches the voice detector calls speech that no word lies on.

Each hole is decoded on its own (a little padded), without the filler prompt that can make Whisper skip or loop,
prompted instead with the words heard just before it; the words found inside it join the transcript. The decoder
is any :data:`Decode` (:meth:`inference.asr.whisper.WhisperSpeechAnalyzer.decode_stretch` in production).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from inference.speech.coverage import Interval
from inference.speech.lexicon import normalize_token
from inference.speech.types import SAMPLE_RATE, Word

Decode = Callable[[np.ndarray, float, str | None], list[Word]]
"""Words of 16 kHz float32 audio whose first sample is at the given media time, prompted with the given text."""

PAD_S = 0.3
"""Audio decoded on either side of a hole (the words at its edges are often clipped by Whisper's own times)."""
CONTEXT_WORDS = 8
"""How many words before a hole prompt its decoding."""
MIN_PROBABILITY = 0.3
"""Re-decoded words less likely than this are dropped (Whisper guesses on noise with low confidence)."""


def context_before(words: Sequence[Word], t_s: float, count: int = CONTEXT_WORDS) -> str | None:
    """The text of the last ``count`` words ending by ``t_s``; None when there are none."""
    before = [w.text.strip() for w in words if w.end_s <= t_s + 1e-6][-count:]
    return " ".join(before) if before else None


def words_in_hole(found: Sequence[Word], hole: Interval, existing: Sequence[Word], pad_s: float = PAD_S) -> list[Word]:
    """The re-decoded words that belong in ``hole``: centre within the padded hole, likely enough, and not a
    repeat of a word already in the transcript at about the same time."""
    lo, hi = hole[0] - pad_s, hole[1] + pad_s
    kept: list[Word] = []
    for w in found:
        centre = (w.start_s + w.end_s) / 2
        if not lo <= centre <= hi or w.probability < MIN_PROBABILITY or not normalize_token(w.text):
            continue
        if any(_same(w, e) for e in existing):
            continue
        kept.append(w)
    return kept


def _same(a: Word, b: Word) -> bool:
    return normalize_token(a.text) == normalize_token(b.text) and min(a.end_s, b.end_s) > max(a.start_s, b.start_s)


def fill_holes(
    decode: Decode, samples: np.ndarray, words: Sequence[Word], holes: Sequence[Interval], pad_s: float = PAD_S
) -> list[Word]:
    """``words`` with what :func:`decode` hears in each hole of ``samples`` (sample 0 at media time 0) added,
    sorted by start time."""
    audio = np.asarray(samples, dtype=np.float32).reshape(-1)
    out = list(words)
    for hole in holes:
        first = max(0, round((hole[0] - pad_s) * SAMPLE_RATE))
        last = min(len(audio), round((hole[1] + pad_s) * SAMPLE_RATE))
        if last <= first:
            continue
        found = decode(audio[first:last], first / SAMPLE_RATE, context_before(words, hole[0]))
        out.extend(words_in_hole(found, hole, out, pad_s))
    return sorted(out, key=lambda w: w.start_s)
