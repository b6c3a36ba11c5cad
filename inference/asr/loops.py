"""Whisper's runaway repetitions ("oh, oh, oh, …", one sentence twenty times) and prompt echoes in word lists (pure)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from inference.speech.lexicon import normalize_token
from inference.speech.types import Word

MAX_WORDS_PER_S = 6.0
LOOP_COMPRESSION_RATIO = 2.4
"""Whisper's own threshold for a transcript that repeats itself (gzip compression ratio of the text)."""
MIN_LOOP_REPEATS = 4
MIN_LOOP_WORDS = 8
MAX_LOOP_PHRASE = 12


@dataclass(frozen=True)
class Loop:
    """``words[start:end]`` is one phrase of ``phrase`` words said ``repeats`` times in a row (an echo of the
    prompt is one phrase said once)."""

    start: int
    end: int
    phrase: int

    @property
    def repeats(self) -> int:
        return (self.end - self.start) // self.phrase


def looks_like_a_loop(words: Sequence[Word], duration_s: float) -> bool:
    """True for Whisper's runaway repetition ("thank you thank you thank you…"): more words than anyone says
    in ``duration_s``, or a text that compresses as well as a repeated phrase does."""
    if len(words) > MAX_WORDS_PER_S * duration_s + 2:
        return True
    text = " ".join(w.text.strip() for w in words).encode()
    return len(text) > 40 and len(text) / len(zlib.compress(text)) > LOOP_COMPRESSION_RATIO


def loop_free_prefix(words: Sequence[Word]) -> list[Word]:
    """``words`` up to where they start repeating themselves: the second occurrence of the first repeated
    three-word phrase."""
    keys = [normalize_token(w.text) for w in words]
    seen: set[tuple[str, ...]] = set()
    for i in range(len(keys) - 2):
        gram = tuple(keys[i : i + 3])
        if gram in seen:
            return list(words[:i])
        seen.add(gram)
    return list(words)


def find_loops(words: Sequence[Word]) -> list[Loop]:
    """Runs of a phrase (up to ``MAX_LOOP_PHRASE`` words) repeated back to back at least ``MIN_LOOP_REPEATS``
    times and ``MIN_LOOP_WORDS`` words long: longer than any speaker's "no, no, no" or "um, um, um"."""
    keys = [normalize_token(w.text) for w in words]
    loops: list[Loop] = []
    i = 0
    while i < len(keys):
        found = _loop_at(keys, i)
        if found is None:
            i += 1
        else:
            loops.append(found)
            i = found.end
    return loops


def without_repeats(words: Sequence[Word]) -> list[Word]:
    """``words`` with every :func:`find_loops` run cut to its first phrase."""
    out: list[Word] = []
    i = 0
    for loop in find_loops(words):
        out.extend(words[i : loop.start + loop.phrase])
        i = loop.end
    out.extend(words[i:])
    return out


def find_prompt_echoes(words: Sequence[Word], prompt: str | None, min_words: int = 4) -> list[Loop]:
    """Runs of ``min_words`` or more words that repeat ``prompt`` word for word (Whisper, prompted, sometimes
    writes its prompt instead of the speech of a window), joined when at most one word lies between two."""
    if not prompt:
        return []
    said = [normalize_token(t) for t in prompt.split()]
    grams = {tuple(said[i : i + min_words]) for i in range(len(said) - min_words + 1)}
    keys = [normalize_token(w.text) for w in words]
    echoes: list[Loop] = []
    for i in range(len(keys) - min_words + 1):
        if tuple(keys[i : i + min_words]) not in grams:
            continue
        if echoes and i <= echoes[-1].end + 1:
            echoes[-1] = Loop(echoes[-1].start, i + min_words, i + min_words - echoes[-1].start)
        else:
            echoes.append(Loop(i, i + min_words, min_words))
    return echoes


def _loop_at(keys: Sequence[str], i: int) -> Loop | None:
    for phrase in range(1, MAX_LOOP_PHRASE + 1):
        gram = keys[i : i + phrase]
        if len(gram) < phrase:
            break
        end = i + phrase
        while keys[end : end + phrase] == gram:
            end += phrase
        repeats = (end - i) // phrase
        if repeats >= MIN_LOOP_REPEATS and end - i >= MIN_LOOP_WORDS:
            return Loop(i, end, phrase)
    return None
