"""Rule-based filler detection on ASR words.

Non-lexical fillers ("um", "uh", "erm", "hmm", …) are recognised by their normalised spelling, with
variants matched by pattern ("ummm", "uhhh").

Lexical fillers are real words that are sometimes filler and sometimes not, so context decides. The
transcript's punctuation (Whisper writes parenthetical words between commas), sentence boundaries (final
punctuation or a silence of ``sentence_gap_s`` before the word) and neighbouring words are the evidence:

* ``basically``, ``actually``, ``literally`` — always counted (they rarely carry meaning in a talk).
* ``so`` — only at the start of a sentence, and not in "so far", "so that", "so much/many", "so long".
* ``like`` — counted only with positive evidence of a discourse marker, since its verb ("I like it") and
  preposition ("looks like rain", "something like that") uses are common: a comma right before or after
  it, sentence-initial position, or a non-lexical filler or silence of ``hesitation_gap_s`` right after
  it. Otherwise it is assumed to be a verb or preposition. This favours precision over recall: an
  unpunctuated "it was like huge" is missed.
* ``you know`` — not counted as a question or clause ("do you know", "if you know", "you know what/that/
  how …", "you know the/him …"); counted otherwise, e.g. between commas or sentence-final.
* ``I mean`` — not counted in "what I mean", "I mean it/that/to"; counted otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inference.speech.lexicon import Lexicon, ends_sentence, has_trailing_comma, load_lexicon, normalize_token
from inference.speech.types import Filler, Word

_SO_NOT_FILLER_NEXT = frozenset({"far", "that", "much", "many", "long", "called", "to", "as"})
_YOU_KNOW_NOT_AFTER = frozenset({"do", "did", "don't", "didn't", "if", "as", "when", "because", "would"})
_YOU_KNOW_NOT_BEFORE = frozenset(
    {
        "what",
        "that",
        "how",
        "why",
        "where",
        "who",
        "when",
        "whether",
        "if",
        "the",
        "a",
        "an",
        "this",
        "it",
        "him",
        "her",
        "them",
        "me",
        "us",
        "about",
        "which",
        "more",
    }
)
_I_MEAN_NOT_AFTER = frozenset({"what", "which", "that", "do", "don't", "did", "didn't"})
_I_MEAN_NOT_BEFORE = frozenset({"it", "that", "to", "what", "by", "is", "business", "well"})


@dataclass(frozen=True)
class LexicalFiller:
    """A lexical filler phrase ("like", "you know", …) with the index of its first word."""

    text: str
    start_s: float
    end_s: float
    word_index: int


def find_fillers(words: Sequence[Word], lexicon: Lexicon | None = None) -> list[Filler]:
    """Non-lexical fillers among ASR words, as ``Filler(source="asr")`` with normalised text."""
    lex = lexicon or load_lexicon()
    return [
        Filler(text=normalize_token(w.text), start_s=w.start_s, end_s=w.end_s, source="asr")
        for w in words
        if lex.is_non_lexical_filler(w.text)
    ]


def is_filler_word(word: Word, lexicon: Lexicon | None = None) -> bool:
    """True when ``word`` is a non-lexical filler (what words-per-minute leaves out)."""
    return (lexicon or load_lexicon()).is_non_lexical_filler(word.text)


def find_lexical_fillers(
    words: Sequence[Word],
    lexicon: Lexicon | None = None,
    sentence_gap_s: float = 0.7,
    hesitation_gap_s: float = 0.5,
) -> list[LexicalFiller]:
    """Lexical fillers in ``words`` according to the context rules in this module's docstring."""
    lex = lexicon or load_lexicon()
    tokens = [normalize_token(w.text) for w in words]
    found: list[LexicalFiller] = []
    i = 0
    while i < len(words):
        match = _match_phrase(tokens, i, lex.lexical)
        if match is None:
            i += 1
            continue
        end = i + len(match) - 1
        if _is_filler_use(match, words, tokens, i, end, lex, sentence_gap_s, hesitation_gap_s):
            found.append(LexicalFiller(" ".join(match), words[i].start_s, words[end].end_s, i))
            i = end + 1
        else:
            i += 1
    return found


def _match_phrase(tokens: list[str], i: int, phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    for phrase in phrases:  # longest first
        if tuple(tokens[i : i + len(phrase)]) == phrase:
            return phrase
    return None


def _sentence_start(words: Sequence[Word], tokens: list[str], i: int, lex: Lexicon, gap_s: float) -> bool:
    j = i - 1
    while j >= 0 and lex.is_non_lexical_filler(words[j].text):
        j -= 1
    if j < 0:
        return True
    return ends_sentence(words[j].text) or words[i].start_s - words[j].end_s >= gap_s


def _is_filler_use(
    phrase: tuple[str, ...],
    words: Sequence[Word],
    tokens: list[str],
    start: int,
    end: int,
    lex: Lexicon,
    sentence_gap_s: float,
    hesitation_gap_s: float,
) -> bool:
    prev = tokens[start - 1] if start > 0 else ""
    nxt = tokens[end + 1] if end + 1 < len(tokens) else ""
    comma_before = start > 0 and has_trailing_comma(words[start - 1].text)
    comma_after = has_trailing_comma(words[end].text)
    if phrase in {("basically",), ("actually",), ("literally",)}:
        return True
    if phrase == ("so",):
        return _sentence_start(words, tokens, start, lex, sentence_gap_s) and nxt not in _SO_NOT_FILLER_NEXT
    if phrase == ("like",):
        if comma_before or comma_after or _sentence_start(words, tokens, start, lex, sentence_gap_s):
            return True
        if end + 1 < len(words):
            following = words[end + 1]
            if lex.is_non_lexical_filler(following.text):
                return True
            return following.start_s - words[end].end_s >= hesitation_gap_s
        return False
    if phrase == ("you", "know"):
        if prev in _YOU_KNOW_NOT_AFTER:
            return False
        return comma_after or ends_sentence(words[end].text) or nxt == "" or nxt not in _YOU_KNOW_NOT_BEFORE
    if phrase == ("i", "mean"):
        return prev not in _I_MEAN_NOT_AFTER and (comma_after or nxt not in _I_MEAN_NOT_BEFORE)
    return True
