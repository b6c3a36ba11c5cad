"""Retention: recordings older than ``PODIUM_RETENTION_DAYS`` are deleted (row and blob; reports stay),
swept at start-up and every hour. 0 keeps recordings forever."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from aiohttp import web

from server.keys import BLOBS, DB, SETTINGS
from storage.deletion import delete_recordings_before
from storage.models import utcnow

log = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 3600.0


def retention_cutoff(days: float, now: datetime) -> datetime | None:
    """Recordings created before this moment are due for deletion; ``None`` when retention is off."""
    return now - timedelta(days=days) if days > 0 else None


async def expire_recordings(app: web.Application, now: datetime | None = None) -> int:
    """Delete the recordings past retention; return how many went."""
    cutoff = retention_cutoff(app[SETTINGS].retention_days, now or utcnow())
    if cutoff is None:
        return 0
    async with app[DB]() as db:
        keys = await delete_recordings_before(db, cutoff)
    for key in keys:
        await app[BLOBS].delete(key)
    return len(keys)


async def retention_ctx(app: web.Application) -> AsyncIterator[None]:
    """``cleanup_ctx`` (after the database context): own the hourly retention sweep."""
    task = asyncio.create_task(_sweep_forever(app))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _sweep_forever(app: web.Application) -> None:
    while True:
        try:
            removed = await expire_recordings(app)
            if removed:
                log.info("retention: deleted %d recordings older than %s days", removed, app[SETTINGS].retention_days)
        except Exception:
            log.exception("retention sweep failed")
        await asyncio.sleep(SWEEP_INTERVAL_S)
