"""``/api/v1/me/export`` (everything of mine as a zip) and ``DELETE /api/v1/me`` (my account and all it holds)."""

from __future__ import annotations

import asyncio
import os
from typing import BinaryIO

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from server import audit_events
from server.account.export import export_entries, write_zip
from server.api_docs import documented
from server.auth.cookies import clear_session_cookie
from server.auth.guards import current_user, require_user
from server.auth.hashing_pool import verify_in_pool
from server.blob_staging import BlobStaging
from server.errors import Conflict, Unauthorized
from server.keys import BLOBS, DB, SETTINGS
from server.uploads.partial import partial_files
from server.validation import read_json
from storage.deletion import delete_user_rows
from storage.models import PracticeSession, SessionState

routes = web.RouteTableDef()

EXPORT_CHUNK_BYTES = 1 << 20


class DeleteAccount(BaseModel):
    """The account's password, asked again before everything is deleted."""

    password: str = Field(min_length=1, max_length=1024)


@routes.get("/api/v1/me/export")
@documented("Download everything of mine as a zip: account, goals, sessions, reports, notes and recordings")
@require_user()
async def export_account(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    exports = request.app[SETTINGS].data_dir / "exports"
    async with BlobStaging(request.app[BLOBS], exports) as staging:  # S3 recordings are downloaded first
        async with request.app[DB]() as db:
            entries = await export_entries(db, user, staging.path)
        await staging.fetch()
        path = await asyncio.to_thread(write_zip, entries, exports)
    headers = {
        "Content-Type": "application/zip",
        "Content-Disposition": f'attachment; filename="podium-export-{user.id}.zip"',
        "Cache-Control": "no-store",
    }
    await audit_events.audit_request(request, user.id, audit_events.ACCOUNT_EXPORTED, user.id)
    fh = await asyncio.to_thread(path.open, "rb")
    await asyncio.to_thread(path.unlink)  # the open handle keeps the data; nothing stays on disk whatever happens
    return await _send_file(request, fh, headers)


async def _send_file(request: web.Request, fh: BinaryIO, headers: dict[str, str]) -> web.StreamResponse:
    """Stream the open file ``fh`` in chunks read off the event loop, then close it."""
    try:
        response = web.StreamResponse(headers=headers)
        response.content_length = os.fstat(fh.fileno()).st_size
        await response.prepare(request)
        while chunk := await asyncio.to_thread(fh.read, EXPORT_CHUNK_BYTES):
            await response.write(chunk)
        await response.write_eof()
    finally:
        fh.close()
    return response


@routes.delete("/api/v1/me")
@documented(
    "Delete my account with every session, recording, report, goal, upload and note (password required; "
    "409 while a session is live)",
    request=DeleteAccount,
    status=204,
)
@require_user()
async def delete_account(request: web.Request) -> web.Response:
    user = current_user(request)
    body = await read_json(request, DeleteAccount, request.app[SETTINGS].max_json_bytes)
    if not await verify_in_pool(request.app, user.password_hash, body.password):
        raise Unauthorized("wrong password")
    async with request.app[DB]() as db:
        live = await db.scalar(
            select(PracticeSession.id).where(
                PracticeSession.owner_id == user.id, PracticeSession.state == SessionState.LIVE
            )
        )
        if live is not None:
            raise Conflict("a session is live: end it before deleting the account", code="session_live")
        blob_keys, upload_ids = await delete_user_rows(db, user.id)
    for key in blob_keys:
        await request.app[BLOBS].delete(key)
    partials = partial_files(request.app)
    for upload_id in upload_ids:
        await partials.remove(upload_id)
    details = {"recordings": len(blob_keys), "uploads": len(upload_ids)}
    await audit_events.audit_request(request, None, audit_events.ACCOUNT_DELETED, user.id, details)
    response = web.Response(status=204)
    clear_session_cookie(response, request)
    return response
