"""Pose estimators that level the person before landmarking (see :mod:`inference.pose.derotate`).

* :class:`TwoPassEstimator` (post-hoc analysis): a first pass finds the shoulder line, a second pass on the
  frame rotated level around the shoulder midpoint gives the landmarks, mapped back. Twice the inference on
  tilted frames, so only where time allows.
* :class:`LevelingSwitch` (live, one pass): a frame whose previous reading is tilted is rotated by minus that
  tilt and landmarked in IMAGE mode; level frames are tracked in VIDEO mode. A held tilt converges over a few
  frames.
* :class:`PreviousTiltDerotator`: the same leveling on one estimator (the former live option: in VIDEO mode it
  rings, see :class:`LevelingSwitch`).

All satisfy :class:`~inference.pose.types.PoseEstimator`.
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
LIVE_LEVEL_FROM_DEG = 2.0
"""Live frames whose previous reading is under this stay on the tracked, unrotated pass: the lite model reads
about 0.7 of a roll, so a 2° reading is at most ~1° short."""


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
    """One pass per frame, on the frame leveled by the previous frame's reading (``inner``).

    With a VIDEO-mode ``inner`` this rings (see :class:`LevelingSwitch`); kept for the benchmark's comparison.
    """

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


class LevelingSwitch:
    """Live leveling: a stateless leveled pass on tilted frames, VIDEO-mode tracking on level ones.

    Each frame is leveled by the previous frame's reading, as in :class:`PreviousTiltDerotator`, but the leveled
    pass runs on ``leveler`` (IMAGE mode: no memory across frames). A VIDEO-mode estimator keeps its tracking
    ROI and landmark smoothing in the coordinates of the frames it was given; fed frames turned by a different
    angle each time, it mixes the previous frame's landmarks into this one's at the wrong angle, so every change
    of leveling overshoots and rings (a still frame of the held-out person swings by 10°). ``tracker``
    (VIDEO mode) only ever sees unrotated frames: those whose previous reading is under ``level_from_deg``, and
    the fallback when the leveled pass finds nobody. Level frames cost one tracked pass; tilted ones one
    IMAGE-mode pass (person detection on every such frame).
    """

    def __init__(
        self, tracker: PoseEstimator, leveler: PoseEstimator, level_from_deg: float = LIVE_LEVEL_FROM_DEG
    ) -> None:
        self._tracker = tracker
        self._leveler = leveler
        self._level_from = level_from_deg
        self._previous: Leveling | None = None

    def estimate(self, image_rgb: np.ndarray, t_s: float) -> PoseResult:
        pose = estimate_leveled(self._leveler, image_rgb, t_s, self._previous, self._level_from)
        if pose is None or pose.landmarks is None:
            pose = self._tracker.estimate(image_rgb, t_s)
        self._previous = leveling_of(pose)
        return pose

    def close(self) -> None:
        self._tracker.close()
        self._leveler.close()


def live_leveling_mediapipe(model_path: str | Path, level_from_deg: float = LIVE_LEVEL_FROM_DEG) -> LevelingSwitch:
    """Live estimator: VIDEO-mode tracking on level frames, an IMAGE-mode pass on frames leveled by the last tilt."""
    return LevelingSwitch(*_video_and_image(model_path), level_from_deg)


def two_pass_mediapipe(model_path: str | Path, min_tilt_deg: float = MIN_TILT_DEG) -> TwoPassEstimator:
    """Post-hoc estimator: a VIDEO-mode first pass and an IMAGE-mode second pass of the same bundle."""
    return TwoPassEstimator(*_video_and_image(model_path), min_tilt_deg)


def _video_and_image(model_path: str | Path) -> tuple[MediaPipePoseEstimator, MediaPipePoseEstimator]:
    """A VIDEO-mode and an IMAGE-mode estimator of the same bundle (the first closed if the second fails)."""
    video = MediaPipePoseEstimator(model_path, "video")
    try:
        return video, MediaPipePoseEstimator(model_path, "image")
    except BaseException:
        video.close()
        raise
