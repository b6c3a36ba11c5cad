"""Body-language features on synthetic landmark arrays with known geometry."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from inference.body.features import (
    BodyFeatureExtractor,
    BodyFeatures,
    L,
    compute_body_features,
    framing,
    head_tilt_deg,
    shoulder_tilt_deg,
    torso_lean_deg,
    yaw,
)
from inference.pose.types import PoseResult

# Upright person facing the camera, in image-height units relative to the shoulder centre (y down).
_BASE: dict[int, tuple[float, float]] = {
    L.NOSE: (0.0, -0.20),
    L.LEFT_EYE: (0.035, -0.23),
    L.RIGHT_EYE: (-0.035, -0.23),
    L.LEFT_EAR: (0.075, -0.21),
    L.RIGHT_EAR: (-0.075, -0.21),
    L.MOUTH_LEFT: (0.025, -0.16),
    L.MOUTH_RIGHT: (-0.025, -0.16),
    L.LEFT_SHOULDER: (0.15, 0.0),
    L.RIGHT_SHOULDER: (-0.15, 0.0),
    L.LEFT_ELBOW: (0.2, 0.2),
    L.RIGHT_ELBOW: (-0.2, 0.2),
    L.LEFT_WRIST: (0.2, 0.38),
    L.RIGHT_WRIST: (-0.2, 0.38),
    L.LEFT_HIP: (0.1, 0.45),
    L.RIGHT_HIP: (-0.1, 0.45),
}


def make_pose(
    tilt_deg: float = 0.0,
    aspect: float = 4 / 3,
    centre: tuple[float, float] = (0.5, 0.55),
    scale: float = 1.0,
    overrides: dict[int, tuple[float, float]] | None = None,
    hidden: tuple[int, ...] = (),
) -> np.ndarray:
    """A (33, 4) pose rotated counter-clockwise (as seen in the image) by ``tilt_deg`` about the shoulders."""
    points = {**_BASE, **(overrides or {})}
    lm = np.zeros((33, 4), np.float32)
    lm[:, 3] = 0.05
    a = math.radians(tilt_deg)
    cx, cy = centre[0] * aspect, centre[1]
    for idx, (x, y) in points.items():
        x, y = x * scale, y * scale
        rx = x * math.cos(a) + y * math.sin(a)
        ry = -x * math.sin(a) + y * math.cos(a)
        lm[idx] = ((cx + rx) / aspect, cy + ry, 0.0, 0.0 if idx in hidden else 0.99)
    return lm


@pytest.mark.parametrize("aspect", [4 / 3, 16 / 9, 3 / 4])
@pytest.mark.parametrize("tilt", [-20.0, -7.5, 0.0, 3.0, 12.0])
def test_tilts_recover_the_rotation_whatever_the_aspect_ratio(aspect: float, tilt: float) -> None:
    lm = make_pose(tilt, aspect)
    assert shoulder_tilt_deg(lm, aspect) == pytest.approx(tilt, abs=1e-3)
    assert head_tilt_deg(lm, aspect) == pytest.approx(tilt, abs=1e-3)
    assert torso_lean_deg(lm, aspect) == pytest.approx(tilt, abs=1e-3)


def test_positive_tilt_means_the_image_right_shoulder_is_higher() -> None:
    lm = make_pose(10.0)
    assert lm[L.LEFT_SHOULDER, 0] > lm[L.RIGHT_SHOULDER, 0]
    assert lm[L.LEFT_SHOULDER, 1] < lm[L.RIGHT_SHOULDER, 1]
    assert shoulder_tilt_deg(lm, 4 / 3) == pytest.approx(10.0, abs=1e-3)


def test_wrong_aspect_distorts_angles() -> None:
    lm = make_pose(20.0, aspect=16 / 9)
    assert abs(shoulder_tilt_deg(lm, 1.0) - 20.0) > 5  # type: ignore[operator]


def test_torso_lean_needs_hips_and_shows_a_sideways_shift() -> None:
    lean_left = make_pose(overrides={L.LEFT_HIP: (0.2, 0.45), L.RIGHT_HIP: (0.0, 0.45)})
    assert torso_lean_deg(lean_left, 4 / 3) == pytest.approx(math.degrees(math.atan2(0.1, 0.45)), abs=1e-3)
    assert torso_lean_deg(make_pose(hidden=(L.LEFT_HIP,)), 4 / 3) is None


def test_yaw_sign_and_facing() -> None:
    assert yaw(make_pose(), 4 / 3) == pytest.approx(0.0, abs=1e-6)
    turned = make_pose(overrides={L.NOSE: (0.05, -0.2)})
    assert yaw(turned, 4 / 3) == pytest.approx(0.05 / 0.075, abs=1e-3)
    away = make_pose(overrides={L.NOSE: (-0.07, -0.2)})
    feats = compute_body_features(np.array([0.0]), away[None], 4 / 3)
    assert feats.yaw is not None and feats.yaw < -0.9
    assert feats.facing_camera is False
    assert compute_body_features(np.array([0.0]), make_pose()[None], 4 / 3).facing_camera is True


@pytest.mark.parametrize(
    ("pose", "expected"),
    [
        (make_pose(), "ok"),
        (make_pose(scale=4.0, centre=(0.5, 0.9)), "too_close"),
        (make_pose(scale=2.4, centre=(0.5, 0.75)), "cut_off_top"),
        (make_pose(scale=0.25), "too_far"),
        (make_pose(centre=(0.5, 0.25)), "cut_off_top"),
        (make_pose(centre=(0.92, 0.55)), "cut_off_side"),
    ],
)
def test_framing(pose: np.ndarray, expected: str) -> None:
    assert framing(pose, 4 / 3) == expected


def test_hands_heights_visibility_and_arms_crossed() -> None:
    raised = make_pose(overrides={L.LEFT_WRIST: (0.25, -0.15)}, hidden=(L.RIGHT_WRIST,))
    f = compute_body_features(np.array([0.0]), raised[None], 4 / 3)
    assert f.hands_visible == 1
    assert f.left_hand_height == pytest.approx(0.5, abs=1e-3)
    assert f.right_hand_height is None
    assert f.arms_crossed is None

    crossed = make_pose(overrides={L.LEFT_WRIST: (-0.08, 0.3), L.RIGHT_WRIST: (0.08, 0.3)})
    relaxed = compute_body_features(np.array([0.0]), make_pose()[None], 4 / 3)
    assert compute_body_features(np.array([0.0]), crossed[None], 4 / 3).arms_crossed is True
    assert relaxed.arms_crossed is False
    assert relaxed.hands_visible == 2
    assert relaxed.left_hand_height == pytest.approx(-0.38 / 0.3, abs=1e-3)


def _window(poses: list[np.ndarray], fps: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    return np.arange(len(poses)) / fps, np.stack(poses)


def test_still_person_has_no_motion() -> None:
    times, window = _window([make_pose() for _ in range(20)])
    f = compute_body_features(times, window, 4 / 3)
    assert f.sway == pytest.approx(0.0, abs=1e-6)
    assert f.gesture_activity == pytest.approx(0.0, abs=1e-6)
    assert f.fidgeting == pytest.approx(0.0, abs=1e-6)


def test_sway_is_centre_motion_in_shoulder_widths() -> None:
    aspect = 16 / 9
    amp = 0.06  # image-height units: 0.2 shoulder widths
    xs = [0.5 + amp * math.sin(2 * math.pi * 0.5 * i / 10) / aspect for i in range(20)]
    times, window = _window([make_pose(aspect=aspect, centre=(x, 0.55)) for x in xs])
    f = compute_body_features(times, window, aspect)
    assert f.sway == pytest.approx(amp / math.sqrt(2) / 0.3, rel=0.05)
    assert f.gesture_activity is not None and f.gesture_activity > 0


def test_gestures_versus_fidgeting() -> None:
    def wrists(dx: float, dy: float) -> np.ndarray:
        return make_pose(overrides={L.LEFT_WRIST: (0.2 + dx, 0.38 + dy), L.RIGHT_WRIST: (-0.2 - dx, 0.38 + dy)})

    sweep = [wrists(0.0, -0.25 * math.sin(2 * math.pi * 0.5 * i / 10)) for i in range(20)]
    jiggle = [wrists(0.02 * (-1) ** i, 0.0) for i in range(20)]
    f_sweep = compute_body_features(*_window(sweep), 4 / 3)
    f_jiggle = compute_body_features(*_window(jiggle), 4 / 3)
    assert f_sweep.gesture_activity is not None and f_jiggle.gesture_activity is not None
    assert f_sweep.fidgeting is not None and f_jiggle.fidgeting is not None
    assert f_sweep.gesture_activity > 1.0
    assert f_jiggle.fidgeting > 2 * f_sweep.fidgeting
    assert f_jiggle.fidgeting > 0.03


def test_absent_last_frame_and_visible_ratio() -> None:
    gap = np.full((33, 4), np.nan, np.float32)
    times, window = _window([make_pose(), make_pose(), make_pose(), gap])
    f = compute_body_features(times, window, 4 / 3)
    assert f.person_visible is False
    assert f.shoulder_tilt_deg is None
    assert f.visible_ratio == pytest.approx(0.75)


def test_to_dict_is_json_ready() -> None:
    f = compute_body_features(np.array([0.0]), make_pose(5.0)[None], 4 / 3)
    d = json.loads(json.dumps(f.to_dict()))
    assert d["shoulder_tilt_deg"] == pytest.approx(5.0, abs=1e-3)
    assert d["framing"] == "ok"
    assert set(d) == set(BodyFeatures.__dataclass_fields__)


def test_window_shape_is_checked() -> None:
    with pytest.raises(ValueError, match="window"):
        compute_body_features(np.array([0.0, 0.1]), make_pose()[None], 4 / 3)


def test_extractor_keeps_a_time_window_and_uses_frame_aspect() -> None:
    ex = BodyFeatureExtractor(window_s=1.0)
    aspect = 16 / 9
    f = None
    for i in range(30):
        lm = make_pose(8.0, aspect) if i != 29 else None
        f = ex.update(PoseResult(t_s=i / 10, landmarks=lm, width=1280, height=720))
        if i == 28:
            assert f.shoulder_tilt_deg == pytest.approx(8.0, abs=1e-3)
    assert f is not None and not f.person_visible
    assert f.visible_ratio == pytest.approx(10 / 11)
