"""Rolling speech statistics for live feedback: words arrive per utterance, updates go out per utterance."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from inference.speech.fillers_rule import find_fillers, find_lexical_fillers
from inference.speech.lexicon import Lexicon, load_lexicon
from inference.speech.metrics import ROLLING_WPM_WINDOW_S, rolling_wpm, word_pauses
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


class LiveSpeechTracker:
    """Keeps a bounded window of recent words and running counts across a session."""

    def __init__(self, window_s: float = ROLLING_WPM_WINDOW_S, lexicon: Lexicon | None = None) -> None:
        self._window_s = window_s
        self._lexicon = lexicon or load_lexicon()
        self._recent: deque[Word] = deque()
        self._filler_count = 0
        self._word_count = 0

    def add(self, words: Sequence[Word], utterance_start_s: float, utterance_end_s: float) -> LiveSpeechUpdate:
        """Fold in one utterance's words (sorted by time) and return the update to send."""
        previous_end = self._recent[-1].end_s if self._recent else None
        ordered = sorted(words, key=lambda w: w.start_s)
        fillers = tuple(find_fillers(ordered, self._lexicon))
        lexical = tuple(f.text for f in find_lexical_fillers(ordered, self._lexicon))
        joined = ([Word("", previous_end, previous_end)] if previous_end is not None else []) + ordered
        pauses = tuple((p.start_s, p.end_s) for p in word_pauses(joined))
        self._recent.extend(ordered)
        now_s = max([utterance_end_s, *(w.end_s for w in ordered)])
        while self._recent and self._recent[0].end_s < now_s - self._window_s:
            self._recent.popleft()
        self._filler_count += len(fillers)
        self._word_count += len(ordered)
        return LiveSpeechUpdate(
            t_s=utterance_start_s,
            end_s=utterance_end_s,
            text=" ".join(w.text.strip() for w in ordered if w.text.strip()),
            words=tuple(ordered),
            wpm=rolling_wpm(list(self._recent), now_s, self._window_s, lexicon=self._lexicon),
            new_fillers=fillers,
            new_lexical_fillers=lexical,
            new_pauses=pauses,
            filler_count=self._filler_count,
            word_count=self._word_count,
        )
