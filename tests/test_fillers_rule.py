"""Rule-based filler detection on hand-made word lists."""

from __future__ import annotations

import pytest

from inference.speech.fillers_rule import find_fillers, find_lexical_fillers, is_filler_word
from inference.speech.lexicon import load_lexicon, normalize_token
from inference.speech.types import Word


def words_of(text: str, step: float = 0.4, gaps: dict[int, float] | None = None) -> list[Word]:
    """Words 0.3 s long every ``step`` s; ``gaps`` adds extra silence before word index i."""
    out: list[Word] = []
    t = 0.0
    for i, token in enumerate(text.split()):
        t += (gaps or {}).get(i, 0.0)
        out.append(Word(token, round(t, 3), round(t + 0.3, 3)))
        t += step
    return out


def lexical(text: str) -> list[str]:
    return [f.text for f in find_lexical_fillers(words_of(text))]


@pytest.mark.parametrize("token", ["um", "Um,", "UH.", "ummm", "Uhh...", "erm", "hmm?", "Hmmm", "mm", "ah,"])
def test_non_lexical_variants_are_fillers(token: str) -> None:
    assert is_filler_word(Word(token, 0.0, 0.2))


@pytest.mark.parametrize("token", ["me", "her", "human", "arm", "a", "I", "uhuru", "mum", "emma"])
def test_real_words_are_not_non_lexical_fillers(token: str) -> None:
    assert not is_filler_word(Word(token, 0.0, 0.2))


def test_find_fillers_keeps_times_and_normalises_text() -> None:
    ws = words_of("So, um, the results uh were Hmm... good")
    fillers = find_fillers(ws)
    assert [f.text for f in fillers] == ["um", "uh", "hmm"]
    assert fillers[0].start_s == ws[1].start_s and fillers[0].end_s == ws[1].end_s
    assert {f.source for f in fillers} == {"asr"}


def test_empty_and_filler_only_inputs() -> None:
    assert find_fillers([]) == []
    assert find_lexical_fillers([]) == []
    assert len(find_fillers(words_of("um uh hmm"))) == 3
    assert find_lexical_fillers(words_of("um uh hmm")) == []


def test_like_as_discourse_marker_is_a_filler() -> None:
    assert lexical("It was, like, huge.") == ["like"]
    assert lexical("Like, I don't know.") == ["like"]
    assert lexical("We had like um three options.") == ["like"]


def test_like_after_a_hesitation_gap_is_a_filler() -> None:
    ws = words_of("we had like three options", gaps={3: 0.8})
    assert [f.text for f in find_lexical_fillers(ws)] == ["like"]


def test_like_as_verb_or_preposition_is_not_a_filler() -> None:
    assert lexical("I like this product.") == []
    assert lexical("It looks like rain today.") == []
    assert lexical("Something like that would work.") == []
    assert lexical("We would like to thank you.") == []


def test_so_only_at_sentence_start() -> None:
    assert lexical("So today we talk about sales.") == ["so"]
    assert lexical("It went well. So we grew.") == ["so"]
    assert lexical("It was so good.") == []
    assert lexical("So far we grew.") == []
    assert lexical("We did it so that we grow.") == []


def test_so_after_a_long_silence_starts_a_sentence() -> None:
    ws = words_of("we grew so we hired", gaps={2: 1.0})
    assert [f.text for f in find_lexical_fillers(ws)] == ["so"]
    assert find_lexical_fillers(words_of("we grew so we hired")) == []


def test_you_know_and_i_mean() -> None:
    assert lexical("It is, you know, hard.") == ["you know"]
    assert lexical("It was hard you know.") == ["you know"]
    assert lexical("Do you know the answer?") == []
    assert lexical("You know what I did.") == []
    assert lexical("I mean, it was fine.") == ["i mean"]
    assert lexical("That is what I mean.") == []
    assert lexical("I mean it.") == []


def test_basically_actually_literally_always_count_and_times_span_the_phrase() -> None:
    ws = words_of("Basically we actually literally grew, you know.")
    found = find_lexical_fillers(ws)
    assert [f.text for f in found] == ["basically", "actually", "literally", "you know"]
    last = found[-1]
    assert (last.start_s, last.end_s, last.word_index) == (ws[5].start_s, ws[6].end_s, 5)


def test_lexicon_loads_phrases_longest_first() -> None:
    lex = load_lexicon()
    assert ("you", "know") in lex.lexical and ("i", "think") in lex.hedges
    assert all(len(a) >= len(b) for a, b in zip(lex.lexical, lex.lexical[1:], strict=False))
    assert normalize_token("“So,”") == "so"
    assert normalize_token("don’t") == "don't"
