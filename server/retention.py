"""Retention: recordings older than ``PODIUM_RETENTION_DAYS`` are deleted (row and blob; reports stay),
swept at start-up and every hour. 0 keeps recordings forever."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp import web

from server.audit_events import RECORDINGS_EXPIRED, audit
from server.keys import BLOBS, DB, SETTINGS
from server.periodic import periodic_ctx
from storage.deletion import delete_recordings_before
from storage.models import utcnow

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
    if keys:
        details = {"recordings": len(keys), "created_before": cutoff.isoformat()}
        await audit(app, None, RECORDINGS_EXPIRED, "recordings", None, details)
    return len(keys)


retention_ctx = periodic_ctx(expire_recordings, SWEEP_INTERVAL_S, "retention of old recordings")
"""``cleanup_ctx`` (after the database context): the hourly retention sweep."""
