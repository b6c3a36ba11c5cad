"""Process-pool entry points for pose estimation outside the server/media process.

Usage from the media layer::

    executor = make_pose_executor(bundle_path("lite"))
    result = await loop.run_in_executor(executor, estimate_in_worker, frame_rgb, t_s, session_id)
    ...
    await loop.run_in_executor(executor, release_stream_in_worker, session_id)

Each worker process keeps one :class:`MediaPipePoseEstimator` per stream id (VIDEO-mode tracking state must
not mix streams), evicting the least recently used beyond ``max_streams``. With ``derotate`` (the default) a frame
whose previous shoulder tilt is not level is leveled by it and landmarked in IMAGE mode, level frames are tracked
in VIDEO mode (:class:`~inference.pose.refine.LevelingSwitch`: one pass per frame, no second pass), which keeps
large tilts from reading short. All functions are module-level and take/return picklable values, so they work
with the ``spawn`` start method.
"""

from __future__ import annotations

import multiprocessing
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.orphans import exit_with_parent
from inference.pose.mediapipe_estimator import MediaPipePoseEstimator, RunningMode
from inference.pose.mediapipe_import import tensorflow_loaded
from inference.pose.refine import live_leveling_mediapipe
from inference.pose.types import PoseEstimator, PoseResult

DEFAULT_STREAM = "default"
LIVE_DEROTATE = True
"""Level each tilted live frame by the previous frame's tilt (see :class:`~inference.pose.refine.LevelingSwitch`)."""


@dataclass(frozen=True)
class _WorkerConfig:
    model_path: Path
    running_mode: RunningMode
    max_streams: int
    derotate: bool = LIVE_DEROTATE


class _WorkerState:
    def __init__(self, config: _WorkerConfig) -> None:
        self.config = config
        self.estimators: OrderedDict[str, PoseEstimator] = OrderedDict()

    def estimator(self, stream_id: str) -> PoseEstimator:
        est = self.estimators.get(stream_id)
        if est is None:
            est = self._new_estimator()
            self.estimators[stream_id] = est
            while len(self.estimators) > self.config.max_streams:
                _, oldest = self.estimators.popitem(last=False)
                oldest.close()
        else:
            self.estimators.move_to_end(stream_id)
        return est

    def _new_estimator(self) -> PoseEstimator:
        if self.config.derotate and self.config.running_mode == "video":
            return live_leveling_mediapipe(self.config.model_path)
        return MediaPipePoseEstimator(self.config.model_path, self.config.running_mode)

    def release(self, stream_id: str) -> None:
        est = self.estimators.pop(stream_id, None)
        if est is not None:
            est.close()

    def close(self) -> None:
        for est in self.estimators.values():
            est.close()
        self.estimators.clear()


_state: _WorkerState | None = None


def init_pose_worker(
    model_path: str | Path, running_mode: RunningMode = "video", max_streams: int = 8, derotate: bool = LIVE_DEROTATE
) -> None:
    """Process-pool initializer: remember the model and load it eagerly for the default stream."""
    global _state
    exit_with_parent()
    if _state is not None:
        _state.close()
    _state = _WorkerState(_WorkerConfig(Path(model_path), running_mode, max_streams, derotate))
    _state.estimator(DEFAULT_STREAM)


def estimate_in_worker(image_rgb: np.ndarray, t_s: float, stream_id: str = DEFAULT_STREAM) -> PoseResult:
    """Run the worker's estimator for ``stream_id`` on one RGB frame."""
    if _state is None:
        raise RuntimeError("pose worker not initialised: pass initializer=init_pose_worker")
    return _state.estimator(stream_id).estimate(image_rgb, t_s)


def release_stream_in_worker(stream_id: str) -> None:
    """Forget a stream's tracking state (call when a session ends). Unknown ids are ignored."""
    if _state is not None:
        _state.release(stream_id)


def worker_tensorflow_loaded() -> bool:
    """Diagnostic for tests: whether TensorFlow got imported in this worker process."""
    return tensorflow_loaded()


def make_pose_executor(
    model_path: str | Path,
    running_mode: RunningMode = "video",
    max_workers: int = 1,
    max_streams: int = 8,
) -> ProcessPoolExecutor:
    """A ``spawn``-context process pool whose workers each hold a ready pose estimator.

    With more than one worker, frames of one stream may land on different workers; each keeps its own
    tracking state, which stays correct but tracks less well. Prefer one worker per pool for VIDEO mode.
    """
    return ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_pose_worker,
        initargs=(str(model_path), running_mode, max_streams),
    )
