"""Snapping ASR word times to VAD speech regions."""

from __future__ import annotations

import numpy as np
import pytest

from inference.asr.align import snap_words_to_speech, speech_intervals
from inference.speech.metrics import word_pauses
from inference.speech.types import Word
from inference.voice.types import Pause


def flags(pattern: str) -> np.ndarray:
    return np.array([c == "#" for c in pattern])


def test_speech_intervals_fill_short_gaps_and_drop_blips() -> None:
    # 30 ms frames: speech 0-0.3, 3-frame gap (90 ms, filled), speech, 10-frame gap, 1-frame blip, gap, speech
    pattern = "#" * 10 + "." * 3 + "#" * 5 + "." * 10 + "#" + "." * 10 + "#" * 4
    iv = speech_intervals(flags(pattern))
    assert iv == [(0.0, pytest.approx(0.54)), (pytest.approx(1.17), pytest.approx(1.29))]
    assert speech_intervals(np.zeros(0, bool)) == []
    assert speech_intervals(flags("....")) == []


def test_speech_intervals_use_frame_times() -> None:
    t = 10.0 + np.arange(8) * 0.03
    assert speech_intervals(flags("..####.."), t) == [(pytest.approx(10.06), pytest.approx(10.18))]


def test_words_are_moved_out_of_a_silence() -> None:
    intervals = [(0.0, 5.5), (7.4, 10.0)]
    # Whisper: the word before the pause ends early, the word after starts inside the silence
    words = [Word("customers", 4.2, 5.26), Word("We", 6.58, 7.54), Word("hire", 7.6, 8.0)]
    snapped = snap_words_to_speech(words, intervals)
    assert [(w.start_s, w.end_s) for w in snapped] == [(4.2, 5.5), (7.4, 7.54), (7.6, 8.0)]
    assert word_pauses(snapped) == [Pause(5.5, 7.4)]
    assert word_pauses(words) == [Pause(5.26, 6.58)]
    assert [w.text for w in snapped] == ["customers", "We", "hire"]


def test_words_inside_speech_and_without_speech_are_unchanged() -> None:
    intervals = [(1.0, 3.0)]
    words = [Word("a", 1.2, 1.5, 0.9), Word("b", 1.6, 2.0), Word("ghost", 5.0, 5.4)]
    snapped = snap_words_to_speech(words, intervals)
    assert snapped[0] == Word("a", 1.0, 1.5, 0.9)  # pulled to the start of its speech region
    assert snapped[1] == Word("b", 1.6, 3.0)  # pulled to the end: the next word is beyond the region
    assert snapped[2] == words[2]
    far = snap_words_to_speech(words, [(1.0, 3.0)], max_shift_s=0.5)
    assert far[1] == words[1]
    assert snap_words_to_speech(words, []) == words
    assert snap_words_to_speech([], intervals) == []
