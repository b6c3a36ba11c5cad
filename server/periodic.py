"""Periodic maintenance sweeps (expired uploads, retention) as ``cleanup_ctx`` factories: one task per sweep,
run at start-up and then every ``interval_s``, cancelled at cleanup; a failing sweep is logged and retried next
time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

Sweep = Callable[[web.Application], Awaitable[int]]
"""Does one round of work and returns how many things it removed."""
CleanupCtx = Callable[[web.Application], AsyncIterator[None]]


def periodic_ctx(sweep: Sweep, interval_s: float, what: str) -> CleanupCtx:
    """A ``cleanup_ctx`` (register it after the database context) owning the task that runs ``sweep``."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_forever(app, sweep, interval_s, what), name=f"sweep {what}")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return ctx


async def _forever(app: web.Application, sweep: Sweep, interval_s: float, what: str) -> None:
    while True:
        try:
            removed = await sweep(app)
            if removed:
                log.info("%s: removed %d", what, removed)
        except Exception:
            log.exception("%s failed", what)
        await asyncio.sleep(interval_s)
