"""Expiry of unfinished uploads (tus ``expiration`` extension): the ``Upload-Expires`` date and a periodic sweep."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from aiohttp import web

from server.keys import DB, SETTINGS
from server.periodic import periodic_ctx
from server.uploads.partial import UploadBusy, partial_files
from storage.models import Upload, utcnow
from storage.uploads import UploadRepository

SWEEP_INTERVAL_S = 3600.0


def expires_at(upload: Upload, expiry_s: float) -> datetime:
    """When an unfinished upload expires (naive database times are UTC)."""
    created = upload.created_at if upload.created_at.tzinfo else upload.created_at.replace(tzinfo=UTC)
    return created + timedelta(seconds=expiry_s)


def is_expired(upload: Upload, expiry_s: float, now: datetime | None = None) -> bool:
    return upload.completed_at is None and expires_at(upload, expiry_s) <= (now or utcnow())


def http_date(moment: datetime) -> str:
    """RFC 9110 date, e.g. ``Wed, 25 Nov 2026 12:00:00 GMT``."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


async def expire_uploads(app: web.Application, now: datetime | None = None) -> int:
    """Delete unfinished uploads past their expiry (row and partial file); return how many went.

    Uploads that a request is writing right now are left for the next sweep.
    """
    cutoff = (now or utcnow()) - timedelta(seconds=app[SETTINGS].upload_expiry_s)
    async with app[DB]() as db:
        stale = await UploadRepository(db).incomplete_before(cutoff)
    partials = partial_files(app)
    removed = 0
    for upload in stale:
        with contextlib.suppress(UploadBusy), partials.exclusive(upload.id):
            await partials.remove(upload.id)
            async with app[DB]() as db:
                await UploadRepository(db).delete(upload)
            removed += 1
    return removed


uploads_ctx = periodic_ctx(expire_uploads, SWEEP_INTERVAL_S, "expiry of unfinished uploads")
"""``cleanup_ctx`` (after the database context): sweep expired uploads at start-up and every hour."""
