"""The ``body`` section of a report (written by :class:`media.offline.body.BodyReportBuilder`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from inference.report.base import Part


class StatSummary(Part):
    """Summary of one per-frame feature over the frames with a visible person."""

    mean: float
    median: float
    p90: float
    abs_mean: float


class BodyStats(Part):
    """Aggregates over the whole video; label shares (``framing``, ``posture``, ``gesture``) sum to 1."""

    shoulder_tilt_deg: StatSummary | None = None
    head_tilt_deg: StatSummary | None = None
    torso_lean_deg: StatSummary | None = None
    yaw: StatSummary | None = None
    shoulder_width: StatSummary | None = None
    gesture_activity: StatSummary | None = None
    sway: StatSummary | None = None
    fidgeting: StatSummary | None = None
    left_hand_height: StatSummary | None = None
    right_hand_height: StatSummary | None = None
    facing_camera_ratio: float | None = None
    arms_crossed_ratio: float | None = None
    hands_visible_ratio: float | None = None
    framing: dict[str, float] = Field(default_factory=dict)
    posture: dict[str, float] = Field(default_factory=dict)
    gesture: dict[str, float] = Field(default_factory=dict)


class BodySample(Part):
    """One body-timeline entry (``timeline_hz`` per second): features averaged over the bin, labels of its end."""

    t_s: float
    person_visible: bool
    shoulder_tilt_deg: float | None = None
    head_tilt_deg: float | None = None
    torso_lean_deg: float | None = None
    yaw: float | None = None
    shoulder_width: float | None = None
    gesture_activity: float | None = None
    sway: float | None = None
    fidgeting: float | None = None
    left_hand_height: float | None = None
    right_hand_height: float | None = None
    framing: str = Field("not_visible", description="ok, too_close, too_far, cut_off_top, cut_off_side, not_visible")
    facing_camera: bool | None = None
    hands_visible: int = 0
    posture: str | None = Field(None, description="classifier label (absent when nobody is visible)")
    posture_confidence: float | None = None
    gesture: str | None = None
    gesture_confidence: float | None = None


class BodyAlert(Part):
    """A debounced body-language alert firing or clearing."""

    t_s: float
    code: str
    state: Literal["fired", "cleared"]
    message: str = ""


class Body(Part):
    """Pose-based body language of a video; ``alerts`` is null when alerts were not tracked."""

    frames_analyzed: int = 0
    sample_fps: float | None = None
    person_visible_ratio: float = 0.0
    classifier: bool = Field(False, description="whether the posture/gesture classifier labelled the timeline")
    stats: BodyStats = Field(default_factory=BodyStats)
    timeline: list[BodySample] = Field(default_factory=list)
    alerts: list[BodyAlert] | None = None
