"""A finished upload becomes a practice session: scan it (ClamAV, when configured), probe it, store it as a blob
with its recording row, enqueue analysis.

A file PyAV cannot use, or an infected one, is rejected with a 4xx and removed together with its upload row, so
nothing is left.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path, PurePath

from aiohttp import web

from media.offline.decode import MediaInfo
from media.offline.errors import FileEmpty, MediaFileError, TruncatedMedia
from media.offline.sandbox import MediaCrashed, probe_sandboxed
from server.analysis.runner import enqueue_analysis as enqueue_job
from server.errors import ApiError, UnsupportedMediaType, ValidationFailed
from server.keys import BLOBS, DB, SETTINGS
from server.uploads.protocol import safe_filename
from server.uploads.scanning import UploadInfected, scan_upload
from storage.blobs import BlobInfo
from storage.models import Recording, SessionSource, SessionState, Upload
from storage.repositories import RecordingRepository, SessionRepository
from storage.uploads import UploadRepository

log = logging.getLogger(__name__)

Enqueue = Callable[[web.Application, str], Awaitable[object] | None]
ENQUEUE_ANALYSIS: web.AppKey[Enqueue] = web.AppKey("podium_upload_enqueue")
"""Optional override of what runs after a successful upload; default ``server.analysis.runner.enqueue_analysis``."""

DEFAULT_TITLE = "Uploaded talk"
_TITLE_MAX = 200


def rejection(exc: MediaFileError, path: Path, filename: str) -> ApiError:
    """The API error for a file PyAV rejected: 422 for damaged, empty or reader-crashing media, 415 for anything
    else."""
    message = exc.message.replace(str(path), filename or "upload")
    if isinstance(exc, TruncatedMedia | FileEmpty | MediaCrashed):
        return ValidationFailed(message, code=exc.code)
    return UnsupportedMediaType(message, code=exc.code)


def unsupported_reason(info: MediaInfo) -> str | None:
    """Why a readable file still is not a talk recording (a still image), or ``None`` when it is usable."""
    if not info.has_audio and info.video_packets <= 1:
        return "a still image, not an audio or video recording"
    return None


def over_limit_reason(info: MediaInfo, max_duration_s: float, max_video_pixels: int) -> str | None:
    """Why a recording is beyond what this server accepts (too long, video too large), or ``None``."""
    if info.duration_s > max_duration_s:
        minutes, limit = info.duration_s / 60, max_duration_s / 60
        return f"{minutes:.0f} minutes long; this server accepts talks up to {limit:.0f} minutes"
    pixels = (info.width or 0) * (info.height or 0)
    if pixels > max_video_pixels:
        return f"video is {info.width}×{info.height}; this server accepts up to {max_video_pixels:,} pixels per frame"
    return None


def session_title(metadata: dict[str, str], filename: str) -> str:
    """The ``title`` metadata, else the file name without its suffix, else a default."""
    title = metadata.get("title", "").strip() or PurePath(filename).stem.strip() or DEFAULT_TITLE
    return title[:_TITLE_MAX]


async def finalize_upload(app: web.Application, upload: Upload, path: Path) -> str:
    """Validate the complete file at ``path`` and turn it into an ended upload session; return the session id.

    Raises an :class:`ApiError` (415/422) after removing the file and the upload row when the file is unusable or
    infected; a 503 when the virus scanner gives no verdict, keeping both so the completing PATCH can be retried.
    """
    try:
        await scan_upload(app[SETTINGS], path, upload.filename)
    except UploadInfected:
        await _discard(app, upload, path)
        raise
    try:
        info = await probe_sandboxed(path)
    except MediaFileError as exc:
        await _discard(app, upload, path)
        raise rejection(exc, path, upload.filename) from exc
    reason = unsupported_reason(info)
    if reason is not None:
        await _discard(app, upload, path)
        raise UnsupportedMediaType(f"{upload.filename or 'upload'}: {reason}", code="unsupported_media")
    settings = app[SETTINGS]
    reason = over_limit_reason(info, settings.max_media_duration_s, settings.max_video_pixels)
    if reason is not None:
        await _discard(app, upload, path)
        raise ValidationFailed(f"{upload.filename or 'upload'}: {reason}", code="media_over_limit")
    session_id = await _store(app, upload, path, info)
    await enqueue_analysis(app, session_id)
    return session_id


async def _discard(app: web.Application, upload: Upload, path: Path) -> None:
    await asyncio.to_thread(path.unlink, True)
    async with app[DB]() as db:
        await UploadRepository(db).delete(upload)


async def _store(app: web.Application, upload: Upload, path: Path, info: MediaInfo) -> str:
    async with app[DB]() as db:
        sessions = SessionRepository(db)
        session = await sessions.create(
            upload.owner_id, session_title(upload.upload_metadata, upload.filename), SessionSource.UPLOAD
        )
        blob: BlobInfo | None = None
        try:
            key = f"uploads/{session.id}/{safe_filename(upload.filename, default='recording')}"
            blob = await app[BLOBS].put_file(key, path)
            await sessions.move(session, SessionState.ENDED)
            recording = Recording(
                session_id=session.id,
                blob_key=blob.key,
                container=info.container[:32],
                audio_codec=info.audio_codec if info.has_audio else None,
                video_codec=info.video_codec if info.has_video else None,
                duration_s=info.duration_s,
                bytes=blob.size,
                sha256=blob.sha256,
            )
            await RecordingRepository(db).add(recording)
            await UploadRepository(db).complete(upload, session.id)
        except BaseException:
            await db.rollback()
            if blob is not None:
                await app[BLOBS].delete(blob.key)
            await db.delete(session)
            await db.commit()
            await _discard(app, upload, path)
            raise
    return session.id


async def enqueue_analysis(app: web.Application, session_id: str) -> None:
    """Start the analysis of an uploaded session; failures are logged, the stored upload stays valid."""
    enqueue: Enqueue = app.get(ENQUEUE_ANALYSIS) or enqueue_job
    try:
        result = enqueue(app, session_id)
        if inspect.isawaitable(result):
            await result
    except ApiError as exc:
        log.warning("analysis of uploaded session %s not started: %s", session_id, exc.message)
    except Exception:
        log.exception("could not enqueue analysis of uploaded session %s", session_id)
