"""Speech metric functions on hand-made word lists and arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

from inference.speech.metrics import (
    filler_stats,
    find_hedges,
    frames_to_arrays,
    immediate_repetitions,
    lexical_words,
    long_silences,
    pause_stats,
    repeated_ngrams,
    rolling_wpm,
    timeline,
    transcript,
    word_pauses,
    words_per_minute,
)
from inference.speech.types import Filler, Word
from inference.speech.voice_metrics import pitch_stats, volume_stats
from inference.voice.types import Pause, VoiceFrame


def evenly(text: str, start: float = 0.0, step: float = 0.5, dur: float = 0.3) -> list[Word]:
    return [Word(t, start + i * step, start + i * step + dur) for i, t in enumerate(text.split())]


def test_wpm_counts_non_filler_words_over_their_span() -> None:
    # 11 words, first starts at 1.0, last ends at 1.0 + 10*0.5 + 0.3 = 6.3 → span 5.3 s
    words = evenly("we grew um by ten percent uh in every single region", start=1.0)
    assert len(lexical_words(words)) == 9
    assert words_per_minute(words) == pytest.approx(9 * 60 / 5.3)


def test_wpm_ignores_leading_and_trailing_fillers() -> None:
    words = [Word("um", 0.0, 0.5), *evenly("one two three", start=2.0), Word("uh", 10.0, 10.5)]
    assert words_per_minute(words) == pytest.approx(3 * 60 / 1.3)


@pytest.mark.parametrize("words", [[], [Word("hello", 0.0, 0.4)], evenly("um uh hmm erm")])
def test_wpm_edge_cases_are_zero(words: list[Word]) -> None:
    assert words_per_minute(words) == 0.0


def test_rolling_wpm_uses_recent_words_and_counts_silence() -> None:
    words = evenly(" ".join(["word"] * 60), start=0.0, step=0.5)  # 120 wpm for 30 s
    assert rolling_wpm(words, now_s=30.0, window_s=25.0) == pytest.approx(50 * 60 / 25.0, rel=0.03)
    # 20 s later with no new words: only the words in the last 25 s count
    assert rolling_wpm(words, now_s=50.0, window_s=25.0) == pytest.approx(10 * 60 / 25.0, rel=0.1)
    assert rolling_wpm(words, now_s=80.0, window_s=25.0) == 0.0


def test_rolling_wpm_unknown_until_enough_talk() -> None:
    assert rolling_wpm([], now_s=10.0) is None
    words = evenly("a b c", start=8.0)
    assert rolling_wpm(words, now_s=10.0) is None
    assert rolling_wpm(words, now_s=14.0) == pytest.approx(3 * 60 / 6.0)


def test_word_pauses_and_long_silences() -> None:
    words = [
        Word("a", 0.0, 0.5),
        Word("b", 0.6, 1.0),
        Word("c", 2.0, 2.4),
        Word("um", 2.5, 2.8),
        Word("d", 6.0, 6.3),
        Word("e", 6.4, 6.9),
    ]
    pauses = word_pauses(words)
    assert pauses == [Pause(1.0, 2.0), Pause(2.8, 6.0)]
    assert long_silences(pauses) == [Pause(2.8, 6.0)]
    assert word_pauses(words, min_pause_s=1.5) == [Pause(2.8, 6.0)]
    assert word_pauses([]) == []
    stats = pause_stats(pauses, duration_s=60.0)
    assert stats.count == 2 and stats.total_s == pytest.approx(4.2) and stats.longest_s == pytest.approx(3.2)
    assert stats.per_minute == pytest.approx(2.0)
    assert pause_stats([], 0.0).per_minute == 0.0


def test_volume_stats_levels_and_flags() -> None:
    steady = volume_stats(np.full(300, -20.0), np.ones(300, bool))
    assert steady is not None
    assert steady.level_dbfs == pytest.approx(-20.0)
    assert steady.flat and not steady.too_quiet and not steady.too_loud and not steady.erratic
    quiet = volume_stats(np.full(100, -50.0))
    assert quiet is not None and quiet.too_quiet
    loud = volume_stats(np.full(100, -3.0))
    assert loud is not None and loud.too_loud
    # alternating 1 s blocks at -15 and -35 dBFS: erratic, not flat
    blocks = np.repeat(np.tile([-15.0, -35.0], 5), 33)
    varied = volume_stats(blocks)
    assert varied is not None and varied.erratic and not varied.flat
    assert varied.variation_db > 8.0


def test_volume_stats_uses_only_speech_frames() -> None:
    levels = np.array([-20.0] * 50 + [-90.0] * 50)
    speech = np.array([True] * 50 + [False] * 50)
    stats = volume_stats(levels, speech)
    assert stats is not None and stats.level_dbfs == pytest.approx(-20.0)
    assert volume_stats(levels, np.zeros(100, bool)) is None


def test_volume_power_mean() -> None:
    stats = volume_stats(np.array([-10.0, -100.0]))
    assert stats is not None and stats.level_dbfs == pytest.approx(-10.0 - 10 * math.log10(2), abs=1e-6)


def test_pitch_stats_monotone_and_varied() -> None:
    flat = pitch_stats(np.full(100, 120.0))
    assert flat is not None and flat.monotone and flat.median_hz == pytest.approx(120.0)
    varied = pitch_stats(np.array([100.0, 100 * 2 ** (4 / 12)] * 50))
    assert varied is not None and not varied.monotone and varied.variation_st > 2.0
    short = pitch_stats(np.full(10, 120.0))  # 0.3 s of voice is too little to call monotone
    assert short is not None and not short.monotone
    assert pitch_stats(np.full(10, np.nan)) is None
    masked = pitch_stats(np.array([100.0, 300.0, np.nan]), np.array([True, False, True]))
    assert masked is not None and masked.median_hz == 100.0


def test_repeated_ngrams() -> None:
    words = evenly("at the end of the day we grew and at the end of the day we won of the of the")
    reps = repeated_ngrams(words)
    assert reps[0].phrase == "at the end of"
    assert reps[0].count == 2
    assert reps[0].starts_s == (words[0].start_s, words[9].start_s)
    assert all(r.phrase != "of the" for r in reps)  # stop words only
    assert not any(r.phrase in {"the end", "at the end"} for r in reps)  # subsumed with the same count
    assert repeated_ngrams([]) == []
    assert repeated_ngrams(evenly("um uh um uh")) == []


def test_immediate_repetitions() -> None:
    words = evenly("I I think the the um the plan")
    reps = immediate_repetitions(words)
    assert [w.start_s for w in reps] == [words[1].start_s, words[4].start_s, words[6].start_s]


def test_hedges() -> None:
    words = evenly("I think we could maybe sort of grow, I guess.")
    assert [h.text for h in find_hedges(words)] == ["i think", "maybe", "sort of", "i guess"]
    assert find_hedges([]) == []


def test_filler_stats() -> None:
    words = evenly("so um we grew uh by ten percent", step=1.0)  # 8 tokens, 6 non-filler, span 0..7.3
    fillers = [Filler("um", 1.0, 1.3, "asr"), Filler("uh", 4.0, 4.3, "both"), Filler("Um", 5.0, 5.3, "acoustic")]
    stats = filler_stats(fillers, words)
    assert stats.count == 3
    assert stats.per_minute == pytest.approx(3 * 60 / 7.3)
    assert stats.percent_of_words == pytest.approx(100 * 3 / 9)
    assert stats.by_text == {"um": 2, "uh": 1}
    empty = filler_stats([], [])
    assert (empty.count, empty.per_minute, empty.percent_of_words) == (0, 0.0, 0.0)
    only = filler_stats([Filler("um", 0.0, 0.5, "asr")], [Word("um", 0.0, 0.5)])
    assert only.percent_of_words == 100.0


def test_timeline_windows() -> None:
    words = evenly(" ".join(["w"] * 20), start=0.0, step=0.5)  # 20 words in the first 10 s
    frames = [
        VoiceFrame(
            i * 0.03, i * 0.03 < 10.0, -20.0 if i * 0.03 < 10.0 else -90.0, 150.0 if i * 0.03 < 10.0 else math.nan
        )
        for i in range(500)
    ]
    t, db, sp, f0 = frames_to_arrays(frames)
    tl = timeline(words, duration_s=15.0, frame_t_s=t, dbfs=db, is_speech=sp, f0_hz=f0, window_s=10.0)
    assert [(w.start_s, w.end_s) for w in tl] == [(0.0, 10.0), (10.0, 15.0)]
    assert tl[0].word_count == 20 and tl[0].wpm == pytest.approx(120.0)
    assert tl[0].volume_dbfs == pytest.approx(-20.0) and tl[0].pitch_hz == pytest.approx(150.0)
    assert tl[1].word_count == 0 and tl[1].wpm == 0.0
    assert math.isnan(tl[1].volume_dbfs) and tl[1].speech_ratio == 0.0
    no_voice = timeline(words, duration_s=10.0)
    assert len(no_voice) == 1 and math.isnan(no_voice[0].volume_dbfs)
    assert timeline([], duration_s=0.0) == []


def test_transcript_joins_words() -> None:
    assert transcript([Word("Hello,", 0, 1), Word(" world.", 1, 2)]) == "Hello, world."
    assert transcript([]) == ""
