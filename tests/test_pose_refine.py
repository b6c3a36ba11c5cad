"""Leveling estimators with the real MediaPipe models on the (seen) photo: large tilts read in full."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from inference.assets.pose_models import bundle_path, prepare_pose_models
from inference.body.features import shoulder_tilt_deg
from inference.pose.mediapipe_estimator import MediaPipePoseEstimator
from inference.pose.refine import PreviousTiltDerotator, two_pass_mediapipe
from inference.pose.types import PoseEstimator
from inference.pose.worker import _WorkerConfig, _WorkerState
from tests.generators.video import FrameTruth, VideoScript, render_frame

REPO = Path(__file__).resolve().parents[1]
ASPECT = 640 / 480
TILT = -16.0


@pytest.fixture(scope="module")
def models_dir() -> Path:
    return prepare_pose_models(REPO / "var" / "models")


def _frame(tilt: float) -> np.ndarray:
    truth = FrameTruth(0.0, tilt, 0.0, 0.0, 1.0, True, 640, 480)
    return render_frame(VideoScript(noise_std=2.0), truth)


def _held_reading(est: PoseEstimator, tilt: float, frames: int) -> float:
    """Shoulder tilt read on the last of ``frames`` frames of a held tilt (VIDEO-mode times 0.1 s apart)."""
    reading = None
    frame = _frame(tilt)
    for i in range(frames):
        lm = est.estimate(frame, i * 0.1).landmarks
        assert lm is not None
        reading = shoulder_tilt_deg(lm, ASPECT)
    assert reading is not None
    est.close()
    return reading


def test_previous_tilt_derotation_reads_a_held_16_degree_tilt_with_lite(models_dir: Path) -> None:
    path = bundle_path("lite", models_dir)
    upright = _held_reading(MediaPipePoseEstimator(path, "video"), 0.0, 3)
    plain = _held_reading(MediaPipePoseEstimator(path, "video"), TILT, 8) - upright
    leveled = _held_reading(PreviousTiltDerotator(MediaPipePoseEstimator(path, "video")), TILT, 8) - upright
    assert abs(leveled - TILT) <= 3.0, (plain, leveled)
    assert abs(leveled - TILT) < abs(plain - TILT), (plain, leveled)


def test_two_pass_reads_a_16_degree_tilt_with_full(models_dir: Path) -> None:
    path = bundle_path("full", models_dir)
    upright = _held_reading(two_pass_mediapipe(path), 0.0, 2)
    tilted = _held_reading(two_pass_mediapipe(path), TILT, 2) - upright
    assert abs(tilted - TILT) <= 2.0, tilted


def test_live_pose_worker_levels_by_default_and_can_be_told_not_to(models_dir: Path) -> None:
    config = _WorkerConfig(bundle_path("lite", models_dir), "video", 2)
    state = _WorkerState(config)
    plain = _WorkerState(dataclasses.replace(config, derotate=False))
    try:
        assert isinstance(state.estimator("a"), PreviousTiltDerotator)
        assert isinstance(plain.estimator("a"), MediaPipePoseEstimator)
    finally:
        state.close()
        plain.close()
