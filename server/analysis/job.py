"""The analysis job, executed in a worker process (local pool or Celery) — never in the server process.

:func:`run_analysis_job` loads the session and its recording, marks the job running and the session
``analyzing``, runs the analyser in the calling (main) thread with a throttled progress callback that writes
``progress``/``stage`` to the database, completes the report with scores and stores it idempotently (upsert
on (session, schema version)), then marks the job ``succeeded`` and the session ``analyzed``.

Unreadable input (:class:`~media.offline.errors.MediaFileError`, a missing recording) and unprepared models
fail the job and the session for good with a readable reason. Anything else raises :class:`TransientJobError`
and leaves the decision (retry or give up, see :func:`fail_job`) to the backend.

Database work runs on an event loop in a helper thread (the async engine works for SQLite and PostgreSQL
alike) so that the analysis keeps the main thread, where Celery's soft time limit is delivered.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from inference.report.model import Report
from inference.report.upgrade import dump_report, load_report
from server.settings import Settings
from storage.blobs import BlobNotFound, InvalidBlobKey, LocalBlobStore
from storage.database import create_engine, session_factory
from storage.jobs import AttemptsExhausted, JobRepository, ReportRepository
from storage.models import JobState, PracticeSession, SessionState
from storage.repositories import RecordingRepository, SessionRepository
from storage.s3_blobs import blob_store_for
from storage.session_states import ALLOWED_TRANSITIONS

DEFAULT_ANALYZER = "server.analysis.job:analyze_recording"

ProgressCallback = Callable[[str, float], None]
Analyzer = Callable[[Path, Path, dict[str, Any], ProgressCallback], Report | Mapping[str, Any]]
"""``analyzer(recording_path, models_dir, options, progress) -> report``: a :class:`Report` or a report dict
of any stored ``schema_version`` (read with :func:`~inference.report.upgrade.load_report`)."""

T = TypeVar("T")
log = logging.getLogger(__name__)


class TransientJobError(Exception):
    """The job failed for a reason that may go away on a retry (database hiccup, worker trouble, a bug)."""


class PermanentJobError(Exception):
    """The job cannot succeed as is (bad input, models not prepared): fail without retrying."""


@dataclass(frozen=True)
class JobConfig:
    """Everything a worker process needs to run jobs; picklable (it crosses the process-pool boundary)."""

    database_url: str
    blob_dir: Path
    models_dir: Path
    analyzer: str = DEFAULT_ANALYZER
    options: Mapping[str, Any] = field(default_factory=dict)
    backend: str = "local"
    blob_url: str | None = None
    progress_interval_s: float = 0.5
    max_attempts: int = 4

    @classmethod
    def from_settings(cls, settings: Settings) -> JobConfig:
        return cls(
            database_url=settings.resolved_database_url,
            blob_dir=settings.resolved_blob_dir,
            blob_url=settings.blob_url,
            models_dir=settings.models_dir,
            analyzer=settings.jobs_analyzer,
            options=dict(settings.analysis_options),
            backend=settings.jobs_backend,
            max_attempts=settings.jobs_max_attempts,
        )


@dataclass(frozen=True)
class JobResult:
    """How one run of a job ended."""

    session_id: str
    state: JobState
    error: str | None = None


def analyze_recording(path: Path, models_dir: Path, options: dict[str, Any], progress: ProgressCallback) -> Report:
    """The default analyser: :func:`media.offline.analyze.analyze_report` with this process's cached models."""
    from media.offline.analyze import AnalysisOptions, analyze_report, worker_models

    parsed = AnalysisOptions(**options)
    return analyze_report(path, models_dir, parsed, progress, models=worker_models(models_dir, parsed))


def score_report(analysis: Report | Mapping[str, Any]) -> tuple[Report, dict[str, Any]]:
    """The typed report with scores and recommendations, and the scores (JSON form); when scoring fails, the
    analysis without scores and a warning saying why."""
    from inference.scoring.pipeline import complete_report

    report = load_report(analysis)
    try:
        return complete_report(report)
    except Exception as exc:
        log.exception("scoring failed; storing the analysis without scores")
        warning = f"scoring failed: {type(exc).__name__}: {exc}"
        return report.model_copy(update={"warnings": [*report.warnings, warning]}), {}


