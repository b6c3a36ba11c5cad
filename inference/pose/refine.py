"""Pose estimators that level the person before landmarking (see :mod:`inference.pose.derotate`).

* :class:`TwoPassEstimator` (post-hoc analysis): a first pass finds the shoulder line, a second pass on the
  frame rotated level around the shoulder midpoint gives the landmarks, mapped back. Twice the inference on
  tilted frames, so only where time allows.
* :class:`PreviousTiltDerotator` (live, one pass): each frame is rotated by minus the previous frame's
  shoulder tilt before the one pass, so a held tilt converges over a few frames at the cost of one image warp.

Both satisfy :class:`~inference.pose.types.PoseEstimator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.body.features import shoulder_tilt_deg
from inference.pose.derotate import (
    invert_affine,
    leveling_rotation,
    map_landmarks,
    rotate_image,
    shoulder_midpoint_px,
)
from inference.pose.mediapipe_estimator import MediaPipePoseEstimator
from inference.pose.types import PoseEstimator, PoseResult

MIN_TILT_DEG = 1.0
"""Below this first-pass tilt the frame is used as it is (a rotation would change nothing measurable)."""


@dataclass(frozen=True)
class Leveling:
    """The tilt read from one pose and the pivot to level it around (pixels)."""

    tilt_deg: float
    center_px: tuple[float, float]


def leveling_of(pose: PoseResult) -> Leveling | None:
    """The shoulder tilt and midpoint of ``pose``, or None when the shoulders are not measurable."""
    lm = pose.landmarks
    if lm is None or pose.height <= 0:
        return None
    tilt = shoulder_tilt_deg(lm, pose.width / pose.height)
    if tilt is None:
        return None
    return Leveling(tilt, shoulder_midpoint_px(lm, pose.width, pose.height))


def estimate_leveled(
    estimator: PoseEstimator, image_rgb: np.ndarray, t_s: float, leveling: Leveling | None, min_tilt_deg: float
) -> PoseResult | None:
    """One pass on ``image_rgb`` rotated by ``-leveling.tilt_deg``, landmarks mapped back to the frame.

    None when no rotation is needed (no leveling, or a tilt under ``min_tilt_deg``).
    """
    if leveling is None or abs(leveling.tilt_deg) < min_tilt_deg:
        return None
    height, width = image_rgb.shape[:2]
    m = leveling_rotation(leveling.tilt_deg, leveling.center_px)
    pose = estimator.estimate(rotate_image(image_rgb, m), t_s)
    if pose.landmarks is None:
        return pose
    return PoseResult(t_s, map_landmarks(pose.landmarks, invert_affine(m), width, height), width, height)


class TwoPassEstimator:
    """First pass with ``primary`` (VIDEO mode: tracking); second pass with ``refiner`` on the leveled frame.

    ``refiner`` should be an IMAGE-mode estimator (the leveled frames are not one continuous video). When the
    second pass finds no person the first pass is kept.
    """

    def __init__(self, primary: PoseEstimator, refiner: PoseEstimator, min_tilt_deg: float = MIN_TILT_DEG) -> None:
        self._primary = primary
        self._refiner = refiner
        self._min_tilt = min_tilt_deg

    def estimate(self, image_rgb: np.ndarray, t_s: float) -> PoseResult:
        first = self._primary.estimate(image_rgb, t_s)
        second = estimate_leveled(self._refiner, image_rgb, t_s, leveling_of(first), self._min_tilt)
        return first if second is None or second.landmarks is None else second

    def close(self) -> None:
        self._primary.close()
        self._refiner.close()


class PreviousTiltDerotator:
    """One pass per frame, on the frame leveled by the previous frame's reading (VIDEO-mode ``inner``)."""

    def __init__(self, inner: PoseEstimator, min_tilt_deg: float = MIN_TILT_DEG) -> None:
        self._inner = inner
        self._min_tilt = min_tilt_deg
        self._previous: Leveling | None = None

    def estimate(self, image_rgb: np.ndarray, t_s: float) -> PoseResult:
        pose = estimate_leveled(self._inner, image_rgb, t_s, self._previous, self._min_tilt)
        if pose is None:
            pose = self._inner.estimate(image_rgb, t_s)
        self._previous = leveling_of(pose)
        return pose

    def close(self) -> None:
        self._inner.close()


def two_pass_mediapipe(model_path: str | Path, min_tilt_deg: float = MIN_TILT_DEG) -> TwoPassEstimator:
    """Post-hoc estimator: a VIDEO-mode first pass and an IMAGE-mode second pass of the same bundle."""
    first = MediaPipePoseEstimator(model_path, "video")
    try:
        second = MediaPipePoseEstimator(model_path, "image")
    except BaseException:
        first.close()
        raise
    return TwoPassEstimator(first, second, min_tilt_deg)
