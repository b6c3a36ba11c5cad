"""Process pools shared by every live session: pose estimation and (optionally) speech recognition.

Models run only in ``spawn``-ed worker processes. The entry points below import the inference modules
inside the worker, so this (server/media) process never imports MediaPipe or TensorFlow.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import sys
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from inference.body.live import Labeler, LiveBodyAnalyzer, LiveBodyUpdate
from inference.pose.types import PoseResult
from inference.speech.types import SpeechAnalyzer, Utterance, Word
from media.config import MediaConfig

SpeechFactory = Callable[[], SpeechAnalyzer]
"""A picklable (module-level) callable building the speech analyser inside a worker process."""

_speech: SpeechAnalyzer | None = None
_labeler: Labeler | None = None
_body_streams: OrderedDict[str, LiveBodyAnalyzer] = OrderedDict()
MAX_BODY_STREAMS = 8
log = logging.getLogger(__name__)


def _block_tensorflow() -> None:
    if "tensorflow" not in sys.modules:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]


def _load_labeler() -> Labeler | None:
    try:
        from inference.body.classifier import BodyClassifier

        return BodyClassifier.load(num_threads=1)
    except (FileNotFoundError, OSError) as exc:
        log.warning("posture classifier unavailable (%s): live pose messages carry no labels", exc)
        return None


def pose_worker_init(model_path: str) -> None:
    """Pose pool initializer (runs in the worker): the estimator and, when its weights exist, the classifier."""
    global _labeler
    _block_tensorflow()
    from inference.pose.worker import init_pose_worker

    init_pose_worker(model_path)
    _labeler = _load_labeler()


def _body_analyzer(stream_id: str) -> LiveBodyAnalyzer:
    analyzer = _body_streams.pop(stream_id, None) or LiveBodyAnalyzer(_labeler)
    _body_streams[stream_id] = analyzer
    while len(_body_streams) > MAX_BODY_STREAMS:
        _body_streams.popitem(last=False)
    return analyzer


def pose_worker_estimate(image_rgb: np.ndarray, t_s: float, stream_id: str) -> tuple[PoseResult, float, LiveBodyUpdate]:
    """Estimate one frame's pose in the worker; returns the result, the inference time in ms and body analysis."""
    import time

    from inference.pose.worker import estimate_in_worker

    start = time.perf_counter()
    result = estimate_in_worker(image_rgb, t_s, stream_id)
    infer_ms = (time.perf_counter() - start) * 1000.0
    return result, infer_ms, _body_analyzer(stream_id).update(result)


def pose_worker_release(stream_id: str) -> None:
    """Drop a finished stream's tracking and body-analysis state in the worker."""
    from inference.pose.worker import release_stream_in_worker

    release_stream_in_worker(stream_id)
    _body_streams.pop(stream_id, None)


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

    async def estimate_pose(
        self, image_rgb: np.ndarray, t_s: float, stream_id: str
    ) -> tuple[PoseResult, float, LiveBodyUpdate]:
        """Pose of one RGB frame, the worker-side inference time in ms, and the stream's body analysis."""
        assert self.pose is not None
        result: tuple[PoseResult, float, LiveBodyUpdate] = await self._call(
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
