"""``podium retention run``: one retention pass (what the server's hourly sweep does), for a scheduler to call."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from server.retention import retention_cutoff
from server.settings import Settings
from storage.database import create_engine, session_factory
from storage.deletion import delete_recordings_before
from storage.models import utcnow
from storage.s3_blobs import blob_store_for


async def _apply(settings: Settings, days: float, now: datetime) -> dict[str, Any]:
    cutoff = retention_cutoff(days, now)
    if cutoff is None:
        return {"retention_days": days, "cutoff": None, "deleted_recordings": 0}
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            keys = await delete_recordings_before(db, cutoff)
    finally:
        await engine.dispose()
    store = blob_store_for(settings.blob_url, settings.resolved_blob_dir)
    for key in keys:
        await store.delete(key)
    return {"retention_days": days, "cutoff": cutoff.isoformat(), "deleted_recordings": len(keys)}


def apply_retention(settings: Settings, days: float | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Delete recordings older than ``days`` (default ``PODIUM_RETENTION_DAYS``; 0 keeps all); reports stay."""
    return asyncio.run(_apply(settings, settings.retention_days if days is None else days, now or utcnow()))
