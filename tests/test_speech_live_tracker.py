from __future__ import annotations

import pytest

from inference.speech.live_tracker import LiveSpeechTracker
from inference.speech.types import Word


def _words(texts: list[str], start: float, step: float = 0.4) -> list[Word]:
    return [Word(t, start + i * step, start + i * step + 0.3) for i, t in enumerate(texts)]


def test_fillers_and_counts_accumulate() -> None:
    tracker = LiveSpeechTracker()
    first = tracker.add(_words(["so", "um", "today", "we", "talk"], 0.0), 0.0, 2.0)
    assert [f.text for f in first.new_fillers] == ["um"]
    assert first.word_count == 5 and first.filler_count == 1
    second = tracker.add(_words(["uh", "about", "pace"], 3.0), 3.0, 4.2)
    assert [f.text for f in second.new_fillers] == ["uh"]
    assert second.filler_count == 2 and second.word_count == 8


def test_pause_between_utterances_is_reported() -> None:
    tracker = LiveSpeechTracker()
    tracker.add(_words(["one", "two"], 0.0), 0.0, 0.7)
    update = tracker.add(_words(["three"], 3.0), 3.0, 3.3)
    assert update.new_pauses == (pytest.approx((0.7, 3.0)),)


def test_rolling_wpm_matches_steady_rate_and_window_is_bounded() -> None:
    tracker = LiveSpeechTracker(window_s=20.0)
    update = None
    for k in range(30):
        update = tracker.add(_words(["word"] * 5, k * 2.0, step=0.4), k * 2.0, k * 2.0 + 2.0)
    assert update is not None and update.wpm == pytest.approx(150.0, rel=0.1)
    assert len(tracker._recent) <= 5 * 11


def test_wpm_is_none_until_enough_talk() -> None:
    update = LiveSpeechTracker().add(_words(["hello", "there"], 0.0), 0.0, 0.8)
    assert update.wpm is None


def test_a_finished_utterance_without_words_is_unrecognised_speech_not_a_pause() -> None:
    tracker = LiveSpeechTracker(window_s=30.0)
    for k in range(3):  # 0-12 s: 30 words at 150 wpm
        tracker.add(_words(["word"] * 10, k * 4.0), k * 4.0, k * 4.0 + 4.0)
    assert tracker.add([], 13.0, 19.0).new_unrecognised == ()  # not finished yet
    update = tracker.add(_words(["word"] * 10, 20.0), 20.0, 24.0)
    assert update.new_unrecognised == (pytest.approx((13.0, 19.0)),)
    assert update.new_pauses == ((pytest.approx(11.9), pytest.approx(13.0)), (pytest.approx(19.0), pytest.approx(20.0)))
    # 40 words over 24 s less the 6 s nobody transcribed
    assert update.wpm == pytest.approx(40 * 60 / 18.0, rel=0.05)


def test_an_utterance_with_words_throughout_has_no_unrecognised_speech() -> None:
    tracker = LiveSpeechTracker()
    tracker.add(_words(["one"] * 10, 0.0), 0.0, 4.0)
    tracker.add(_words(["two"] * 5, 4.0), 4.0, 6.0)  # interim words of an utterance: no holes judged
    tracker.add(_words(["three"] * 5, 6.0), 4.0, 8.0)
    assert tracker.add(_words(["four"], 9.0), 9.0, 9.5).new_unrecognised == ()