def load_analyzer(spec: str) -> Analyzer:
    """Resolve ``"package.module:function"``."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ValueError(f"analyzer must look like 'package.module:function', got {spec!r}")
    analyzer: Analyzer = getattr(importlib.import_module(module_name), attr)
    return analyzer


class ProgressThrottle:
    """Decides which progress updates are worth a database write: stage changes, the end, or every ``interval_s``."""

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval_s = interval_s
        self._clock = clock
        self._last_stage: str | None = None
        self._last_at = float("-inf")

    def should_send(self, stage: str, fraction: float) -> bool:
        now = self._clock()
        if stage != self._last_stage or fraction >= 1.0 or now - self._last_at >= self._interval_s:
            self._last_stage = stage
            self._last_at = now
            return True
        return False


class DatabaseThread:
    """An event loop in a daemon thread owning an async engine; :meth:`call` runs a coroutine there."""

    def __init__(self, database_url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="podium-job-db", daemon=True)
        self._thread.start()
        self.engine: AsyncEngine = self.call(self._create(database_url))
        self.factory: async_sessionmaker = session_factory(self.engine)
        self._lock = self.call(self._make_lock())

    @staticmethod
    async def _create(database_url: str) -> AsyncEngine:
        return create_engine(database_url)

    @staticmethod
    async def _make_lock() -> asyncio.Lock:
        return asyncio.Lock()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(self._serialised(coro), self._loop)

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    async def _serialised(self, coro: Coroutine[Any, Any, T]) -> T:
        async with self._lock:
            return await coro

    def close(self) -> None:
        try:
            self.call(self.engine.dispose())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class _ProgressWriter:
    """The analyser's progress callback: throttled, ordered, best-effort writes (failures are only logged)."""

    def __init__(self, db: DatabaseThread, session_id: str, interval_s: float) -> None:
        self._db = db
        self._session_id = session_id
        self._throttle = ProgressThrottle(interval_s)
        self._pending: list[Future[None]] = []

    def __call__(self, stage: str, fraction: float) -> None:
        if self._throttle.should_send(stage, fraction):
            self._pending = [f for f in self._pending if not f.done()]
            self._pending.append(self._db.submit(self._write(stage, fraction)))

    async def _write(self, stage: str, fraction: float) -> None:
        try:
            async with self._db.factory() as db:
                await JobRepository(db).set_progress(self._session_id, stage, fraction)
        except Exception:
            log.warning("could not record progress of session %s", self._session_id, exc_info=True)

    def flush(self) -> None:
        for pending in self._pending:
            pending.result()
        self._pending.clear()


async def _move_session(db_session: Any, session: PracticeSession, target: SessionState, reason: str | None) -> None:
    repo = SessionRepository(db_session)
    if session.state is target:
        return
    if session.state is SessionState.CREATED and target is SessionState.ANALYZING:
        await repo.move(session, SessionState.ENDED)
    if target in ALLOWED_TRANSITIONS[session.state]:
        await repo.move(session, target, reason)
    else:
        log.warning("session %s is %s; not moving it to %s", session.id, session.state.value, target.value)


def exhausted_reason(attempts: int) -> str:
    """The readable failure of a job that ran out of attempts."""
    return (
        f"the analysis was stopped after {attempts} attempts: each run died (its worker was killed, e.g. out of "
        "memory) or failed"
    )


async def _start(factory: async_sessionmaker, scratch: Path, session_id: str, config: JobConfig) -> Path:
    async with factory() as db:
        session = await SessionRepository(db).get(session_id)
        if session is None:
            raise PermanentJobError("the session no longer exists")
        jobs = JobRepository(db)
        if await jobs.for_session(session_id) is None:
            await jobs.queue(session_id, config.backend)
        try:
            await jobs.start(session_id, config.max_attempts)
        except AttemptsExhausted as exc:
            raise PermanentJobError(exhausted_reason(exc.attempts)) from exc
        if session.state in (SessionState.LIVE,):
            raise PermanentJobError("the session is still live")
        await _move_session(db, session, SessionState.ANALYZING, None)
        recordings = await RecordingRepository(db).for_session(session_id)
    if not recordings:
        raise PermanentJobError("the session has no recording")
    latest = max(recordings, key=lambda r: r.created_at)
    return await fetch_recording(config, latest.blob_key, scratch)


