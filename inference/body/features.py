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

Motion features (sway, gesture activity, fidgeting) are in shoulder widths (per second for speeds), which
makes them independent of distance to the camera.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import asdict, dataclass
from enum import IntEnum
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from scipy.signal import savgol_coeffs

from inference.pose.types import NUM_LANDMARKS, PoseResult


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


Framing = Literal["ok", "too_close", "too_far", "cut_off_top", "cut_off_side", "not_visible"]


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


def _visible_points(window: np.ndarray, idx: int, aspect: float, cfg: FeatureConfig) -> np.ndarray:
    pts = window[:, idx, :2].astype(np.float64) * np.array([aspect, 1.0])
    hidden = ~(np.isfinite(window[:, idx, 3]) & (window[:, idx, 3] >= cfg.visibility_min))
    pts[hidden] = np.nan
    return pts


def _mean_shoulder_width(window: np.ndarray, aspect: float, cfg: FeatureConfig) -> float | None:
    left = _visible_points(window, L.LEFT_SHOULDER, aspect, cfg)
    right = _visible_points(window, L.RIGHT_SHOULDER, aspect, cfg)
    widths = np.linalg.norm(left - right, axis=1)
    widths = widths[np.isfinite(widths)]
    return float(widths.mean()) if widths.size else None


def _centre_track(window: np.ndarray, aspect: float, cfg: FeatureConfig) -> np.ndarray:
    """Per-frame body centre: mean of visible shoulders and hips."""
    pts = np.stack(
        [_visible_points(window, i, aspect, cfg) for i in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)],
        axis=1,
    )
    shoulders_ok = np.isfinite(pts[:, :2, 0]).all(axis=1)
    hips_ok = np.isfinite(pts[:, 2:, 0]).all(axis=1)
    centre = np.full((len(window), 2), np.nan)
    both = shoulders_ok & hips_ok
    centre[both] = pts[both].mean(axis=1)
    only_sh = shoulders_ok & ~hips_ok
    centre[only_sh] = pts[only_sh, :2].mean(axis=1)
    return centre


def body_sway(
    times: np.ndarray, window: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()
) -> float | None:
    """Standard deviation of the body centre's horizontal position over the window, in shoulder widths."""
    width = _mean_shoulder_width(window, aspect, cfg)
    x = _centre_track(window, aspect, cfg)[:, 0]
    x = x[np.isfinite(x)]
    if width is None or width <= 0 or x.size < 3:
        return None
    return float(x.std() / width)


def _wrist_speeds(times: np.ndarray, window: np.ndarray, aspect: float, cfg: FeatureConfig) -> list[np.ndarray]:
    out = []
    dt = np.diff(times)
    for idx in (L.LEFT_WRIST, L.RIGHT_WRIST):
        pts = _visible_points(window, idx, aspect, cfg)
        step = np.linalg.norm(np.diff(pts, axis=0), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            speed = step / dt
        out.append(speed[np.isfinite(speed) & (dt > 0)])
    return out


def gesture_activity(
    times: np.ndarray, window: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()
) -> float | None:
    """Mean wrist speed over the window, in shoulder widths per second (0 when the hands are still)."""
    width = _mean_shoulder_width(window, aspect, cfg)
    speeds = [s for s in _wrist_speeds(times, window, aspect, cfg) if s.size]
    if width is None or width <= 0 or not speeds:
        return None
    return float(np.concatenate(speeds).mean() / width)


@lru_cache(maxsize=16)
def _savgol_kernel(win: int) -> np.ndarray:
    return np.asarray(savgol_coeffs(win, polyorder=2), dtype=np.float64)


def _high_pass(x: np.ndarray, times: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """Residual after a quadratic Savitzky–Golay fit spanning about one period of ``cutoff_hz``.

    Computed at the interior samples of each contiguous run of finite samples long enough for the filter
    (edges, where the fit is poorly constrained, stay NaN).
    """
    out = np.full(len(x), np.nan)
    dt = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    if dt <= 0:
        return out
    win = max(5, round(1.0 / cutoff_hz / dt) | 1)
    half = win // 2
    kernel = _savgol_kernel(win)
    finite = np.isfinite(x)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], finite.astype(np.int8), [0]))))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start >= win:
            seg = x[start:stop]
            out[start + half : stop - half] = seg[half:-half] - np.convolve(seg, kernel, mode="valid")
    return out


def fidgeting(
    times: np.ndarray, window: np.ndarray, aspect: float, cfg: FeatureConfig = FeatureConfig()
) -> float | None:
    """Largest RMS high-frequency motion among the wrists and the nose, in shoulder widths.

    Slow, sweeping gestures and sway are removed by the high-pass; small fast jiggles remain.
    """
    width = _mean_shoulder_width(window, aspect, cfg)
    if width is None or width <= 0 or len(times) < 5:
        return None
    rms = []
    for idx in (L.LEFT_WRIST, L.RIGHT_WRIST, L.NOSE):
        pts = _visible_points(window, idx, aspect, cfg)
        r = np.hypot(*(_high_pass(pts[:, axis], times, cfg.fidget_cutoff_hz) for axis in range(2)))
        r = r[np.isfinite(r)]
        if r.size >= 3:
            rms.append(float(np.sqrt(np.mean(r**2))))
    return max(rms) / width if rms else None


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
