"""Leveling estimators with the real MediaPipe models on the (seen) photo: large tilts read in full."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import av
import numpy as np
import pytest

from inference.assets.pose_models import bundle_path, prepare_pose_models
from inference.body.features import shoulder_tilt_deg
from inference.pose.mediapipe_estimator import MediaPipePoseEstimator
from inference.pose.refine import LevelingSwitch, PreviousTiltDerotator, two_pass_mediapipe
from inference.pose.types import PoseEstimator
from inference.pose.worker import _WorkerConfig, _WorkerState
from tests.generators.video import FrameTruth, Person, VideoScript, render_frame

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
        assert isinstance(state.estimator("a"), LevelingSwitch)
        assert isinstance(plain.estimator("a"), MediaPipePoseEstimator)
    finally:
        state.close()
        plain.close()


def _live_frame(tilt: float, seed: int, person: Person = "astronaut") -> np.ndarray:
    """``person`` at ``tilt``, rendered at 640×480 with noise and scaled to 320×240 as the live path sends it."""
    truth = FrameTruth(seed * 0.1, tilt, 0.0, 0.0, 1.0, True, 640, 480)
    rgb = render_frame(VideoScript(noise_std=2.0, seed=seed, person=person), truth)
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    return frame.reformat(width=320, height=240, format="rgb24").to_ndarray()


def _live_readings(est: PoseEstimator, steps: list[tuple[float, int]]) -> list[list[float]]:
    """Shoulder tilt read on each frame of each held tilt in ``steps`` (tilt, frames), frames 0.1 s apart."""
    out, i = [], 0
    for tilt, frames in steps:
        held = []
        for _ in range(frames):
            lm = est.estimate(_live_frame(tilt, i), i * 0.1).landmarks
            i += 1
            sh = None if lm is None else shoulder_tilt_deg(lm, ASPECT)
            assert sh is not None
            held.append(sh)
        out.append(held)
    return out


def live_hold_errors(est: PoseEstimator, steps: list[tuple[float, int]]) -> list[float]:
    """Mean |read − upright − tilt| over the last 5 frames of each tilted hold; ``steps[0]`` is the upright hold,
    whose last 5 readings (median) are the zero: the person's own upright reading."""
    holds = _live_readings(est, steps)
    zero = float(np.median(holds[0][-5:]))
    return [
        float(np.mean([abs(r - zero - tilt) for r in held[-5:]]))
        for (tilt, _n), held in zip(steps[1:], holds[1:], strict=True)
    ]


def _live_state(models_dir: Path) -> _WorkerState:
    return _WorkerState(_WorkerConfig(bundle_path("lite", models_dir), "video", 1))


def test_live_worker_reading_of_a_still_person_does_not_swing(models_dir: Path) -> None:
    """Leveling a VIDEO-mode pass by its own previous reading rang on a still frame (the seen person swung
    between −4.5° and −10.7°); the live estimator holds steady within the noise."""
    state = _live_state(models_dir)
    try:
        est = state.estimator("live")
        readings = []
        for i in range(20):
            lm = est.estimate(_live_frame(0.0, i, "hopper"), i * 0.1).landmarks
            assert lm is not None
            readings.append(shoulder_tilt_deg(lm, ASPECT))
    finally:
        state.close()
    steady = [r for r in readings[1:] if r is not None]
    assert len(steady) == 19 and max(steady) - min(steady) <= 3.0, readings


def test_live_worker_levels_the_held_tilts_of_the_held_out_person(models_dir: Path) -> None:
    """The worker's live estimator (lite, 320×240 frames) on the astronaut: upright, +12°, then −16° (the
    bench's tilt steps), leveled and plain. The −16° hold reads within 3° leveled (the plain estimator reads it
    ~5° short) and leveling never reads a hold worse than the plain estimator. The +12° hold straight from
    upright depends on the CPU's kernels: one machine read it within 3°, an AMD EPYC with AVX-512 reads the
    change as ~1° plain and leveled alike (leveling by the previous reading has nothing to start from), so
    it is not held to 3° here (see README, Pose)."""
    steps = [(0.0, 12), (12.0, 12), (-16.0, 12)]
    config = _WorkerConfig(bundle_path("lite", models_dir), "video", 1)
    leveled_state, plain_state = _WorkerState(config), _WorkerState(dataclasses.replace(config, derotate=False))
    try:
        leveled = live_hold_errors(leveled_state.estimator("live"), steps)
        plain = live_hold_errors(plain_state.estimator("live"), steps)
    finally:
        leveled_state.close()
        plain_state.close()
    assert leveled[1] <= 3.0 < plain[1], (leveled, plain)
    assert all(lv <= pl + 1.0 for lv, pl in zip(leveled, plain, strict=True)), (leveled, plain)
