"""One live ASR service per node: every session's Whisper passes take turns on the speech worker by deadline.

A session's speech pipeline asks for a turn (:meth:`AsrService.turn`), builds its pass *when the turn comes*
(so an interim pass always carries the newest audio, however long it waited) and runs it on the worker; at
most ``slots`` passes run at once (one per speech worker process). The order and the interim cadence come
from :class:`~inference.asr.scheduling.PassScheduler`. Each turn is awaited by the session's own speech task,
and a cancelled waiter gives its place (or its slot) back.

With ``max_batch`` > 1 in the scheduler's config and a ``transcribe_batch`` function, a free slot is granted to
several waiting sessions at once (:meth:`~inference.asr.scheduling.PassScheduler.pick_batch`): each builds its
pass as usual and hands it to the transcribe function its turn yields; once every member has handed its pass in
(or left without one) the passes run as ONE batched call on the worker, in a task the service owns (a member
cancelled meanwhile loses only its own words; :meth:`AsrService.close` cancels what still runs), and the slot is
held until that call returns. A turn granted alone runs exactly as without batching. When batching, a freed slot
is granted one event-loop step later, so that the sessions whose pass just ended, woken first, can ask again and
join the next batch (else with one slot they would alternate with the others: one pass alone, then a batch).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from inference.asr.scheduling import PassScheduler, SchedulerConfig
from inference.speech.types import Utterance, Word

Transcribe = Callable[[Utterance], Awaitable[list[Word]]]
TranscribeBatch = Callable[[list[Utterance]], Awaitable[list[list[Word]]]]


@dataclass(eq=False)
class _Batch:
    """Sessions granted one slot together; their passes run as one call once every member has answered."""

    pending: set[Hashable]
    single: dict[Hashable, Transcribe | None]
    jobs: dict[Hashable, Utterance] = field(default_factory=dict)
    results: dict[Hashable, asyncio.Future[list[Word]]] = field(default_factory=dict)


async def _no_transcribe(utterance: Utterance) -> list[Word]:
    raise RuntimeError("this turn was taken without a transcribe function")


class AsrService:
    """Grants Whisper turns to live sessions; see the module docstring."""

    def __init__(
        self,
        slots: int = 1,
        config: SchedulerConfig | None = None,
        clock: Callable[[], float] = time.monotonic,
        transcribe_batch: TranscribeBatch | None = None,
    ) -> None:
        self.scheduler = PassScheduler(config)
        self._slots = max(1, slots)
        self._busy = 0
        self._waiters: dict[Hashable, asyncio.Future[None]] = {}
        self._clock = clock
        self._transcribe_batch = transcribe_batch
        self._single: dict[Hashable, Transcribe | None] = {}
        self._batches: dict[Hashable, _Batch] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._dispatch_soon = False
        self.batched_calls = 0
        """Batched worker calls run (two passes or more each)."""
        self.batched_passes = 0
        """Passes that ran in them."""

    @property
    def busy(self) -> int:
        """Worker slots taken now (a batch takes one)."""
        return self._busy

    @contextlib.asynccontextmanager
    async def turn(
        self, key: Hashable, final: bool, transcribe: Transcribe | None = None, audio_s: float = 0.0
    ) -> AsyncIterator[Transcribe]:
        """Wait for ``key``'s turn (one waiting turn per key) for a pass of about ``audio_s`` seconds; the body
        runs its pass with the transcribe function yielded (``transcribe`` itself when granted alone, the
        batch's when granted with others; one call per turn) while a worker slot is held."""
        if key in self._waiters:
            raise RuntimeError(f"{key!r} is already waiting for a turn")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[key] = future
        self._single[key] = transcribe
        self.scheduler.request(key, final, self._clock(), audio_s)
        if not self._dispatch_soon:
            self._dispatch()
        try:
            await future
        except asyncio.CancelledError:
            self._waiters.pop(key, None)
            self._single.pop(key, None)
            self.scheduler.cancel(key)
            if future.done() and not future.cancelled():
                self._leave(key)
            raise
        batch = self._batches.get(key)
        if batch is not None:
            try:
                yield functools.partial(self._submit, batch, key)
            finally:
                self._leave(key)
            return
        started = self._clock()
        try:
            yield transcribe or _no_transcribe
        finally:
            self.scheduler.done(key, self._clock() - started, self._clock())
            self._release()

    def promote(self, key: Hashable) -> None:
        """``key``'s waiting interim turn becomes a final one (a finished utterance arrived)."""
        self.scheduler.promote(key)

    def interim_step(self, base_s: float) -> float:
        """The interim step for sessions now (grows with the sessions speaking when adaptive)."""
        return self.scheduler.interim_step(base_s, self._clock())

    def forget(self, key: Hashable) -> None:
        """``key``'s session ended."""
        self.scheduler.forget(key)

    def close(self) -> None:
        """Cancel batched calls still running (their members get no words); the owner calls this at shutdown."""
        for task in list(self._tasks):
            task.cancel()

    def _release(self) -> None:
        self._busy -= 1
        if self._transcribe_batch is None or self.scheduler.config.max_batch < 2:
            self._dispatch()
        elif not self._dispatch_soon:
            self._dispatch_soon = True
            asyncio.get_running_loop().call_soon(self._dispatch_deferred)

    def _dispatch_deferred(self) -> None:
        self._dispatch_soon = False
        self._dispatch()

    def _dispatch(self) -> None:
        while self._busy < self._slots:
            now = self._clock()
            if self._transcribe_batch is not None:
                requests = self.scheduler.pick_batch(now)
            else:
                request = self.scheduler.pick(now)
                requests = [request] if request is not None else []
            if not requests:
                return
            granted = [(r.key, f) for r in requests if (f := self._waiters.pop(r.key, None)) and not f.done()]
            if not granted:
                continue
            self._busy += 1
            if len(granted) > 1:
                batch = _Batch({k for k, _ in granted}, {k: self._single.pop(k, None) for k, _ in granted})
                self._batches.update((k, batch) for k, _ in granted)
            else:
                self._single.pop(granted[0][0], None)
            for _, waiter in granted:
                waiter.set_result(None)

    def _submit(self, batch: _Batch, key: Hashable, utterance: Utterance) -> asyncio.Future[list[Word]]:
        """``key``'s pass joins its batch; the future gets its words once the batch has run."""
        if key not in batch.pending:
            raise RuntimeError(f"{key!r} already handed its pass in this turn")
        batch.pending.discard(key)
        batch.jobs[key] = utterance
        result = batch.results[key] = asyncio.get_running_loop().create_future()
        self._launch_when_complete(batch)
        return result

    def _leave(self, key: Hashable) -> None:
        """``key``'s granted turn ends: alone, its slot is free; in a batch, it gives its place up if it handed no
        pass in (the batch may then be complete)."""
        batch = self._batches.pop(key, None)
        if batch is None:
            self._release()
            return
        if key in batch.pending:
            batch.pending.discard(key)
            self.scheduler.done(key, 0.0, self._clock())
            self._launch_when_complete(batch)

    def _launch_when_complete(self, batch: _Batch) -> None:
        if batch.pending:
            return
        if not batch.jobs:
            self._release()
            return
        task = asyncio.get_running_loop().create_task(self._run(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: _Batch) -> None:
        """One call for the batch's passes (a plain one when only one member handed a pass in); the slot comes
        back when it returns."""
        keys = list(batch.jobs)
        started = self._clock()
        try:
            words = await self._call(batch, keys)
            if len(words) != len(keys):
                raise RuntimeError(f"a batched call returned {len(words)} transcripts for {len(keys)} passes")
        except asyncio.CancelledError:
            _fail(batch, RuntimeError("the batched call was cancelled (the service is closing)"))
            raise
        except Exception as exc:
            _fail(batch, exc)
        else:
            for key, own in zip(keys, words, strict=True):
                if not batch.results[key].done():
                    batch.results[key].set_result(own)
        finally:
            share = (self._clock() - started) / len(keys)
            for key in keys:
                self.scheduler.done(key, share, self._clock())
            self._release()

    async def _call(self, batch: _Batch, keys: list[Hashable]) -> list[list[Word]]:
        if len(keys) == 1:
            return [await (batch.single[keys[0]] or _no_transcribe)(batch.jobs[keys[0]])]
        assert self._transcribe_batch is not None
        words = await self._transcribe_batch([batch.jobs[k] for k in keys])
        self.batched_calls += 1
        self.batched_passes += len(keys)
        return words


def _fail(batch: _Batch, error: BaseException) -> None:
    """Every member still waiting gets ``error`` (a plain error, never a cancellation of its own task)."""
    for result in batch.results.values():
        if not result.done():
            result.set_exception(error)


def asr_service_of(transcribe: Any) -> AsrService | None:
    """The shared service of the :class:`~media.workers.MediaWorkers` whose ``transcribe`` this is (``None`` for
    a plain function, as tests pass, or when the workers schedule no turns)."""
    service = getattr(getattr(transcribe, "__self__", None), "asr", None)
    return service if isinstance(service, AsrService) else None
