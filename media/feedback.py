"""Versioned live-feedback messages: frozen dataclasses serialised to compact JSON.

Every message is ``{"v": 1, "type": ..., "t_s": <media time of the analysed sample>, ...}``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal

from inference.body.live import LiveBodyUpdate
from inference.pose.types import PoseResult
from inference.speech.live_tracker import LiveSpeechUpdate
from inference.voice.types import VoiceSummary

FEEDBACK_VERSION = 1
MessageType = Literal["voice", "pose", "speech", "alert", "session", "note"]


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
    """Words committed from one transcript of an utterance (``t_s`` is its start, ``end_s`` the end of the audio
    transcribed). ``interim`` is the rest of that transcript, which may still change; ``final`` marks the
    utterance's last message."""

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
    interim: str = ""
    final: bool = True
    unrecognised: tuple[tuple[float, float], ...] = ()
    """Stretches of the utterance before this one that the voice detector heard but no word was recognised in."""


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


@dataclass(frozen=True)
class NoteFeedback(Feedback):
    """A coach's timed note (``t_s``: the media time it refers to), sent to the speaker and every viewer."""

    type: ClassVar[MessageType] = "note"
    id: str
    author: str
    text: str
    tag: str | None = None


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


def voice_feedback(summary: VoiceSummary) -> VoiceFeedback:
    """The ``voice`` message for one analyser summary."""

    def finite(x: float) -> float | None:
        return x if math.isfinite(x) else None

    return VoiceFeedback(
        t_s=summary.t_s,
        speaking=summary.speaking,
        loudness_dbfs=finite(summary.dbfs),
        pitch_hz=finite(summary.pitch_hz),
        pitch_variety_st=finite(summary.pitch_variation_st),
        speech_ratio=summary.speech_ratio,
        pause_s=summary.current_pause_s,
    )


def speech_feedback(update: LiveSpeechUpdate, interim: str = "", final: bool = True) -> SpeechFeedback:
    """The ``speech`` message for words newly committed from one transcript (and its uncommitted tail)."""
    return SpeechFeedback(
        t_s=update.t_s,
        end_s=update.end_s,
        text=update.text,
        words=tuple((w.text.strip(), w.start_s, w.end_s) for w in update.words),
        wpm=update.wpm,
        fillers=tuple((f.text, f.start_s, f.end_s) for f in update.new_fillers),
        lexical_fillers=update.new_lexical_fillers,
        pauses=update.new_pauses,
        filler_count=update.filler_count,
        word_count=update.word_count,
        interim=interim,
        final=final,
        unrecognised=update.new_unrecognised,
    )


def pose_feedback(
    result: PoseResult, infer_ms: float | None = None, body: LiveBodyUpdate | None = None
) -> PoseFeedback:
    """The ``pose`` message for one estimator result (a few key points, normalised x, y and visibility)."""
    keypoints = None
    if result.landmarks is not None:
        lm = result.landmarks
        keypoints = {name: (float(lm[i, 0]), float(lm[i, 1]), float(lm[i, 3])) for name, i in KEYPOINTS.items()}
    return PoseFeedback(
        t_s=result.t_s,
        person_visible=result.person_visible,
        keypoints=keypoints,
        infer_ms=infer_ms,
        features=body.features if body is not None else None,
        labels=body.labels if body is not None else None,
    )
