"""Commit words of a growing utterance as soon as two successive transcripts agree on them (pure state).

Live speech is transcribed again every few hundred milliseconds while the speaker is still talking. The last
words of such an interim transcript are often wrong (a word cut in half, a guess that changes with more audio),
so a word is *committed* — sent once, counted, checked for fillers — when two successive transcripts of the
same utterance agree on it ("local agreement": same text, about the same time) and it ends ``agree_guard_s``
before the audio does (Whisper's guesses at a cut-off last word tend to repeat), when the transcript had at least
``commit_after_s`` of audio after it (enough context that it rarely changes), or when the utterance's final
transcript holds it. A word that changed between the two transcripts is committed as last heard once a word
after it agrees, so one unsure word does not hold back the rest of the sentence. Committed words are never taken
back, also across utterances (a word cut in two by an utterance split is sent once); what is not committed yet
is the interim tail. When an utterance is split, the uncommitted words heard after the split carry over, so the
first transcript of the utterance that continues can agree with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inference.speech.lexicon import normalize_token
from inference.speech.types import Word

MATCH_WINDOW_S = 0.6
"""How far (centre to centre) a word of a new transcript may move and still be the same committed word."""
TIME_TOLERANCE_S = 0.1
"""Without a text match, words starting this much before the last committed end still count as new."""
AGREE_SHIFT_S = 0.3
"""How far (centre to centre) the same word may move between two transcripts and still agree."""


def _centre(word: Word) -> float:
    return (word.start_s + word.end_s) / 2


@dataclass(frozen=True)
class StreamStep:
    """What one transcript of an utterance adds: newly committed words and the uncommitted tail."""

    committed: tuple[Word, ...]
    tail: tuple[Word, ...]
    final: bool


class StreamingTranscript:
    """Turns successive transcripts of utterances into words committed exactly once.

    Feed :meth:`interim` with transcripts of the utterance still being spoken and :meth:`final` with the
    transcript of a finished one; utterances are told apart by their start time.
    """

    def __init__(self, commit_after_s: float = 1.0, agree_guard_s: float = 0.3) -> None:
        self.commit_after_s = commit_after_s
        self.agree_guard_s = agree_guard_s
        self._start_s: float | None = None
        self._last: Word | None = None
        self._previous_tail: list[Word] = []
        self._heard_until_s = 0.0
        self._carried: list[Word] = []

    def interim(self, start_s: float, words: Sequence[Word], audio_end_s: float) -> StreamStep:
        """Commit the words of ``words`` (transcript of audio up to ``audio_end_s``) up to the last one that the
        previous interim transcript also had (ending ``agree_guard_s`` before the audio) or that is at least
        ``commit_after_s`` older than the audio's end."""
        self._switch(start_s)
        tail = self._after_committed(words)
        settled = audio_end_s - self.commit_after_s
        guarded = audio_end_s - self.agree_guard_s
        count = 0
        for i, word in enumerate(tail):
            if word.end_s > max(guarded, settled):
                break
            if word.end_s <= settled or self._agreed(word):
                count = i + 1
        committed = tail[:count]
        self._remember(committed)
        self._previous_tail = tail[count:]
        self._heard_until_s = audio_end_s
        return StreamStep(committed=tuple(committed), tail=tuple(self._previous_tail), final=False)

    def _agreed(self, word: Word) -> bool:
        return any(
            _same_text(p, word) and abs(_centre(p) - _centre(word)) <= AGREE_SHIFT_S for p in self._previous_tail
        )

    def heard_through(self, start_s: float, end_s: float) -> list[Word] | None:
        """The uncommitted words ending by ``end_s`` when the last interim transcript of the utterance starting at
        ``start_s`` already heard ``agree_guard_s`` past ``end_s`` (an utterance split while it was being
        transcribed): its final transcript would only hear them again. None when a final transcript is needed."""
        if self._start_s is None or abs(start_s - self._start_s) > 1e-6:
            return None
        if self._heard_until_s < end_s + self.agree_guard_s:
            return None
        return [w for w in self._previous_tail if w.end_s <= end_s]

    def final(self, start_s: float, words: Sequence[Word], end_s: float | None = None) -> StreamStep:
        """Commit every word of a finished utterance's transcript not committed yet, then forget the utterance.

        With the utterance's ``end_s``, uncommitted interim words heard after it are kept for the utterance that
        continues from there, so they can be agreed on by its first transcript."""
        self._switch(start_s)
        new = self._after_committed(words)
        self._remember(new)
        self._carried = (
            [] if end_s is None else [w for w in self._previous_tail if w.start_s >= end_s - TIME_TOLERANCE_S]
        )
        self._start_s, self._previous_tail = None, []
        return StreamStep(committed=tuple(new), tail=(), final=True)

    def _switch(self, start_s: float) -> None:
        if self._start_s is not None and abs(start_s - self._start_s) <= 1e-6:
            return
        carried, self._carried = self._carried, []
        self._start_s, self._heard_until_s = start_s, 0.0
        self._previous_tail = self._after_committed(carried)

    def _remember(self, committed: Sequence[Word]) -> None:
        if committed:
            self._last = committed[-1]

    def _after_committed(self, words: Sequence[Word]) -> list[Word]:
        ordered = sorted((w for w in words if normalize_token(w.text)), key=lambda w: w.start_s)
        last = self._last
        if last is None:
            return ordered
        key = normalize_token(last.text)
        same = [
            i
            for i, w in enumerate(ordered)
            if normalize_token(w.text) == key and abs(_centre(w) - _centre(last)) <= MATCH_WINDOW_S
        ]
        if same:
            best = min(same, key=lambda i: abs(_centre(ordered[i]) - _centre(last)))
            return ordered[best + 1 :]
        return [w for w in ordered if w.start_s >= last.end_s - TIME_TOLERANCE_S]


def _same_text(a: Word, b: Word) -> bool:
    return normalize_token(a.text) == normalize_token(b.text)
