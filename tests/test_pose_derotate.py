"""Derotation geometry with plain values, and the leveling estimators' control flow on a scripted estimator."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from inference.body.features import shoulder_tilt_deg
from inference.body.landmarks import L
from inference.pose.derotate import (
    apply_affine,
    invert_affine,
    leveling_rotation,
    map_landmarks,
    rotate_image,
    rotation_about,
    shoulder_midpoint_px,
)
from inference.pose.refine import LevelingSwitch, PreviousTiltDerotator, TwoPassEstimator, leveling_of
from inference.pose.types import NUM_LANDMARKS, PoseEstimator, PoseResult

W, H = 640, 480


def _landmarks(left_px: tuple[float, float], right_px: tuple[float, float]) -> np.ndarray:
    """Landmarks with only the shoulders placed (pixels), everything visible."""
    lm = np.full((NUM_LANDMARKS, 4), 0.5, np.float32)
    lm[:, 3] = 1.0
    lm[L.LEFT_SHOULDER, :2] = (left_px[0] / W, left_px[1] / H)
    lm[L.RIGHT_SHOULDER, :2] = (right_px[0] / W, right_px[1] / H)
    return lm


def test_rotation_turns_counter_clockwise_in_the_image_around_its_centre() -> None:
    m = rotation_about((100.0, 50.0), 90.0)
    # A point right of the centre goes up (y points down in images); the centre stays put.
    assert apply_affine(m, np.array([[110.0, 50.0], [100.0, 50.0]])) == pytest.approx(
        np.array([[100.0, 40.0], [100.0, 50.0]])
    )


def test_inverse_undoes_the_rotation() -> None:
    m = rotation_about((320.0, 300.0), -17.0)
    pts = np.array([[0.0, 0.0], [640.0, 480.0], [123.0, 45.0]])
    assert apply_affine(invert_affine(m), apply_affine(m, pts)) == pytest.approx(pts)


def test_leveling_a_tilted_shoulder_line_makes_it_level_and_mapping_back_restores_it() -> None:
    # The image-right (anatomical left) shoulder 100 px right and 20 px up: tilt atan(20/100) ≈ 11.3°.
    lm = _landmarks(left_px=(420.0, 280.0), right_px=(320.0, 300.0))
    tilt = shoulder_tilt_deg(lm, W / H)
    assert tilt is not None
    assert tilt == pytest.approx(math.degrees(math.atan2(20, 100)))
    centre = shoulder_midpoint_px(lm, W, H)
    assert centre == pytest.approx((370.0, 290.0))
    m = leveling_rotation(tilt, centre)
    level = map_landmarks(lm, m, W, H)
    assert shoulder_tilt_deg(level, W / H) == pytest.approx(0.0, abs=1e-4)
    back = map_landmarks(level, invert_affine(m), W, H)
    assert back[:, :2] == pytest.approx(lm[:, :2], abs=1e-6)
    assert back[:, 3] == pytest.approx(lm[:, 3])


def test_rotate_image_moves_a_bright_dot_where_the_matrix_says() -> None:
    img = np.zeros((H, W, 3), np.uint8)
    img[290:293, 419:422] = 255  # a dot at (420, 291)
    m = rotation_about((320.0, 291.0), 90.0)
    out = rotate_image(img, m)
    ys, xs = np.nonzero(out[:, :, 0] > 128)
    assert out.shape == img.shape and out.dtype == np.uint8
    assert (float(xs.mean()), float(ys.mean())) == pytest.approx((320.0, 191.0), abs=1.0)


class _Scripted:
    """A stand-in model that shrinks large tilts: it measures the bright bar in the frame it is given
    (the "shoulder line", see :func:`_frame`), reads ``gain`` times that angle, and records what it saw."""

    def __init__(self, gain: float) -> None:
        self.gain = gain
        self.calls: list[float] = []
        self.closed = False

    def estimate(self, image_rgb: np.ndarray, t_s: float) -> PoseResult:
        seen = _seen_tilt(image_rgb)
        self.calls.append(seen)
        read = self.gain * seen
        rad = math.radians(read)
        left = (320.0 + 100.0 * math.cos(rad), 300.0 - 100.0 * math.sin(rad))
        return PoseResult(t_s, _landmarks(left_px=left, right_px=(320.0, 300.0)), W, H)

    def close(self) -> None:
        self.closed = True


def _frame(tilt_deg: float) -> np.ndarray:
    """A frame with a long bright bar from (320, 300) at ``tilt_deg`` (the "shoulder line")."""
    img = np.zeros((H, W, 3), np.uint8)
    rad = math.radians(tilt_deg)
    for r in np.linspace(0, 200, 800):
        x, y = 320 + r * math.cos(rad), 300 - r * math.sin(rad)
        img[round(y), round(x)] = 255
    return img


def _seen_tilt(img: np.ndarray) -> float:
    ys, xs = np.nonzero(img[:, :, 0] > 128)
    slope = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]
    return -math.degrees(math.atan(slope))


def test_two_pass_levels_the_frame_so_a_shrinking_model_reads_the_full_tilt() -> None:
    primary, refiner = _Scripted(0.6), _Scripted(0.6)
    est = TwoPassEstimator(primary, refiner)
    pose = est.estimate(_frame(16.0), 0.0)
    first = primary.calls[0]
    assert first == pytest.approx(16.0, abs=0.5)
    # The refiner saw the frame turned back by the first reading (0.6 × 16 = 9.6°): about 6.4° left.
    assert refiner.calls[0] == pytest.approx(16.0 - 0.6 * first, abs=0.7)
    reading = leveling_of(pose)
    assert reading is not None
    assert reading.tilt_deg == pytest.approx(0.6 * first + 0.6 * refiner.calls[0], abs=0.1)
    assert abs(reading.tilt_deg - 16.0) < abs(0.6 * first - 16.0) / 2
    est.close()
    assert primary.closed and refiner.closed


def test_two_pass_skips_the_second_pass_on_a_level_frame() -> None:
    primary, refiner = _Scripted(1.0), _Scripted(1.0)
    TwoPassEstimator(primary, refiner).estimate(_frame(0.0), 0.0)
    assert refiner.calls == []


def test_previous_tilt_derotation_converges_on_a_held_tilt() -> None:
    inner = _Scripted(0.6)
    est = PreviousTiltDerotator(inner)
    readings = []
    for i in range(6):
        reading = leveling_of(est.estimate(_frame(16.0), i * 0.1))
        assert reading is not None
        readings.append(reading.tilt_deg)
    assert readings[0] == pytest.approx(9.6, abs=0.5)  # the first frame is not rotated
    assert abs(readings[-1] - 16.0) < 1.0
    assert len(inner.calls) == 6  # one pass per frame


class _Remembering(_Scripted):
    """A stand-in for a VIDEO-mode model: its reading is blended with its previous one, in the coordinates of
    the frames it was given (as MediaPipe's tracking ROI and landmark smoothing are)."""

    def __init__(self, gain: float, keep: float) -> None:
        super().__init__(gain)
        self.keep = keep
        self._last: float | None = None

    def estimate(self, image_rgb: np.ndarray, t_s: float) -> PoseResult:
        seen = _seen_tilt(image_rgb)
        self.calls.append(seen)
        read = self.gain * seen
        if self._last is not None:
            read = self.keep * self._last + (1 - self.keep) * read
        self._last = read
        rad = math.radians(read)
        left = (320.0 + 100.0 * math.cos(rad), 300.0 - 100.0 * math.sin(rad))
        return PoseResult(t_s, _landmarks(left_px=left, right_px=(320.0, 300.0)), W, H)


def _held_readings(est: PoseEstimator, tilt: float, frames: int) -> list[float]:
    out = []
    for i in range(frames):
        reading = leveling_of(est.estimate(_frame(tilt), i * 0.1))
        assert reading is not None
        out.append(reading.tilt_deg)
    return out


def test_leveling_a_remembering_model_by_its_previous_reading_overshoots() -> None:
    """The cause of the live error: each new leveling angle makes the remembered reading count twice."""
    readings = _held_readings(PreviousTiltDerotator(_Remembering(0.6, 0.5)), 16.0, 8)
    assert max(readings) > 19.0, readings


def test_leveling_switch_levels_on_a_stateless_pass_and_tracks_only_unrotated_frames() -> None:
    tracker, leveler = _Remembering(0.6, 0.5), _Scripted(0.6)
    est = LevelingSwitch(tracker, leveler, level_from_deg=2.0)
    readings = _held_readings(est, 16.0, 8)
    assert readings[0] == pytest.approx(9.6, abs=0.5)  # the first frame: tracked, not rotated
    assert all(b >= a - 0.1 for a, b in itertools.pairwise(readings)), readings  # no overshoot
    assert max(readings) <= 16.5 and abs(readings[-1] - 16.0) < 1.0, readings
    assert tracker.calls == [pytest.approx(16.0, abs=0.5)]
    assert len(leveler.calls) == 7 and abs(leveler.calls[-1]) < 1.0  # leveled frames, one pass each
    est.close()
    assert tracker.closed and leveler.closed


def test_leveling_switch_tracks_level_frames_and_falls_back_when_the_leveled_pass_finds_nobody() -> None:
    tracker, leveler = _Scripted(1.0), _Scripted(1.0)
    est = LevelingSwitch(tracker, leveler, level_from_deg=2.0)
    _held_readings(est, 1.0, 3)
    assert len(tracker.calls) == 3 and leveler.calls == []  # a 1° reading stays on the tracked pass

    class _Nobody(_Scripted):
        def estimate(self, image_rgb: np.ndarray, t_s: float) -> PoseResult:
            self.calls.append(0.0)
            return PoseResult(t_s, None, W, H)

    tracker, nobody = _Scripted(1.0), _Nobody(1.0)
    est = LevelingSwitch(tracker, nobody, level_from_deg=2.0)
    readings = _held_readings(est, 10.0, 2)
    assert len(nobody.calls) == 1 and len(tracker.calls) == 2
    assert readings[-1] == pytest.approx(10.0, abs=0.5)