async def fetch_recording(config: JobConfig, key: str, scratch: Path) -> Path:
    """The recording as a local file: the local store's own file, or a download from S3 into ``scratch``
    (workers on other machines share no disk with the server)."""
    try:
        store = blob_store_for(config.blob_url, config.blob_dir)
        if isinstance(store, LocalBlobStore):
            path = store.local_path(key)
            if not path.is_file():
                raise BlobNotFound(key)
            return path
        dest = scratch / PurePosixPath(key).name
        await store.download(key, dest)
    except InvalidBlobKey as exc:
        raise PermanentJobError(f"the recording's storage key is invalid: {exc}") from exc
    except BlobNotFound as exc:
        raise PermanentJobError("the recording file is missing from storage") from exc
    return dest


async def _store(factory: async_sessionmaker, session_id: str, report: Report, scores: dict[str, Any]) -> None:
    async with factory() as db:
        await ReportRepository(db).upsert(session_id, report.schema_version, dump_report(report), scores)
        await JobRepository(db).finish(session_id, JobState.SUCCEEDED)
        session = await SessionRepository(db).get(session_id)
        if session is not None:
            await _move_session(db, session, SessionState.ANALYZED, None)


async def fail_job_async(factory: async_sessionmaker, session_id: str, reason: str) -> None:
    """Mark the job ``failed`` and the session ``failed`` with ``reason`` (the final outcome, no retry)."""
    async with factory() as db:
        await JobRepository(db).finish(session_id, JobState.FAILED, reason)
        session = await SessionRepository(db).get(session_id)
        if session is not None and session.state is not SessionState.FAILED:
            await _move_session(db, session, SessionState.FAILED, reason)


async def note_retry_async(factory: async_sessionmaker, session_id: str, error: str) -> None:
    """Put the job back to ``queued`` with the error that will be retried."""
    async with factory() as db:
        await JobRepository(db).requeue_for_retry(session_id, error)


def fail_job(config: JobConfig, session_id: str, reason: str) -> None:
    """Synchronous :func:`fail_job_async` for worker processes."""
    with DatabaseThread(config.database_url) as db:
        db.call(fail_job_async(db.factory, session_id, reason))


def note_retry(config: JobConfig, session_id: str, error: str) -> None:
    """Synchronous :func:`note_retry_async` for worker processes."""
    with DatabaseThread(config.database_url) as db:
        db.call(note_retry_async(db.factory, session_id, error))


def _permanent_reason(exc: BaseException) -> str | None:
    from media.offline.errors import MediaFileError, ModelsMissing

    if isinstance(exc, PermanentJobError):
        return str(exc)
    if isinstance(exc, MediaFileError):
        return f"the recording cannot be analysed ({exc.code}): {exc.message}"
    if isinstance(exc, ModelsMissing):
        return f"analysis models are not prepared (run `podium models`): {exc}"
    return None


def run_analysis_job(config: JobConfig, session_id: str) -> JobResult:
    """Run one analysis job to its end. Returns the outcome; raises :class:`TransientJobError` to ask for a retry."""
    with DatabaseThread(config.database_url) as db, tempfile.TemporaryDirectory(prefix="podium-job-") as scratch:
        try:
            path = db.call(_start(db.factory, Path(scratch), session_id, config))
            analyzer = load_analyzer(config.analyzer)
            progress = _ProgressWriter(db, session_id, config.progress_interval_s)
            try:
                analysis = analyzer(path, config.models_dir, dict(config.options), progress)
            finally:
                progress.flush()
            report, scores = score_report(analysis)
            db.call(_store(db.factory, session_id, report, scores))
        except Exception as exc:
            reason = _permanent_reason(exc)
            if reason is None:
                log.exception("analysis of session %s failed", session_id)
                raise TransientJobError(f"{type(exc).__name__}: {exc}") from exc
            log.warning("analysis of session %s failed: %s", session_id, reason)
            db.call(fail_job_async(db.factory, session_id, reason))
            return JobResult(session_id, JobState.FAILED, reason)
    return JobResult(session_id, JobState.SUCCEEDED)
