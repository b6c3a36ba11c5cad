"""Whisper's runaway repetitions: found in word lists, and re-decoded from the audio by the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference.asr.loops import find_loops, find_prompt_echoes, without_repeats
from inference.asr.whisper import WhisperSpeechAnalyzer
from inference.assets.whisper_model import prepare_whisper_model
from inference.speech.types import Word
from tests.generators.speech import speech_clip


def ws(text: str, start_s: float = 0.0) -> list[Word]:
    return [Word(t, start_s + 0.3 * i, start_s + 0.3 * i + 0.2) for i, t in enumerate(text.split())]


def texts(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def test_a_phrase_said_over_and_over_is_a_loop() -> None:
    words = ws("coming to " + "I'm not going to be able to do this, " * 5 + "thanks")
    loops = find_loops(words)
    assert len(loops) == 1
    assert (loops[0].start, loops[0].phrase, loops[0].repeats) == (2, 9, 5)
    assert texts(without_repeats(words)) == "coming to I'm not going to be able to do this, thanks"


def test_one_word_repeated_many_times_is_a_loop() -> None:
    words = ws("the new one " + "oh, " * 30 + "next year")
    assert [(lp.start, lp.end) for lp in find_loops(words)] == [(3, 33)]
    assert texts(without_repeats(words)) == "the new one oh, next year"


def test_what_speakers_really_repeat_is_not_a_loop() -> None:
    for text in ("no, no, no, no", "um um um um um", "thank you, thank you, thank you", "very very very good"):
        assert find_loops(ws(text)) == [], text
    assert find_loops([]) == []


def test_the_prompt_written_back_is_found_and_its_words_elsewhere_are_not() -> None:
    prompt = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."
    words = ws("let me show you what I'm like at work. Okay, here's what I'm, like, hmm... Okay, here's what I'm")
    echoes = find_prompt_echoes(words, prompt)
    assert [(e.start, e.end) for e in echoes] == [(9, 19)]
    assert find_prompt_echoes(words, None) == []


@pytest.fixture(scope="module")
def asr(tmp_path_factory: pytest.TempPathFactory) -> WhisperSpeechAnalyzer:
    model_dir: Path = prepare_whisper_model(tmp_path_factory.mktemp("models"))
    return WhisperSpeechAnalyzer(model_dir, cpu_threads=2)


@pytest.mark.slow
def test_a_loop_is_replaced_by_what_the_audio_says(asr: WhisperSpeechAnalyzer) -> None:
    clip = speech_clip("Good morning everyone. Today I want to talk about our sales results for the year.")
    truth = clip.truth.words
    morning = next(w for w in truth if w.text.lower().startswith("morning"))
    sales = next(w for w in truth if w.text.lower().startswith("sales"))
    looped = [
        Word("Good", truth[0].start_s, truth[0].end_s),
        Word("morning", morning.start_s, morning.end_s),
        *[Word("oh,", morning.end_s + 0.1, morning.end_s + 0.1) for _ in range(20)],
        Word("sales", sales.start_s, sales.end_s),
    ]
    repaired = asr.repair_loops(clip.samples, looped)
    heard = [w.text.strip(".,!?").lower() for w in repaired]
    assert heard[:2] == ["good", "morning"] and heard[-1] == "sales"
    assert {"today", "talk"} <= set(heard), heard
    assert find_loops(repaired) == []
    assert all(morning.end_s - 0.3 <= w.start_s <= sales.start_s + 0.3 for w in repaired[2:-1])


@pytest.mark.slow
def test_an_echo_of_the_prompt_is_replaced_by_what_the_audio_says(asr: WhisperSpeechAnalyzer) -> None:
    clip = speech_clip("Good morning everyone. Today I want to talk about our sales results for the year.")
    truth = clip.truth.words
    echo = [
        Word(t, truth[1].end_s + 0.2 * i, truth[1].end_s + 0.2 * i)
        for i, t in enumerate(["Okay,", "here's", "what", "I'm,", "like,", "Okay,", "here's", "what", "I'm,"])
    ]
    repaired = asr.repair_loops(clip.samples, [Word("Good", truth[0].start_s, truth[0].end_s), *echo])
    heard = [w.text.strip(".,!?").lower() for w in repaired]
    assert heard[0] == "good" and heard[1] != "good" and {"today", "sales", "year"} <= set(heard), heard
    assert find_prompt_echoes(repaired, asr.initial_prompt) == []
