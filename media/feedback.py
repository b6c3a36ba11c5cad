"""Versioned live-feedback messages: frozen dataclasses serialised to compact JSON.

Every message is ``{"v": 1, "type": ..., "t_s": <media time of the analysed sample>, ...}``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal

FEEDBACK_VERSION = 1
MessageType = Literal["voice", "pose", "speech", "alert", "session"]


def _compact(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3) if math.isfinite(value) else None
    if isinstance(value, tuple | list):
        return [_compact(v) for v in value]
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Feedback:
    """Base class of all feedback messages; ``t_s`` is media time in seconds since the first frame."""

    type: ClassVar[MessageType]
    t_s: float

    def to_dict(self) -> dict[str, Any]:
        """The message as a JSON-ready dict (floats rounded to ms precision, non-finite → null)."""
        out: dict[str, Any] = {"v": FEEDBACK_VERSION, "type": self.type}
        for f in fields(self):
            out[f.name] = _compact(getattr(self, f.name))
        return out

    def to_json(self) -> str:
        """Compact JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict(), separators=(",", ":"))


@dataclass(frozen=True)
class VoiceFeedback(Feedback):
    """Voice metrics over the analyser's sliding window."""

    type: ClassVar[MessageType] = "voice"
    speaking: bool
    loudness_dbfs: float | None = None
    pitch_hz: float | None = None
    pitch_variety_st: float | None = None
    speech_ratio: float | None = None
    pause_s: float | None = None


@dataclass(frozen=True)
class PoseFeedback(Feedback):
    """One analysed video frame: whether a person is visible and a few key points (normalised x, y)."""

    type: ClassVar[MessageType] = "pose"
    person_visible: bool
    keypoints: dict[str, tuple[float, float, float]] | None = None
    infer_ms: float | None = None
    features: dict[str, Any] | None = None
    labels: dict[str, Any] | None = None


@dataclass(frozen=True)
class SpeechFeedback(Feedback):
    """Words recognised in one utterance (``t_s`` is the utterance start)."""

    type: ClassVar[MessageType] = "speech"
    end_s: float
    text: str
    words: tuple[tuple[str, float, float], ...] = ()
    wpm: float | None = None
    fillers: tuple[tuple[str, float, float], ...] = ()
    lexical_fillers: tuple[str, ...] = ()
    pauses: tuple[tuple[float, float], ...] = ()
    filler_count: int = 0
    word_count: int = 0


@dataclass(frozen=True)
class AlertFeedback(Feedback):
    """Something the speaker should act on now; alerts bypass the per-type rate sharing."""

    type: ClassVar[MessageType] = "alert"
    code: str
    message: str
    state: str = "fired"


@dataclass(frozen=True)
class SessionFeedback(Feedback):
    """Session lifecycle: ``state`` is ``live`` or ``ended`` (with ``reason``)."""

    type: ClassVar[MessageType] = "session"
    state: str
    reason: str | None = None


KEYPOINTS: dict[str, int] = {
    "nose": 0,
    "left_shoulder": 11,
    "right_shoulder": 12,
    "left_wrist": 15,
    "right_wrist": 16,
    "left_hip": 23,
    "right_hip": 24,
}
"""MediaPipe landmark indices included in :class:`PoseFeedback` (x, y, visibility)."""
