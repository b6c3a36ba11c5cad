"""Helpers for the analysis-job tests: a fast injectable analyser, seeded sessions with recordings, polling."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from media.offline.decode import probe
from media.offline.encode import write_audio
from storage.blobs import LocalBlobStore
from storage.database import create_engine, session_factory
from storage.jobs import JobRepository, ReportRepository
from storage.models import AnalysisJob, AnalysisReport, PracticeSession, Recording, SessionSource, SessionState
from storage.repositories import RecordingRepository, SessionRepository, UserRepository

FAKE_ANALYZER = "tests.jobs_support:fake_analyze"


def fake_analyze(path: Path, models_dir: Path, options: dict[str, Any], progress: Callable[[str, float], None]) -> dict:
    """Probe the file like the real analysis (bad files raise ``MediaFileError``) and return a tiny report.

    Options: ``hold_dir`` — the first run anywhere creates ``<hold_dir>/started`` and then blocks forever (to be
    killed; ``stubborn`` also ignores the soft time limit there); ``explode`` — raise ``RuntimeError`` (a
    transient error); ``soft_limit`` — raise Celery's ``SoftTimeLimitExceeded`` as its soft time limit would.
    """
    info = probe(path)
    if options.get("soft_limit"):
        from celery.exceptions import SoftTimeLimitExceeded

        raise SoftTimeLimitExceeded()
    if options.get("explode"):
        raise RuntimeError("simulated transient failure")
    hold_dir = options.get("hold_dir")
    if hold_dir:
        marker = Path(hold_dir) / "started"
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            _block_forever(ignore_soft_limit=bool(options.get("stubborn")))
    for step in range(5):
        progress("fake", step / 4)
    return {
        "schema_version": 1,
        "duration_s": round(info.duration_s, 3),
        "has_audio": info.has_audio,
        "speech": None,
        "body": None,
        "worker_pid": os.getpid(),
        "warnings": [],
    }


def _block_forever(ignore_soft_limit: bool) -> None:
    """Block like a hung native call; ``ignore_soft_limit`` also swallows Celery's soft time limit."""
    from celery.exceptions import SoftTimeLimitExceeded

    while True:
        try:
            threading.Event().wait()
        except SoftTimeLimitExceeded:
            if not ignore_soft_limit:
                raise


def tone_recording(path: Path, seconds: float = 1.0) -> Path:
    """A short WebM/Opus tone: a valid recording for life-cycle tests."""
    t = np.arange(int(16_000 * seconds)) / 16_000
    return write_audio(path, 0.3 * np.sin(2 * np.pi * 220 * t))


@dataclass(frozen=True)
class Seeded:
    user_id: str
    session_id: str


async def seed_session(
    database_url: str, blob_dir: Path, recording: Path | None, state: SessionState = SessionState.ENDED
) -> Seeded:
    """A user, an upload session in ``state`` and (when given) ``recording`` stored as its blob and row."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            user = await UserRepository(db).create(f"{uuid.uuid4().hex[:10]}@example.com", "not-a-hash")
            sessions = SessionRepository(db)
            session = await sessions.create(user.id, "talk", SessionSource.UPLOAD)
            if state is not SessionState.CREATED:
                await sessions.move(session, state)
            if recording is not None:
                key = f"recordings/{session.id}/{recording.name}"
                info = await LocalBlobStore(blob_dir).put_file(key, recording)
                row = Recording(
                    session_id=session.id, blob_key=key, container="webm", bytes=info.size, sha256=info.sha256
                )
                await RecordingRepository(db).add(row)
            return Seeded(user.id, session.id)
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class Snapshot:
    """The database's view of one session's analysis."""

    session: PracticeSession
    job: AnalysisJob | None
    reports: list[AnalysisReport]


async def snapshot(database_url: str, session_id: str) -> Snapshot:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            session = await SessionRepository(db).get(session_id)
            assert session is not None
            job = await JobRepository(db).for_session(session_id)
            reports = list(await ReportRepository(db).for_session(session_id))
            return Snapshot(session, job, reports)
    finally:
        await engine.dispose()


def wait_for(predicate: Callable[[], bool], timeout_s: float, what: str, interval_s: float = 0.2) -> None:
    """Poll a cross-process condition (a database row, a file) until it holds; fail with ``what`` otherwise."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(interval_s)


def job_state(database_url: str, session_id: str) -> str | None:
    snap = asyncio.run(snapshot(database_url, session_id))
    return snap.job.state.value if snap.job is not None else None
