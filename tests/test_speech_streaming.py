"""Committing words of growing utterances: local agreement, settled words, finals, splits (pure state)."""

from __future__ import annotations

from inference.speech.streaming import StreamingTranscript
from inference.speech.types import Word


def words(spec: str, start_s: float = 0.0, step_s: float = 0.4) -> list[Word]:
    """Words of ``spec`` spaced ``step_s`` apart from ``start_s``, each 0.3 s long."""
    return [Word(t, start_s + i * step_s, start_s + i * step_s + 0.3) for i, t in enumerate(spec.split())]


def texts(ws: tuple[Word, ...] | list[Word]) -> list[str]:
    return [w.text for w in ws]


def test_words_are_committed_when_two_interim_transcripts_agree() -> None:
    stream = StreamingTranscript(commit_after_s=10.0)
    first = stream.interim(0.0, words("good morning every"), audio_end_s=1.2)
    assert first.committed == () and texts(first.tail) == ["good", "morning", "every"]
    second = stream.interim(0.0, words("good morning everyone and"), audio_end_s=1.6)
    assert texts(second.committed) == ["good", "morning"]
    assert texts(second.tail) == ["everyone", "and"]
    third = stream.interim(0.0, words("good morning everyone and thank"), audio_end_s=2.0)
    assert texts(third.committed) == ["everyone", "and"]
    assert texts(third.tail) == ["thank"]


def test_a_word_with_enough_audio_after_it_is_committed_without_agreement() -> None:
    stream = StreamingTranscript(commit_after_s=0.6)
    step = stream.interim(0.0, words("sales grew faster"), audio_end_s=1.5)
    assert texts(step.committed) == ["sales", "grew"]
    assert texts(step.tail) == ["faster"]


def test_an_agreed_word_right_at_the_end_of_the_audio_waits() -> None:
    stream = StreamingTranscript(commit_after_s=10.0, agree_guard_s=0.3)
    stream.interim(0.0, words("good morning one"), audio_end_s=1.1)
    step = stream.interim(0.0, words("good morning one"), audio_end_s=1.2)
    assert texts(step.committed) == ["good", "morning"]
    assert texts(step.tail) == ["one"]


def test_a_word_that_changed_is_committed_as_last_heard_once_a_later_word_agrees() -> None:
    stream = StreamingTranscript(commit_after_s=10.0)
    stream.interim(0.0, words("our team ship three new"), audio_end_s=2.1)
    step = stream.interim(0.0, words("our team shipped three new"), audio_end_s=2.1)
    assert texts(step.committed) == ["our", "team", "shipped", "three"]
    assert texts(step.tail) == ["new"]


def test_commits_stop_before_a_changed_word_that_nothing_agreed_on_follows() -> None:
    stream = StreamingTranscript(commit_after_s=10.0)
    stream.interim(0.0, words("our team ship fee"), audio_end_s=2.0)
    step = stream.interim(0.0, words("our team shipped three"), audio_end_s=2.0)
    assert texts(step.committed) == ["our", "team"]
    assert texts(step.tail) == ["shipped", "three"]


def test_the_same_word_heard_at_another_time_does_not_agree() -> None:
    stream = StreamingTranscript(commit_after_s=10.0)
    stream.interim(0.0, words("the plan"), audio_end_s=2.0)
    step = stream.interim(0.0, [Word("and", 0.0, 0.3), Word("the", 0.9, 1.1)], audio_end_s=2.0)
    assert step.committed == ()


def test_final_commits_the_rest_once_and_starts_afresh() -> None:
    stream = StreamingTranscript(commit_after_s=10.0)
    stream.interim(0.0, words("hiring is our"), audio_end_s=1.2)
    stream.interim(0.0, words("hiring is our main"), audio_end_s=1.6)
    final = stream.final(0.0, words("hiring is our main priority"))
    assert final.final and texts(final.committed) == ["main", "priority"] and final.tail == ()
    later = stream.interim(5.0, words("next we", start_s=5.2), audio_end_s=6.0)
    assert later.committed == () and texts(later.tail) == ["next", "we"]


def test_words_committed_before_an_utterance_split_are_not_sent_again() -> None:
    stream = StreamingTranscript(commit_after_s=0.5)
    first = stream.interim(0.0, words("please send me your"), audio_end_s=2.0)
    assert texts(first.committed) == ["please", "send", "me"]
    stream.final(0.0, words("please send me"))
    # The next utterance starts inside "me" (cut at the split point); its transcript repeats it.
    next_words = [Word("me", 0.85, 1.1), Word("your", 1.2, 1.5), Word("questions", 1.6, 2.1)]
    step = stream.final(0.9, next_words)
    assert texts(step.committed) == ["your", "questions"]


def test_words_heard_after_a_split_agree_with_the_next_utterances_first_transcript() -> None:
    stream = StreamingTranscript(commit_after_s=10.0)
    stream.interim(0.0, words("next we will look"), audio_end_s=1.55)
    assert texts(stream.final(0.0, words("next we"), end_s=0.75).committed) == ["next", "we"]
    step = stream.interim(0.75, words("will look at the", start_s=0.8), audio_end_s=2.3)
    assert texts(step.committed) == ["will", "look"]
    assert texts(step.tail) == ["at", "the"]


def test_a_split_heard_past_its_end_needs_no_final_transcript() -> None:
    stream = StreamingTranscript(commit_after_s=10.0, agree_guard_s=0.3)
    stream.interim(0.0, words("sales grew faster than"), audio_end_s=1.6)
    assert stream.heard_through(0.0, end_s=1.4) is None
    assert stream.heard_through(5.0, end_s=1.0) is None
    heard = stream.heard_through(0.0, end_s=1.25)
    assert heard is not None and texts(heard) == ["sales", "grew", "faster"]
    assert texts(stream.final(0.0, heard, end_s=1.25).committed) == ["sales", "grew", "faster"]


def test_times_alone_separate_old_words_when_the_text_changed() -> None:
    stream = StreamingTranscript(commit_after_s=0.5)
    assert texts(stream.interim(0.0, words("the biggest change"), audio_end_s=1.5).committed) == ["the", "biggest"]
    step = stream.final(0.0, [Word("The", 0.0, 0.3), Word("bigger", 0.4, 0.7), Word("chains", 0.8, 1.1)])
    assert texts(step.committed) == ["chains"]


def test_punctuation_and_case_do_not_break_agreement() -> None:
    stream = StreamingTranscript(commit_after_s=10.0)
    stream.interim(0.0, words("Um, so today"), audio_end_s=1.2)
    step = stream.interim(0.0, words("um so today we"), audio_end_s=1.6)
    assert texts(step.committed) == ["um", "so", "today"]
