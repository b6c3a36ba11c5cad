"""Process pools shared by every live session: pose estimation and (optionally) speech recognition.

Models run only in ``spawn``-ed worker processes. The entry points below import the inference modules
inside the worker, so this (server/media) process never imports MediaPipe or TensorFlow.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import sys
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np

from inference.asr.scheduling import SchedulerConfig
from inference.body.live import Labeler, LiveBodyAnalyzer, LiveBodyUpdate
from inference.orphans import exit_with_parent
from inference.pose.types import PoseResult
from inference.speech.types import SpeechAnalyzer, Utterance, Word
from media.asr_service import AsrService
from media.config import MediaConfig

SpeechFactory = Callable[[], SpeechAnalyzer]
"""A picklable (module-level) callable building the speech analyser inside a worker process."""

_speech: SpeechAnalyzer | None = None
_labeler: Labeler | None = None
_body_streams: OrderedDict[str, LiveBodyAnalyzer] = OrderedDict()
MAX_BODY_STREAMS = 8
RESPARE_DELAY_S = 10.0
"""After a spare takes over, a new spare starts this much later: loading its model at once would take the CPU
that the spare, now serving the sessions, needs for its first calls."""
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
    exit_with_parent()
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


def speech_worker_init(factory: SpeechFactory, nice: int = 0) -> None:
    """Speech pool initializer: build the analyser once per worker, ``nice`` steps below normal priority (so that
    on a saturated machine the event loop and pose, whose feedback is due within 150 ms, get the CPU first and
    Whisper passes take what is left)."""
    global _speech
    exit_with_parent()
    if nice > 0:
        os.nice(nice)
    _block_tensorflow()
    _speech = factory()


def speech_worker_transcribe(utterance: Utterance) -> list[Word]:
    """Transcribe one utterance with the worker's analyser."""
    if _speech is None:
        raise RuntimeError("speech worker not initialised")
    return _speech.transcribe(utterance)


def speech_worker_transcribe_batch(utterances: list[Utterance]) -> list[list[Word]]:
    """Words of each utterance, in one batched call when the worker's analyser has ``transcribe_batch`` (else one
    call each)."""
    if _speech is None:
        raise RuntimeError("speech worker not initialised")
    batch: Callable[[list[Utterance]], list[list[Word]]] | None = getattr(_speech, "transcribe_batch", None)
    return batch(utterances) if batch is not None else [_speech.transcribe(u) for u in utterances]


def _warmed(pool: Executor) -> Executor:
    """``pool`` with its worker started and its model loading now (the initializer runs before the first task;
    nothing awaits the result)."""
    pool.submit(tensorflow_loaded_in_worker)
    return pool


