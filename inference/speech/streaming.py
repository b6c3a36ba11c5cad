"""Commit words of a growing utterance as soon as two successive transcripts agree on them (pure state).

Live speech is transcribed again every few hundred milliseconds while the speaker is still talking. The last
words of such an interim transcript are often wrong (a word cut in half, a guess that changes with more audio),
so a word is *committed* — sent once, counted, checked for fillers — when two successive transcripts of the
same utterance agree on it ("local agreement") and it ends ``agree_guard_s`` before the audio does (Whisper's
guesses at a cut-off last word tend to repeat), when the transcript had at least ``commit_after_s`` of audio after
it (enough context that it rarely changes), or when the utterance's final transcript holds it. Committed words
are never taken back, also across utterances (a word cut in two by an utterance split is sent once); what is not
committed yet is the interim tail.
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

    def interim(self, start_s: float, words: Sequence[Word], audio_end_s: float) -> StreamStep:
        """Commit the front words of ``words`` (transcript of audio up to ``audio_end_s``) that the previous
        interim transcript also had (ending ``agree_guard_s`` before the audio) or that are at least
        ``commit_after_s`` older than the audio's end."""
        self._switch(start_s)
        tail = self._after_committed(words)
        settled = audio_end_s - self.commit_after_s
        guarded = audio_end_s - self.agree_guard_s
        count = 0
        for i, word in enumerate(tail):
            agreed = i < len(self._previous_tail) and _same_text(self._previous_tail[i], word) and word.end_s <= guarded
            if not (agreed or word.end_s <= settled):
                break
            count += 1
        committed = tail[:count]
        self._remember(committed)
        self._previous_tail = tail[count:]
        return StreamStep(committed=tuple(committed), tail=tuple(self._previous_tail), final=False)

    def final(self, start_s: float, words: Sequence[Word]) -> StreamStep:
        """Commit every word of a finished utterance's transcript not committed yet, then forget the utterance."""
        self._switch(start_s)
        new = self._after_committed(words)
        self._remember(new)
        self._start_s, self._previous_tail = None, []
        return StreamStep(committed=tuple(new), tail=(), final=True)

    def _switch(self, start_s: float) -> None:
        if self._start_s is None or abs(start_s - self._start_s) > 1e-6:
            self._start_s, self._previous_tail = start_s, []

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
