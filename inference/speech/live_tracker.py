"""Rolling speech statistics for live feedback: words arrive per utterance, updates go out per utterance.

The live form of the no-silent-holes rule (:mod:`inference.speech.coverage`): every utterance is speech by the
voice detector's word, so once the next one starts, a second or more of a finished utterance that no word lies on
is reported as unrecognised speech, is no pause, and is left out of the rolling pace.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from inference.speech.coverage import Interval, overlap_s, speech_holes, subtract
from inference.speech.fillers_rule import find_fillers, find_lexical_fillers
from inference.speech.lexicon import Lexicon, load_lexicon
from inference.speech.metrics import MIN_PAUSE_S, ROLLING_WPM_WINDOW_S, lexical_words, rolling_wpm, word_pauses
from inference.speech.types import Filler, Word


@dataclass(frozen=True)
class LiveSpeechUpdate:
    """What one transcribed utterance adds to the live picture."""

    t_s: float
    end_s: float
    text: str
    words: tuple[Word, ...]
    wpm: float | None
    new_fillers: tuple[Filler, ...]
    new_lexical_fillers: tuple[str, ...]
    new_pauses: tuple[tuple[float, float], ...]
    filler_count: int
    word_count: int
    new_unrecognised: tuple[Interval, ...] = ()


class LiveSpeechTracker:
    """Keeps a bounded window of recent words and running counts across a session."""

    def __init__(self, window_s: float = ROLLING_WPM_WINDOW_S, lexicon: Lexicon | None = None) -> None:
        self._window_s = window_s
        self._lexicon = lexicon or load_lexicon()
        self._recent: deque[Word] = deque()
        self._unrecognised: deque[Interval] = deque()
        self._utterance: Interval | None = None
        self._filler_count = 0
        self._word_count = 0

    def add(self, words: Sequence[Word], utterance_start_s: float, utterance_end_s: float) -> LiveSpeechUpdate:
        """Fold in one utterance's words (sorted by time) and return the update to send."""
        previous_end = self._recent[-1].end_s if self._recent else None
        ordered = sorted(words, key=lambda w: w.start_s)
        fillers = tuple(find_fillers(ordered, self._lexicon))
        lexical = tuple(f.text for f in find_lexical_fillers(ordered, self._lexicon))
        self._recent.extend(ordered)
        holes = self._finish_previous(utterance_start_s, utterance_end_s)
        joined = ([Word("", previous_end, previous_end)] if previous_end is not None else []) + ordered
        pauses = tuple(
            (a, b)
            for p in word_pauses(joined)
            for a, b in subtract([(p.start_s, p.end_s)], holes)
            if b - a >= MIN_PAUSE_S
        )
        now_s = max([utterance_end_s, *(w.end_s for w in ordered)])
        while self._recent and self._recent[0].end_s < now_s - self._window_s:
            self._recent.popleft()
        while self._unrecognised and self._unrecognised[0][1] < now_s - self._window_s:
            self._unrecognised.popleft()
        self._filler_count += len(fillers)
        self._word_count += len(ordered)
        return LiveSpeechUpdate(
            t_s=utterance_start_s,
            end_s=utterance_end_s,
            text=" ".join(w.text.strip() for w in ordered if w.text.strip()),
            words=tuple(ordered),
            wpm=self._wpm(now_s),
            new_fillers=fillers,
            new_lexical_fillers=lexical,
            new_pauses=pauses,
            filler_count=self._filler_count,
            word_count=self._word_count,
            new_unrecognised=tuple(holes),
        )

    def _finish_previous(self, start_s: float, end_s: float) -> list[Interval]:
        """When ``start_s`` begins a new utterance, the holes of the one before it (then complete)."""
        previous = self._utterance
        if previous is not None and abs(previous[0] - start_s) <= 1e-6:
            self._utterance = (previous[0], max(previous[1], end_s))
            return []
        self._utterance = (start_s, end_s)
        if previous is None:
            return []
        covered = [(w.start_s, w.end_s) for w in self._recent if w.text.strip()]
        holes = speech_holes([previous], covered)
        self._unrecognised.extend(holes)
        return holes

    def _wpm(self, now_s: float) -> float | None:
        """:func:`rolling_wpm` with the window's unrecognised speech left out of its span."""
        wpm = rolling_wpm(list(self._recent), now_s, self._window_s, lexicon=self._lexicon)
        if wpm is None or not self._unrecognised:
            return wpm
        lex_words = lexical_words(list(self._recent), self._lexicon)
        start = max(now_s - self._window_s, min(w.start_s for w in lex_words))
        span = now_s - start
        kept = span - overlap_s((start, now_s), list(self._unrecognised))
        return wpm * span / kept if kept >= 1.0 else None
