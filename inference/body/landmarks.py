"""The pose landmarks the body features use, and the thresholds that turn their geometry into categories."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class L(IntEnum):
    """MediaPipe BlazePose landmark indices used here."""

    NOSE = 0
    LEFT_EYE = 2
    RIGHT_EYE = 5
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_HIP = 23
    RIGHT_HIP = 24


@dataclass(frozen=True)
class FeatureConfig:
    """Thresholds used when turning geometry into categorical features."""

    visibility_min: float = 0.5
    too_close_shoulder_width: float = 0.75
    """Shoulder width as a fraction of the frame *width* above which the speaker is too close."""
    too_close_head_width: float = 0.33
    """Ear-to-ear distance as a fraction of the frame width above which the speaker is too close."""
    too_far_shoulder_width: float = 0.12
    head_top_margin: float = 0.0
    """The estimated top of the head must be at least this far (fraction of height) below the top edge."""
    head_top_eye_units: float = 1.7
    """Skull top above the eyes, in eye-to-mouth distances."""
    facing_max_yaw: float = 0.45
    """Largest ``|yaw|`` (nose offset from the ear midpoint, in half ear distances) counted as facing."""
    fidget_cutoff_hz: float = 1.5
