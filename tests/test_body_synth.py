"""Synthetic landmark generator: shapes, determinism, label balance and geometric sanity."""

from __future__ import annotations

import numpy as np
import pytest

from inference.training.body_camera import L_EAR, L_SHOULDER, L_WRIST, R_EAR, R_SHOULDER, R_WRIST
from inference.training.body_synth import (
    CROSSED,
    GESTURES,
    HIDDEN,
    POSTURES,
    PURPOSEFUL,
    STILL,
    TILTED,
    UPRIGHT,
    generate,
)


@pytest.fixture(scope="module")
def batch():
    return generate(1500, seed=11)


def _line_angle_deg(windows: np.ndarray, aspect: np.ndarray, a: int, b: int) -> np.ndarray:
    """Per-window median of the a→b line's angle to the horizontal, in image pixels (present frames only)."""
    dx = (windows[:, :, a, 0] - windows[:, :, b, 0]) * aspect[:, None]
    dy = windows[:, :, a, 1] - windows[:, :, b, 1]
    angle = np.degrees(np.arctan2(dy, dx))
    present = np.abs(windows).sum(axis=(2, 3)) > 0
    return np.array([np.median(np.abs(ang[p])) for ang, p in zip(angle, present, strict=True)])


def test_shapes_and_ranges(batch):
    assert batch.windows.shape == (1500, 20, 33, 4)
    assert batch.windows.dtype == np.float32
    assert batch.posture.shape == batch.gesture.shape == batch.aspect.shape == (1500,)
    vis = batch.windows[..., 3]
    assert vis.min() >= 0.0 and vis.max() <= 1.0
    assert np.isfinite(batch.windows).all()
    np.testing.assert_allclose(np.unique(batch.aspect), [4 / 3, 16 / 9], rtol=1e-6)


def test_missing_frames_are_all_zero_and_rare(batch):
    frame_sum = np.abs(batch.windows).sum(axis=(2, 3))
    missing = frame_sum == 0
    assert 0.0 < missing.mean() < 0.05
    assert (batch.windows[missing] == 0).all()
    assert missing.sum(axis=1).max() <= 10


def test_deterministic_per_seed():
    a, b, c = generate(50, seed=3), generate(50, seed=3), generate(50, seed=4)
    np.testing.assert_array_equal(a.windows, b.windows)
    np.testing.assert_array_equal(a.posture, b.posture)
    np.testing.assert_array_equal(a.gesture, b.gesture)
    assert not np.array_equal(a.windows, c.windows)


def test_labels_are_balanced(batch):
    posture_share = np.bincount(batch.posture, minlength=len(POSTURES)) / batch.posture.size
    gesture_share = np.bincount(batch.gesture, minlength=len(GESTURES)) / batch.gesture.size
    assert posture_share.min() > 0.15 and posture_share.max() < 0.25
    assert gesture_share.min() > 0.25 and gesture_share.max() < 0.42


def test_purposeful_gestures_only_with_free_arms(batch):
    arms_busy = (batch.posture == CROSSED) | (batch.posture == HIDDEN)
    assert not (arms_busy & (batch.gesture == PURPOSEFUL)).any()


def test_forced_labels():
    b = generate(40, seed=5, posture=TILTED, gesture=STILL)
    assert (b.posture == TILTED).all() and (b.gesture == STILL).all()
    with pytest.raises(ValueError):
        generate(5, seed=5, posture=CROSSED, gesture=PURPOSEFUL)


def test_tilted_windows_have_tilted_shoulders_or_head(batch):
    shoulders = _line_angle_deg(batch.windows, batch.aspect, L_SHOULDER, R_SHOULDER)
    ears = _line_angle_deg(batch.windows, batch.aspect, L_EAR, R_EAR)
    tilt = np.maximum(shoulders, ears)
    upright, tilted = tilt[batch.posture == UPRIGHT], tilt[batch.posture == TILTED]
    assert np.median(upright) < 7.5
    assert np.median(tilted) > 12.0
    assert (tilted > 8.0).mean() > 0.85
    assert np.median(shoulders[batch.posture == TILTED]) > 2 * np.median(shoulders[batch.posture == UPRIGHT])


def test_person_left_is_on_image_right(batch):
    facing = batch.windows[..., L_SHOULDER, 0] - batch.windows[..., R_SHOULDER, 0]
    present = np.abs(batch.windows).sum(axis=(2, 3)) > 0
    assert (facing[present] > 0).mean() > 0.99


def test_hidden_hands_are_mostly_not_visible_and_free_hands_are(batch):
    """Hidden hands may still be reported like MediaPipe's guesses (in frame, visibility up to 0.85)."""
    wrists = batch.windows[..., [L_WRIST, R_WRIST], :]
    present = np.abs(batch.windows).sum(axis=(2, 3)) > 0
    seen = (wrists[..., 3] > 0.5) & (wrists[..., 0] > 0) & (wrists[..., 0] < 1) & (wrists[..., 1] < 1)
    per_window = np.array([s[p].any(axis=1).mean() for s, p in zip(seen, present, strict=True)])
    assert per_window[batch.posture == HIDDEN].mean() < 0.4
    assert per_window[batch.posture == UPRIGHT].mean() > 0.9


def test_still_windows_move_less_than_gesturing_ones(batch):
    wrists = batch.windows[..., [L_WRIST, R_WRIST], :2]
    present = np.abs(batch.windows).sum(axis=(2, 3)) > 0
    step = np.linalg.norm(np.diff(wrists, axis=1), axis=-1).max(axis=-1)
    both = present[:, 1:] & present[:, :-1]
    motion = np.array([np.median(s[b]) for s, b in zip(step, both, strict=True)])
    free = batch.posture == UPRIGHT
    still = np.median(motion[free & (batch.gesture == STILL)])
    purposeful = np.median(motion[free & (batch.gesture == PURPOSEFUL)])
    assert purposeful > 3 * still
