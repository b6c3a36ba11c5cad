"""Start-up recovery of live sessions whose server died (SIGKILL, out of memory, power loss).

While a session is live, its server keeps a small marker file next to the recording
(``<recordings>/.<id>.live``: host, pid and the process's start time). At start-up every session the
database still holds ``live`` whose marker names a process that no longer runs — or that has no marker but
left a recording here, or any such session of an embedded (SQLite without Redis, single-server) deployment — is ended as
``interrupted``: its partial recording is remuxed into a playable Matroska file (packets copied), stored in the
blob store with its ``recordings`` row, and its analysis is queued. The state change and the recording row
are one transaction with a compare-and-set on ``state = 'live'``, so two servers or two restarts never
recover the same session twice. Sessions whose marker names a running process, or (with a shared database)
that left nothing on this host, belong to another server and are left alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from aiohttp import web
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from media.recorder import RecordingResult, partial_path
from media.remux import remux_partial
from server.analysis.runner import enqueue_analysis
from server.errors import ApiError
from server.keys import BLOBS, DB, SETTINGS
from storage.blobs import BlobStore
from storage.live_recovery import LiveRecoveryRepository
from storage.models import Recording

log = logging.getLogger(__name__)

RECOVERY = web.AppKey("recovery", asyncio.Task)


@dataclass(frozen=True)
class LiveMarker:
    """The server process hosting a live session."""

    host: str
    pid: int
    started: str


def recordings_dir(data_dir: Path) -> Path:
    """Where live sessions record (the media plane's ``recordings_dir``)."""
    return data_dir / "recordings"


def _process_start(pid: int) -> str | None:
    """A token that tells a process from a later one with the same pid (Linux start time), None if not running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def this_process() -> LiveMarker:
    """The marker of the calling process."""
    return LiveMarker(socket.gethostname(), os.getpid(), _process_start(os.getpid()) or "")


def marker_path(directory: Path, session_id: str) -> Path:
    return directory / f".{session_id}.live"


def write_marker(directory: Path, session_id: str) -> None:
    """Record that this process hosts ``session_id`` (blocking: small file write)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = marker_path(directory, session_id)
    tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(asdict(this_process())))
    tmp.replace(path)


def remove_marker(directory: Path, session_id: str) -> None:
    marker_path(directory, session_id).unlink(missing_ok=True)


def read_marker(directory: Path, session_id: str) -> LiveMarker | None:
    try:
        data = json.loads(marker_path(directory, session_id).read_text())
        return LiveMarker(str(data["host"]), int(data["pid"]), str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def marker_process_alive(marker: LiveMarker) -> bool:
    """Whether the marked process still runs (another host's process is assumed to)."""
    if marker.host != socket.gethostname():
        return True
    started = _process_start(marker.pid)
    if started is None:
        return False
    return not marker.started or not started or started == marker.started


def should_recover(directory: Path, session_id: str, embedded: bool) -> bool:
    """Whether this server should end ``session_id``, which the database still holds ``live``."""
    marker = read_marker(directory, session_id)
    if marker is not None:
        return not marker_process_alive(marker)
    final = directory / f"{session_id}.mkv"
    return embedded or partial_path(final).exists() or final.exists()


def _source(directory: Path, session_id: str) -> Path | None:
    """The recording a dead server left: finalized but not yet stored, or still partial."""
    final = directory / f"{session_id}.mkv"
    for path in (final, partial_path(final)):
        if path.is_file() and path.stat().st_size > 0:
            return path
    return None


@dataclass(frozen=True)
class Recovered:
    """A session this server ended as ``interrupted``, with the recording it stored (None if there was none)."""

    session_id: str
    recording: RecordingResult | None


async def recover_session(
    factory: async_sessionmaker, blobs: BlobStore, directory: Path, session_id: str
) -> Recovered | None:
    """End one session as ``interrupted`` with its recovered recording; None when it was not live any more
    (someone else recovered or ended it)."""
    source = _source(directory, session_id)
    tmp = directory / f".{session_id}.recovered-{uuid.uuid4().hex}.mkv"
    recording = await asyncio.to_thread(remux_partial, source, tmp) if source is not None else None
    try:
        async with factory() as db:
            if not await LiveRecoveryRepository(db).interrupt(session_id):
                await db.rollback()
                return None
            if recording is not None:
                key = f"recordings/{session_id}/{session_id}.mkv"
                info = await blobs.put_file(key, tmp, sha256=recording.sha256)
                db.add(
                    Recording(
                        session_id=session_id,
                        blob_key=key,
                        container="matroska",
                        audio_codec=recording.codecs.get("audio"),
                        video_codec=recording.codecs.get("video"),
                        duration_s=recording.duration_s,
                        bytes=info.size,
                        sha256=info.sha256,
                    )
                )
            await db.commit()
    finally:
        tmp.unlink(missing_ok=True)
    final = directory / f"{session_id}.mkv"
    for path in (final, partial_path(final), marker_path(directory, session_id)):
        path.unlink(missing_ok=True)
    return Recovered(session_id, recording)


async def recover_interrupted_sessions(app: web.Application) -> list[str]:
    """Recover every live session a dead server left behind and queue their analyses; returns their ids."""
    settings = app[SETTINGS]
    directory = recordings_dir(settings.data_dir)
    # One SQLite file without Redis is a single server; with Redis, nodes share it (their sweep ends the rest).
    embedded = make_url(settings.resolved_database_url).get_backend_name() == "sqlite" and settings.redis_url is None
    async with app[DB]() as db:
        candidates = await LiveRecoveryRepository(db).live_session_ids()
    recovered: list[str] = []
    for session_id in candidates:
        if not should_recover(directory, session_id, embedded):
            continue
        try:
            outcome = await recover_session(app[DB], app[BLOBS], directory, session_id)
        except Exception:
            log.exception("could not recover interrupted session %s", session_id)
            continue
        if outcome is None:
            continue
        log.warning("session %s was live when its server died: interrupted (%s)", session_id, _described(outcome))
        recovered.append(session_id)
    async with app[DB]() as db:
        to_analyse = await LiveRecoveryRepository(db).interrupted_without_analysis()
    for session_id in to_analyse:
        with contextlib.suppress(ApiError):
            await enqueue_analysis(app, session_id)
    return recovered


def _described(outcome: Recovered) -> str:
    if outcome.recording is None:
        return "no recording"
    return f"recording of {outcome.recording.duration_s:.1f} s recovered"


def start_recovery(app: web.Application) -> asyncio.Task[list[str]]:
    """Start the recovery in the background (the server serves meanwhile); the app's live context owns it."""
    task = asyncio.create_task(recover_interrupted_sessions(app), name="live-session-recovery")
    app[RECOVERY] = task
    return task


async def stop_recovery(task: asyncio.Task[list[str]]) -> None:
    """Cancel the recovery if it still runs (shutdown); a cancelled session stays ``live`` for the next start."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
