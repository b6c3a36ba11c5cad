"""Process pools shared by every live session: pose estimation and (optionally) speech recognition.

Models run only in ``spawn``-ed worker processes. The entry points below import the inference modules
inside the worker, so this (server/media) process never imports MediaPipe or TensorFlow.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from inference.pose.types import PoseResult
from inference.speech.types import SpeechAnalyzer, Utterance, Word
from media.config import MediaConfig

SpeechFactory = Callable[[], SpeechAnalyzer]
"""A picklable (module-level) callable building the speech analyser inside a worker process."""

_speech: SpeechAnalyzer | None = None


def _block_tensorflow() -> None:
    if "tensorflow" not in sys.modules:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]


def pose_worker_init(model_path: str) -> None:
    """Pose pool initializer (runs in the worker)."""
    _block_tensorflow()
    from inference.pose.worker import init_pose_worker

    init_pose_worker(model_path)


def pose_worker_estimate(image_rgb: np.ndarray, t_s: float, stream_id: str) -> tuple[PoseResult, float]:
    """Estimate one frame's pose in the worker; returns the result and the inference time in ms."""
    import time

    from inference.pose.worker import estimate_in_worker

    start = time.perf_counter()
    result = estimate_in_worker(image_rgb, t_s, stream_id)
    return result, (time.perf_counter() - start) * 1000.0


def pose_worker_release(stream_id: str) -> None:
    """Drop a finished stream's tracking state in the worker."""
    from inference.pose.worker import release_stream_in_worker

    release_stream_in_worker(stream_id)


def tensorflow_loaded_in_worker() -> bool:
    """Diagnostic: whether TensorFlow is loaded in the worker that runs this."""
    return sys.modules.get("tensorflow") is not None


def speech_worker_init(factory: SpeechFactory) -> None:
    """Speech pool initializer: build the analyser once per worker."""
    global _speech
    _block_tensorflow()
    _speech = factory()


def speech_worker_transcribe(utterance: Utterance) -> list[Word]:
    """Transcribe one utterance with the worker's analyser."""
    if _speech is None:
        raise RuntimeError("speech worker not initialised")
    return _speech.transcribe(utterance)


class MediaWorkers:
    """Owns the worker pools; create one per app and pass it to every session.

    Pose is enabled when ``config.pose_model_path`` is set; speech when ``speech_factory`` is given.
    ``pose_executor``/``speech_executor`` may be injected (e.g. a thread pool in tests or the benchmark).
    """

    def __init__(
        self,
        config: MediaConfig,
        speech_factory: SpeechFactory | None = None,
        *,
        pose_executor: Executor | None = None,
        speech_executor: Executor | None = None,
    ) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.pose: Executor | None = pose_executor
        if self.pose is None and config.pose_model_path is not None:
            self.pose = ProcessPoolExecutor(
                max_workers=config.pose_workers,
                mp_context=ctx,
                initializer=pose_worker_init,
                initargs=(str(Path(config.pose_model_path)),),
            )
        self.speech: Executor | None = speech_executor
        if self.speech is None and speech_factory is not None:
            self.speech = ProcessPoolExecutor(
                max_workers=config.speech_workers,
                mp_context=ctx,
                initializer=speech_worker_init,
                initargs=(speech_factory,),
            )

    async def _call(self, executor: Executor, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)

    async def warm_up(self) -> None:
        """Start the worker processes and load their models (call once at app start-up)."""
        if self.pose is not None:
            await self._call(self.pose, tensorflow_loaded_in_worker)
        if self.speech is not None:
            await self._call(self.speech, tensorflow_loaded_in_worker)

    async def estimate_pose(self, image_rgb: np.ndarray, t_s: float, stream_id: str) -> tuple[PoseResult, float]:
        """Pose of one RGB frame and the worker-side inference time in ms."""
        assert self.pose is not None
        result: tuple[PoseResult, float] = await self._call(
            self.pose, pose_worker_estimate, image_rgb, t_s, stream_id
        )
        return result

    async def release_pose_stream(self, stream_id: str) -> None:
        """Forget a session's tracking state in the pose worker(s)."""
        if isinstance(self.pose, ProcessPoolExecutor):
            await self._call(self.pose, pose_worker_release, stream_id)

    async def transcribe(self, utterance: Utterance) -> list[Word]:
        """Words of one utterance from the speech worker."""
        assert self.speech is not None
        words: list[Word] = await self._call(self.speech, speech_worker_transcribe, utterance)
        return words

    async def tensorflow_loaded_in_pose_worker(self) -> bool:
        """Diagnostic for tests."""
        if self.pose is None:
            return False
        loaded: bool = await self._call(self.pose, tensorflow_loaded_in_worker)
        return loaded

    def shutdown(self) -> None:
        """Stop the worker processes (cancelling queued work)."""
        for ex in (self.pose, self.speech):
            if ex is not None:
                ex.shutdown(wait=True, cancel_futures=True)