class MediaWorkers:
    """Owns the worker pools; create one per app and pass it to every session.

    Pose runs in ``config.pose_workers`` single-process pools when ``config.pose_model_path`` is set; each stream
    sticks to one of them (the least busy when it starts), so its tracking and body-analysis state stay in one
    process. Speech runs when ``speech_factory`` is given. ``pose_executors``/``speech_executor`` may be injected
    (e.g. thread pools in tests).

    A worker process that dies (killed, out of memory, a native crash) breaks its pool: the call in flight fails
    and the pool is replaced by a fresh one at once, so the next frame or pass starts a new worker (which loads
    its model) instead of every later call failing; ``respawns`` counts them. Without a spare, the streams of a dead
    pose worker move to another pose worker (warm already) while the replacement loads. With
    ``config.standby_pose``/``standby_speech`` a spare pool of that kind is started and warmed (model loaded) once
    the workers in use are ready (:meth:`warm_up`) and takes over at once; a new spare starts
    ``respare_delay_s`` later.
    """

    def __init__(
        self,
        config: MediaConfig,
        speech_factory: SpeechFactory | None = None,
        *,
        pose_executors: Sequence[Executor] = (),
        speech_executor: Executor | None = None,
    ) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._pose_pools: list[Executor] = list(pose_executors)
        self._pose_builder: Callable[[], Executor] | None = None
        self.respawns = 0
        if not self._pose_pools and config.pose_model_path is not None:
            model = str(Path(config.pose_model_path))
            self._pose_builder = lambda: ProcessPoolExecutor(
                max_workers=1, mp_context=ctx, initializer=pose_worker_init, initargs=(model,)
            )
            self._pose_pools = [self._pose_builder() for _ in range(max(1, config.pose_workers))]
        self._stream_pool: dict[str, int] = {}
        self.speech: Executor | None = speech_executor
        self._speech_builder: Callable[[], Executor] | None = None
        if self.speech is None and speech_factory is not None:
            self._speech_builder = lambda: ProcessPoolExecutor(
                max_workers=config.speech_workers,
                mp_context=ctx,
                initializer=speech_worker_init,
                initargs=(speech_factory, config.speech_worker_nice),
            )
            self.speech = self._speech_builder()
        self._spares: dict[Callable[[], Executor], Executor] = {}
        self.respare_delay_s = RESPARE_DELAY_S
        self._respare_timer: asyncio.TimerHandle | None = None
        self._spare_builders = [
            builder
            for builder, wanted in (
                (self._pose_builder, config.standby_pose),
                (self._speech_builder, config.standby_speech),
            )
            if wanted and builder is not None
        ]
        self.asr: AsrService | None = None
        if self.speech is not None and config.speech_schedule == "deadline":
            scheduling = SchedulerConfig(adaptive=config.speech_adaptive_interim, max_batch=config.speech_batch_max)
            batch = self.transcribe_batch if config.speech_batch_max > 1 else None
            self.asr = AsrService(config.speech_workers, scheduling, transcribe_batch=batch)

    @property
    def pose_enabled(self) -> bool:
        return bool(self._pose_pools)

    @property
    def pose_processes(self) -> list[Any]:
        """The pose worker processes (for resource accounting in benchmarks)."""
        return [p for pool in self._pose_pools for p in (getattr(pool, "_processes", None) or {}).values()]

    def disable_pose(self) -> None:
        """Stop the pose pools and run without pose (the benchmark's inline baseline does its own)."""
        for pool in self._pose_pools:
            pool.shutdown(wait=True, cancel_futures=True)
        self._pose_pools = []

    def _pose_index(self, stream_id: str) -> int:
        index = self._stream_pool.get(stream_id)
        if index is None:
            load = self._pose_load()
            index = self._stream_pool[stream_id] = load.index(min(load))
        return index

    def _pose_load(self) -> list[int]:
        """How many streams each pose pool serves."""
        load = [0] * len(self._pose_pools)
        for i in self._stream_pool.values():
            load[i] += 1
        return load

    def _pose_pool(self, stream_id: str) -> Executor:
        return self._pose_pools[self._pose_index(stream_id)]

    def _replace(self, broken: Executor, builder: Callable[[], Executor] | None) -> Executor | None:
        """A fresh pool for ``broken`` (whose worker died), or None when pools are injected."""
        if builder is None:
            return None
        broken.shutdown(wait=False, cancel_futures=True)
        self.respawns += 1
        spare = self._spares.pop(builder, None)
        log.warning(
            "a worker process died; %s (respawn %d)",
            "the spare takes over" if spare else "starting a new one",
            self.respawns,
        )
        if spare is None:
            return _warmed(builder())
        self._respare_timer = asyncio.get_running_loop().call_later(self.respare_delay_s, self.start_spares)
        return spare

    def _fail_over(self, dead: int) -> None:
        """Move the streams of pose pool ``dead`` to the least busy of the other pools (warm already), so that their
        frames do not wait for the replacement worker to load its model; their tracking starts afresh there."""
        others = [i for i in range(len(self._pose_pools)) if i != dead]
        if not others:
            return
        load = self._pose_load()
        for stream_id, index in self._stream_pool.items():
            if index == dead:
                target = min(others, key=load.__getitem__)
                self._stream_pool[stream_id] = target
                load[target] += 1

    async def _pose_call(self, index: int, fn: Callable[..., Any], *args: Any) -> Any:
        pool = self._pose_pools[index]
        try:
            return await self._call(pool, fn, *args)
        except BrokenProcessPool:
            spare_ready = self._pose_builder in self._spares
            if self._pose_pools[index] is pool and (fresh := self._replace(pool, self._pose_builder)) is not None:
                self._pose_pools[index] = fresh
                if not spare_ready:
                    self._fail_over(index)
            raise

    async def _call(self, executor: Executor, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)

    async def warm_up(self) -> None:
        """Start the worker processes and load their models (call once at app start-up); the spares start loading
        theirs once the workers in use are ready, so that they do not compete with them."""
        await asyncio.gather(*(self._call(pool, tensorflow_loaded_in_worker) for pool in self._pose_pools))
        if self.speech is not None:
            await self._call(self.speech, tensorflow_loaded_in_worker)
        self.start_spares()

    def start_spares(self) -> None:
        """Start (and warm) the standby spare of each kind configured that has none yet."""
        for builder in self._spare_builders:
            if builder not in self._spares:
                self._spares[builder] = _warmed(builder())

    async def estimate_pose(
        self, image_rgb: np.ndarray, t_s: float, stream_id: str
    ) -> tuple[PoseResult, float, LiveBodyUpdate]:
        """Pose of one RGB frame, the worker-side inference time in ms, and the stream's body analysis."""
        result: tuple[PoseResult, float, LiveBodyUpdate] = await self._pose_call(
            self._pose_index(stream_id), pose_worker_estimate, image_rgb, t_s, stream_id
        )
        return result

    async def release_pose_stream(self, stream_id: str) -> None:
        """Forget a session's tracking state in its pose worker."""
        index = self._stream_pool.pop(stream_id, None)
        if index is not None and isinstance(self._pose_pools[index], ProcessPoolExecutor):
            try:
                await self._pose_call(index, pose_worker_release, stream_id)
            except BrokenProcessPool:
                log.warning("pose worker died while releasing stream %s", stream_id)

    async def transcribe(self, utterance: Utterance) -> list[Word]:
        """Words of one utterance from the speech worker."""
        words: list[Word] = await self._speech_call(speech_worker_transcribe, utterance)
        return words

    async def transcribe_batch(self, utterances: list[Utterance]) -> list[list[Word]]:
        """Words of each of several utterances (of different sessions) from one batched speech worker call."""
        words: list[list[Word]] = await self._speech_call(speech_worker_transcribe_batch, utterances)
        return words

    async def _speech_call(self, fn: Callable[..., Any], *args: Any) -> Any:
        pool = self.speech
        assert pool is not None
        try:
            return await self._call(pool, fn, *args)
        except BrokenProcessPool:
            if self.speech is pool:
                self.speech = self._replace(pool, self._speech_builder) or pool
            raise

    async def tensorflow_loaded_in_pose_worker(self) -> bool:
        """Diagnostic for tests: whether any pose worker loaded TensorFlow."""
        loaded = await asyncio.gather(*(self._call(p, tensorflow_loaded_in_worker) for p in self._pose_pools))
        return any(loaded)

    def shutdown(self) -> None:
        """Stop the worker processes (cancelling queued work) and the ASR service's batched calls."""
        if self.asr is not None:
            self.asr.close()
        if self._respare_timer is not None:
            self._respare_timer.cancel()
        for ex in [*self._pose_pools, self.speech, *self._spares.values()]:
            if ex is not None:
                ex.shutdown(wait=True, cancel_futures=True)
