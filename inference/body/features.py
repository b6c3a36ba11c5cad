"""Body-language features computed from MediaPipe pose landmarks (pure numpy).

Inputs are ``(33, 4)`` frames or ``(T, 33, 4)`` windows of ``x, y, z, visibility`` with ``x, y`` normalised
to the image; a frame with no person is all-NaN in a window. Geometry is done in *image-height units*
(``x·aspect, y`` with ``aspect = width / height``), so angles are true image angles whatever the aspect ratio.

Sign conventions (image as the camera sends it, not mirrored):

* tilt and lean angles are counter-clockwise positive as seen in the image: positive ``shoulder_tilt_deg``
  means the shoulder on the image's right (the person's anatomical left) is higher; positive
  ``torso_lean_deg`` means the upper body leans towards the image's left (the person's right);
* ``yaw`` is positive when the nose points towards the image's right (the person turns to their left);
* hand heights are in shoulder widths above the shoulder line (negative = below).

Motion features (sway, gesture activity, fidgeting; :mod:`inference.body.motion`) are in shoulder widths (per
second for speeds), which makes them independent of distance to the camera.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from inference.body.landmarks import FeatureConfig, L
from inference.body.motion import body_sway, fidgeting, gesture_activity
from inference.pose.types import NUM_LANDMARKS, PoseResult

Framing = Literal["ok", "too_close", "too_far", "cut_off_top", "cut_off_side", "not_visible"]


@dataclass(frozen=True)
class BodyFeatures:
    """Body-language features at time ``t_s`` (per-frame values of the latest frame plus window values).

    ``None`` means "not measurable" (person or the needed landmarks not visible, or too little history).
    """

    t_s: float
    person_visible: bool
    shoulder_tilt_deg: float | None = None
    head_tilt_deg: float | None = None
    torso_lean_deg: float | None = None
    head_offset: float | None = None
    yaw: float | None = None
    facing_camera: bool | None = None
    shoulder_width: float | None = None
    framing: Framing = "not_visible"
    hands_visible: int = 0
    left_hand_height: float | None = None
    right_hand_height: float | None = None
    arms_crossed: bool | None = None
    gesture_activity: float | None = None
    sway: float | None = None
    fidgeting: float | None = None
    visible_ratio: float = 0.0

    def to_dict(self, ndigits: int = 3) -> dict[str, Any]:
        """JSON-ready dict with floats rounded to ``ndigits``."""
        return {k: round(v, ndigits) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _pt(lm: np.ndarray, i: int, aspect: float) -> np.ndarray:
    return np.array([lm[i, 0] * aspect, lm[i, 1]], dtype=np.float64)


def _visible(lm: np.ndarray, i: int, cfg: FeatureConfig) -> bool:
    return bool(np.isfinite(lm[i, 0]) and lm[i, 3] >= cfg.visibility_min)


def _line_angle_deg(image_left: np.ndarray, image_right: np.ndarray) -> float:
    dx, dy = image_right - image_left
    return math.degrees(math.atan2(-dy, dx))


def _pair_angle(lm: np.ndarray, right_i: int, left_i: int, aspect: float, cfg: FeatureConfig) -> float | None:
    if not (_visible(lm, right_i, cfg) and _visible(lm, left_i, cfg)):
        return None
    return _line_angle_deg(_pt(lm, right_i, aspect), _pt(lm, left_i, aspect))


def shoulder_tilt_deg(lm: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()) -> float | None:
    """Angle of the shoulder line (counter-clockwise positive); 0 when level."""
    return _pair_angle(lm, L.RIGHT_SHOULDER, L.LEFT_SHOULDER, aspect, cfg)


def head_tilt_deg(lm: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()) -> float | None:
    """Roll of the head from the ear, eye and mouth lines (circular mean), counter-clockwise positive."""
    angles = [
        a
        for a in (
            _pair_angle(lm, L.RIGHT_EAR, L.LEFT_EAR, aspect, cfg),
            _pair_angle(lm, L.RIGHT_EYE, L.LEFT_EYE, aspect, cfg),
            _pair_angle(lm, L.MOUTH_RIGHT, L.MOUTH_LEFT, aspect, cfg),
        )
        if a is not None
    ]
    if not angles:
        return None
    rad = np.radians(angles)
    return math.degrees(math.atan2(float(np.sin(rad).mean()), float(np.cos(rad).mean())))


def shoulder_width(lm: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()) -> float | None:
    """Distance between the shoulders in image-height units."""
    if not (_visible(lm, L.LEFT_SHOULDER, cfg) and _visible(lm, L.RIGHT_SHOULDER, cfg)):
        return None
    return float(np.linalg.norm(_pt(lm, L.LEFT_SHOULDER, aspect) - _pt(lm, L.RIGHT_SHOULDER, aspect)))


def torso_lean_deg(lm: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()) -> float | None:
    """Angle of the hip-centre → shoulder-centre line from vertical (needs both hips and shoulders)."""
    needed = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)
    if not all(_visible(lm, i, cfg) for i in needed):
        return None
    shoulders = (_pt(lm, L.LEFT_SHOULDER, aspect) + _pt(lm, L.RIGHT_SHOULDER, aspect)) / 2
    hips = (_pt(lm, L.LEFT_HIP, aspect) + _pt(lm, L.RIGHT_HIP, aspect)) / 2
    dx, dy = shoulders - hips
    return math.degrees(math.atan2(-dx, -dy))


def head_offset(lm: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()) -> float | None:
    """Horizontal offset of the nose from the shoulder centre, in shoulder widths (image-right positive)."""
    width = shoulder_width(lm, aspect, cfg)
    if width is None or width <= 0 or not _visible(lm, L.NOSE, cfg):
        return None
    centre = (_pt(lm, L.LEFT_SHOULDER, aspect) + _pt(lm, L.RIGHT_SHOULDER, aspect)) / 2
    return float((_pt(lm, L.NOSE, aspect)[0] - centre[0]) / width)


def yaw(lm: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()) -> float | None:
    """Yaw proxy in [-1, 1]: nose offset from the ear midpoint in half ear distances.

    Falls back to the shoulders when an ear is hidden (strong turns hide the far ear).
    """
    if not _visible(lm, L.NOSE, cfg):
        return None
    nose = _pt(lm, L.NOSE, aspect)
    for right_i, left_i in ((L.RIGHT_EAR, L.LEFT_EAR), (L.RIGHT_SHOULDER, L.LEFT_SHOULDER)):
        if _visible(lm, right_i, cfg) and _visible(lm, left_i, cfg):
            right, left = _pt(lm, right_i, aspect), _pt(lm, left_i, aspect)
            half = float(np.linalg.norm(left - right)) / 2
            if half > 1e-6:
                return float(np.clip((nose[0] - (left[0] + right[0]) / 2) / half, -1.0, 1.0))
    return 1.0 if _visible(lm, L.LEFT_EAR, cfg) and not _visible(lm, L.RIGHT_EAR, cfg) else None


def head_top_y(lm: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()) -> float | None:
    """Estimated y of the top of the skull (fraction of image height; negative = above the frame).

    Uses anthropometry: the skull top is about 1.7 eye-to-mouth distances above the eyes, and the ears are
    about two such distances apart (whichever is larger, so pitch and yaw shrink neither estimate alone).
    """
    eyes = [lm[i, 1] for i in (L.LEFT_EYE, L.RIGHT_EYE) if _visible(lm, i, cfg)]
    if not eyes:
        return None
    eye_y = float(np.mean(eyes))
    unit = 0.0
    mouth = [lm[i, 1] for i in (L.MOUTH_LEFT, L.MOUTH_RIGHT) if _visible(lm, i, cfg)]
    if mouth:
        unit = float(np.mean(mouth)) - eye_y
    ears = [i for i in (L.LEFT_EAR, L.RIGHT_EAR) if _visible(lm, i, cfg)]
    if len(ears) == 2:
        unit = max(unit, 0.5 * float(np.linalg.norm(_pt(lm, L.LEFT_EAR, aspect) - _pt(lm, L.RIGHT_EAR, aspect))))
    return eye_y - cfg.head_top_eye_units * unit


def framing(lm: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()) -> Framing:
    """Categorical framing: is the speaker too close, too far, or cut off by the frame."""
    width = shoulder_width(lm, aspect, cfg)
    frac = None if width is None else width / aspect
    ears_x = lm[[L.LEFT_EAR, L.RIGHT_EAR], 0]
    head_frac = float(abs(ears_x[0] - ears_x[1])) if np.isfinite(ears_x).all() else None
    if (frac is not None and frac > cfg.too_close_shoulder_width) or (
        head_frac is not None and head_frac > cfg.too_close_head_width
    ):
        return "too_close"
    top = head_top_y(lm, aspect, cfg)
    if top is not None and top < cfg.head_top_margin:
        return "cut_off_top"
    if frac is not None and frac < cfg.too_far_shoulder_width:
        return "too_far"
    shoulders_x = lm[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], 0]
    if np.isfinite(shoulders_x).all() and (shoulders_x.min() < 0.0 or shoulders_x.max() > 1.0):
        return "cut_off_side"
    return "ok"


def hand_heights(
    lm: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()
) -> tuple[float | None, float | None]:
    """(left, right) wrist heights above the shoulder line in shoulder widths; None if that hand is hidden."""
    width = shoulder_width(lm, aspect, cfg)
    if width is None or width <= 0:
        return None, None
    line_y = (lm[L.LEFT_SHOULDER, 1] + lm[L.RIGHT_SHOULDER, 1]) / 2

    def height(i: int) -> float | None:
        if not _visible(lm, i, cfg) or not (0.0 <= lm[i, 1] <= 1.0):
            return None
        return float((line_y - lm[i, 1]) / width)

    return height(L.LEFT_WRIST), height(L.RIGHT_WRIST)


def arms_crossed(lm: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()) -> bool | None:
    """Both wrists below the shoulders and each past the body midline towards the opposite side."""
    needed = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_WRIST, L.RIGHT_WRIST)
    if not all(_visible(lm, i, cfg) for i in needed):
        return None
    left_sh, right_sh = lm[L.LEFT_SHOULDER], lm[L.RIGHT_SHOULDER]
    mid_x = (left_sh[0] + right_sh[0]) / 2
    side = 1.0 if left_sh[0] >= right_sh[0] else -1.0
    left_w, right_w = lm[L.LEFT_WRIST], lm[L.RIGHT_WRIST]
    below = min(left_w[1], right_w[1]) > max(left_sh[1], right_sh[1])
    crossed = side * (left_w[0] - mid_x) < 0 and side * (right_w[0] - mid_x) > 0
    return bool(below and crossed)


def frame_is_visible(lm: np.ndarray) -> bool:
    """Whether a window row holds a person (not the all-NaN placeholder)."""
    return bool(np.isfinite(lm[:, :2]).any())


def compute_body_features(
    times: np.ndarray, window: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()
) -> BodyFeatures:
    """All features at ``times[-1]``: per-frame ones from the last row, motion ones from the whole window."""
    if window.ndim != 3 or window.shape[1:] != (NUM_LANDMARKS, 4) or len(window) != len(times) or not len(times):
        raise ValueError(f"expected (T, {NUM_LANDMARKS}, 4) window with T matching times, got {window.shape}")
    t_s = float(times[-1])
    visible_rows = np.isfinite(window[:, :, :2]).any(axis=(1, 2))
    visible_ratio = float(visible_rows.mean())
    if not visible_rows[-1]:
        return BodyFeatures(t_s=t_s, person_visible=False, visible_ratio=visible_ratio)
    lm = window[-1]
    left_h, right_h = hand_heights(lm, aspect, cfg)
    yaw_value = yaw(lm, aspect, cfg)
    return BodyFeatures(
        t_s=t_s,
        person_visible=True,
        shoulder_tilt_deg=shoulder_tilt_deg(lm, aspect, cfg),
        head_tilt_deg=head_tilt_deg(lm, aspect, cfg),
        torso_lean_deg=torso_lean_deg(lm, aspect, cfg),
        head_offset=head_offset(lm, aspect, cfg),
        yaw=yaw_value,
        facing_camera=None if yaw_value is None else abs(yaw_value) <= cfg.facing_max_yaw,
        shoulder_width=(lambda w: None if w is None else w / aspect)(shoulder_width(lm, aspect, cfg)),
        framing=framing(lm, aspect, cfg),
        hands_visible=int(left_h is not None) + int(right_h is not None),
        left_hand_height=left_h,
        right_hand_height=right_h,
        arms_crossed=arms_crossed(lm, aspect, cfg),
        gesture_activity=gesture_activity(times, window, aspect, cfg),
        sway=body_sway(times, window, aspect, cfg),
        fidgeting=fidgeting(times, window, aspect, cfg),
        visible_ratio=visible_ratio,
    )


class BodyFeatureExtractor:
    """Keeps the last ``window_s`` seconds of poses of one stream and computes :class:`BodyFeatures`."""

    def __init__(self, window_s: float = 2.0, cfg: FeatureConfig = FeatureConfig()) -> None:
        self.window_s = window_s
        self.cfg = cfg
        self._frames: deque[tuple[float, np.ndarray]] = deque()
        self._aspect = 4 / 3

    def update(self, pose: PoseResult) -> BodyFeatures:
        """Add one pose (frames must arrive in time order) and return the features at its time."""
        if pose.height > 0:
            self._aspect = pose.width / pose.height
        row = pose.landmarks if pose.landmarks is not None else np.full((NUM_LANDMARKS, 4), np.nan, np.float32)
        self._frames.append((pose.t_s, row))
        while self._frames and self._frames[0][0] < pose.t_s - self.window_s:
            self._frames.popleft()
        times = np.array([t for t, _ in self._frames], dtype=np.float64)
        window = np.stack([f for _, f in self._frames])
        return compute_body_features(times, window, self._aspect, self.cfg)

    def reset(self) -> None:
        """Forget the history (e.g. after a long gap)."""
        self._frames.clear()
