"""Uploads per user: at most ``PODIUM_UPLOADS_PER_USER_OPEN`` unfinished at once and
``PODIUM_UPLOADS_PER_USER_PER_DAY`` started per 24 hours (counted whatever became of them); 429 naming the limit."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from server.auth.ratelimit import LIMITER
from server.errors import ApiError, TooManyRequests
from server.keys import DB, SETTINGS
from storage.models import utcnow
from storage.uploads import UploadRepository

DAY_S = 24 * 3600.0


class TooManyOpenUploads(ApiError):
    status, code = 429, "too_many_uploads"


class UploadQuotaExceeded(TooManyRequests):
    code = "upload_quota_exceeded"


def _day_key(user_id: str) -> str:
    return f"uploads:user:{user_id}"


async def check_upload_quota(request: web.Request, user_id: str) -> None:
    """Refuse (429) a new upload over either limit; otherwise count it against the daily one."""
    settings = request.app[SETTINGS]
    created_after = utcnow() - timedelta(seconds=settings.upload_expiry_s)
    async with request.app[DB]() as db:
        open_now = await UploadRepository(db).count_open(user_id, created_after)
    if open_now >= settings.uploads_per_user_open:
        raise TooManyOpenUploads(
            f"you have {open_now} unfinished uploads, the most allowed at once ({settings.uploads_per_user_open}); "
            "finish or delete one first"
        )
    limit = settings.uploads_per_user_per_day
    wait_s = await request.app[LIMITER].retry_after(_day_key(user_id), limit, DAY_S)
    if wait_s > 0:
        hours = wait_s / 3600
        raise UploadQuotaExceeded(f"daily upload limit of {limit} reached; try again in {hours:.1f} h", wait_s)
    await request.app[LIMITER].record(_day_key(user_id), DAY_S)
