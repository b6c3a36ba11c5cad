"""One live ASR service per node: every session's Whisper passes take turns on the speech worker by deadline.

A session's speech pipeline asks for a turn (:meth:`AsrService.turn`), builds its pass *when the turn comes*
(so an interim pass always carries the newest audio, however long it waited) and runs it on the worker; at
most ``slots`` passes run at once (one per speech worker process). The order and the interim cadence come
from :class:`~inference.asr.scheduling.PassScheduler`. The service owns no task: each turn is awaited by the
session's own speech task, and a cancelled waiter gives its place (or its slot) back.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Hashable
from typing import Any

from inference.asr.scheduling import PassScheduler, SchedulerConfig


class AsrService:
    """Grants Whisper turns to live sessions; see the module docstring."""

    def __init__(
        self, slots: int = 1, config: SchedulerConfig | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.scheduler = PassScheduler(config)
        self._slots = max(1, slots)
        self._busy = 0
        self._waiters: dict[Hashable, asyncio.Future[None]] = {}
        self._clock = clock

    @property
    def busy(self) -> int:
        """Passes running now."""
        return self._busy

    @contextlib.asynccontextmanager
    async def turn(self, key: Hashable, final: bool) -> AsyncIterator[None]:
        """Wait for ``key``'s turn (one waiting turn per key), hold a worker slot while the body runs."""
        if key in self._waiters:
            raise RuntimeError(f"{key!r} is already waiting for a turn")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[key] = future
        self.scheduler.request(key, final, self._clock())
        self._dispatch()
        try:
            await future
        except asyncio.CancelledError:
            self._waiters.pop(key, None)
            self.scheduler.cancel(key)
            if future.done() and not future.cancelled():
                self._release()
            raise
        started = self._clock()
        try:
            yield
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

    def _release(self) -> None:
        self._busy -= 1
        self._dispatch()

    def _dispatch(self) -> None:
        while self._busy < self._slots:
            request = self.scheduler.pick(self._clock())
            if request is None:
                return
            future = self._waiters.pop(request.key, None)
            if future is None or future.done():
                continue
            self._busy += 1
            future.set_result(None)


def asr_service_of(transcribe: Any) -> AsrService | None:
    """The shared service of the :class:`~media.workers.MediaWorkers` whose ``transcribe`` this is (``None`` for
    a plain function, as tests pass, or when the workers schedule no turns)."""
    service = getattr(getattr(transcribe, "__self__", None), "asr", None)
    return service if isinstance(service, AsrService) else None
