"""Cut a stream of VAD-labelled frames into utterances and pauses.

Both classes are fed one 30 ms frame at a time and keep only bounded state.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from inference.speech.types import Utterance
from inference.voice.types import FRAME_S, Pause


@dataclass
class _Frame:
    t_s: float
    is_speech: bool
    dbfs: float
    samples: np.ndarray


@dataclass
class UtteranceSegmenter:
    """Groups frames into speech segments with leading padding and a silence hangover.

    Speech starts when at least ``start_ratio`` of the last ``padding_s`` of frames are speech; the segment
    then includes that padding. It ends once ``end_ratio`` of the last ``hangover_s`` of frames are silence
    (the trailing silence stays in the segment). A segment reaching ``max_utterance_s`` is cut at its
    quietest frame within the last ``split_search_s`` and the rest carries on into the next segment, so no
    utterance is ever longer than ``max_utterance_s``. At most ``max_pending`` finished utterances are kept;
    older ones are dropped (counted in ``dropped``).
    """

    max_utterance_s: float = 8.0
    padding_s: float = 0.3
    hangover_s: float = 0.3
    start_ratio: float = 0.6
    end_ratio: float = 0.9
    split_search_s: float = 1.5
    max_pending: int = 16
    dropped: int = 0
    _ring: deque[_Frame] = field(init=False)
    _tail: deque[bool] = field(init=False)
    _current: list[_Frame] = field(init=False, default_factory=list)
    _pending: deque[Utterance] = field(init=False)

    def __post_init__(self) -> None:
        self._ring = deque(maxlen=max(1, round(self.padding_s / FRAME_S)))
        self._tail = deque(maxlen=max(1, round(self.hangover_s / FRAME_S)))
        self._pending = deque()
        self._max_frames = max(2, int(self.max_utterance_s / FRAME_S + 1e-9))

    @property
    def in_speech(self) -> bool:
        """True while a segment is open."""
        return bool(self._current)

    def push(self, t_s: float, is_speech: bool, dbfs: float, samples: np.ndarray) -> None:
        """Feed one frame of int16 samples starting at media time ``t_s``."""
        frame = _Frame(t_s, is_speech, dbfs, samples)
        if not self._current:
            self._ring.append(frame)
            voiced = sum(f.is_speech for f in self._ring)
            if len(self._ring) == self._ring.maxlen and voiced >= self.start_ratio * len(self._ring):
                self._current = list(self._ring)
                self._ring.clear()
                self._tail.clear()
                self._tail.extend(f.is_speech for f in self._current)
            return
        self._current.append(frame)
        self._tail.append(is_speech)
        silent = sum(not s for s in self._tail)
        if len(self._tail) == self._tail.maxlen and silent >= self.end_ratio * len(self._tail):
            self._emit(self._current)
            self._current = []
            self._ring.clear()
        elif len(self._current) >= self._max_frames:
            self._split()

    @property
    def open_s(self) -> float:
        """Length of the open segment in seconds (0 when none is open)."""
        return len(self._current) * FRAME_S

    def open_utterance(self) -> Utterance | None:
        """A copy of the open segment so far (for interim transcripts), or None when none is open."""
        if not self._current:
            return None
        return _utterance(self._current, partial=True)

    def flush(self) -> None:
        """Close the open segment, if any (end of stream or a gap in media time)."""
        if self._current:
            self._emit(self._current)
        self._current = []
        self._ring.clear()
        self._tail.clear()

    def pop(self) -> list[Utterance]:
        """Return and forget the finished utterances, oldest first."""
        out = list(self._pending)
        self._pending.clear()
        return out

    def _split(self) -> None:
        search = min(len(self._current) - 1, max(1, round(self.split_search_s / FRAME_S)))
        first = len(self._current) - search
        levels = [f.dbfs + (0.0 if not f.is_speech else 100.0) for f in self._current[first:]]
        cut = first + int(np.argmin(levels)) + 1
        self._emit(self._current[:cut])
        self._current = self._current[cut:]

    def _emit(self, frames: list[_Frame]) -> None:
        if not frames:
            return
        if len(self._pending) >= self.max_pending:
            self._pending.popleft()
            self.dropped += 1
        self._pending.append(_utterance(frames))


def _utterance(frames: list[_Frame], partial: bool = False) -> Utterance:
    samples = np.concatenate([f.samples for f in frames]).astype(np.float32) / 32768.0
    return Utterance(start_s=frames[0].t_s, samples=samples, partial=partial)


@dataclass
class PauseTracker:
    """Finds silences of at least ``min_pause_s`` between stretches of speech.

    Speech counts as resumed after ``confirm_frames`` consecutive speech frames, so isolated VAD blips in
    a silence do not split a pause. Frames quieter than ``silence_dbfs`` count as silence whatever the VAD
    says (this trims webrtcvad's own hangover of about 100 ms on clean audio). Silence before the first
    speech is not a pause.
    """

    min_pause_s: float = 1.0
    silence_dbfs: float = -60.0
    confirm_frames: int = 3
    speaking_hangover_s: float = 0.3
    max_pending: int = 64
    _run: int = 0
    _last_speech_end: float | None = None
    _pending: deque[Pause] = field(init=False)

    def __post_init__(self) -> None:
        self._pending = deque(maxlen=self.max_pending)

    def push(self, t_s: float, is_speech: bool, dbfs: float) -> None:
        """Feed the VAD decision and level of the frame starting at ``t_s``."""
        if not is_speech or dbfs < self.silence_dbfs:
            self._run = 0
            return
        self._run += 1
        if self._run == self.confirm_frames:
            start = t_s - (self.confirm_frames - 1) * FRAME_S
            last = self._last_speech_end
            if last is not None and start - last >= self.min_pause_s - 1e-9:
                self._pending.append(Pause(start_s=round(last, 6), end_s=round(start, 6)))
        if self._run >= self.confirm_frames:
            self._last_speech_end = t_s + FRAME_S

    def current_pause_s(self, now_s: float) -> float:
        """Seconds since confirmed speech last ended (0.0 while speaking or before any speech)."""
        if self._last_speech_end is None or self._run >= self.confirm_frames:
            return 0.0
        return max(0.0, now_s - self._last_speech_end)

    def speaking(self, now_s: float) -> bool:
        """True while confirmed speech is going on or ended less than the hangover ago."""
        if self._last_speech_end is None:
            return False
        return self._run >= self.confirm_frames or now_s - self._last_speech_end < self.speaking_hangover_s

    def pop(self) -> list[Pause]:
        """Return and forget the completed pauses, oldest first."""
        out = list(self._pending)
        self._pending.clear()
        return out
