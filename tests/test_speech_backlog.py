"""Joining queued finished utterances into one recognition pass, and mapping the words back."""

from __future__ import annotations

import numpy as np
import pytest

from inference.speech.backlog import (
    JOIN_GAP_S,
    backlog_seconds,
    batch_size,
    join_utterances,
    split_words,
)
from inference.speech.types import SAMPLE_RATE, Utterance, Word


def utt(start_s: float, seconds: float, value: float = 0.1) -> Utterance:
    return Utterance(start_s, np.full(round(seconds * SAMPLE_RATE), value, np.float32))


def test_batch_size_takes_what_fits_and_always_at_least_one() -> None:
    queue = [utt(0, 6.0), utt(7, 6.0), utt(14, 6.0), utt(21, 6.0)]
    assert batch_size([], 20.0) == 0
    assert batch_size(queue, 20.0) == 3  # 6 + 0.3 + 6 + 0.3 + 6 = 18.6; a fourth would make 24.9
    assert batch_size(queue, 12.0) == 1  # 12.3 does not fit
    assert batch_size([utt(0, 30.0)], 20.0) == 1
    assert backlog_seconds(queue) == pytest.approx(24.0)


def test_join_puts_silence_between_and_keeps_the_first_start() -> None:
    joined = join_utterances([utt(2.0, 1.0, 0.5), utt(10.0, 0.5, 0.25)])
    samples = joined.utterance.samples
    assert joined.utterance.start_s == 2.0
    assert len(samples) == round((1.0 + JOIN_GAP_S + 0.5) * SAMPLE_RATE)
    gap = samples[SAMPLE_RATE : SAMPLE_RATE + round(JOIN_GAP_S * SAMPLE_RATE)]
    assert np.all(gap == 0) and samples[0] == 0.5 and samples[-1] == 0.25
    assert [p.offset_s for p in joined.parts] == [0.0, pytest.approx(1.0 + JOIN_GAP_S)]
    with pytest.raises(ValueError):
        join_utterances([])


def test_words_go_back_to_their_own_utterance_in_its_media_time() -> None:
    joined = join_utterances([utt(2.0, 1.0), utt(10.0, 1.0)])
    base = 2.0
    words = [
        Word("hello", base + 0.1, base + 0.5),
        Word("there", base + 0.6, base + 1.1),  # runs 0.1 s into the gap: clamped to its utterance's end
        Word("again", base + 1.4, base + 1.9),  # 0.1 s into the second part
        Word("uh", base + 1.05, base + 1.12),  # midpoint in the gap, nearer the first part
    ]
    first, second = split_words(joined, words)
    assert [w.text for w in first] == ["hello", "there", "uh"]
    assert [w.text for w in second] == ["again"]
    assert first[0].start_s == pytest.approx(2.1) and first[1].end_s == pytest.approx(3.0)
    assert second[0].start_s == pytest.approx(10.1) and second[0].end_s == pytest.approx(10.6)
    assert all(2.0 <= w.start_s <= w.end_s <= 3.0 for w in first)
