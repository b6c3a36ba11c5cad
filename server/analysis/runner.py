"""Job runners (embedded process pool or Celery) and :func:`enqueue_analysis`, the one way to start an analysis."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker

from inference.orphans import exit_with_parent
from server.analysis.job import (
    JobConfig,
    JobResult,
    TransientJobError,
    exhausted_reason,
    fail_job_async,
    run_analysis_job,
)
from server.errors import ApiError, Conflict
from server.keys import DB, SETTINGS
from server.ops_metrics import WORKER_RESTARTS
from server.settings import Settings
from storage.jobs import JobRepository
from storage.models import AnalysisJob
from storage.repositories import RecordingRepository

log = logging.getLogger(__name__)

JobFunction = Callable[[JobConfig, str], JobResult]


class JobRunner(Protocol):
    """Runs analysis jobs somewhere; the job row is already ``queued`` when :meth:`submit` is called."""

    backend: str

    async def submit(self, session_id: str) -> None: ...

    async def close(self) -> None: ...


class LocalJobRunner:
    """A spawn-context process pool inside the server process (no other service needed).

    A job running longer than ``time_limit_s`` is killed (with the pool's processes) and failed. A job whose
    process died (killed, out of memory) runs again in a fresh pool, up to ``config.max_attempts`` runs in all
    (counted in its row, see :func:`~server.analysis.job.run_analysis_job`); a job that raises is failed.
    Re-running a failed job is a ``POST`` away.
    """

    backend = "local"

    def __init__(
        self,
        config: JobConfig,
        db: async_sessionmaker,
        workers: int = 1,
        job: JobFunction = run_analysis_job,
        time_limit_s: float | None = None,
    ) -> None:
        self._config = config
        self._db = db
        self._workers = workers
        self._job = job
        self._time_limit_s = time_limit_s
        self._pool = self._new_pool()
        self._tasks: set[asyncio.Task[None]] = set()
        self._deaths: dict[str, int] = {}

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self._workers, mp_context=multiprocessing.get_context("spawn"), initializer=exit_with_parent
        )

    async def submit(self, session_id: str) -> None:
        pool = self._pool
        future = asyncio.get_running_loop().run_in_executor(pool, self._job, self._config, session_id)
        future.add_done_callback(_consume_exception)
        task = asyncio.create_task(self._watch(session_id, pool, future))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _watch(self, session_id: str, pool: ProcessPoolExecutor, future: asyncio.Future[JobResult]) -> None:
        try:
            result = await asyncio.wait_for(asyncio.shield(future), self._time_limit_s)
            log.info("analysis of session %s: %s", session_id, result.state.value)
            self._deaths.pop(session_id, None)
            return
        except TimeoutError:
            reason = f"the analysis was stopped after {self._time_limit_s:.0f} s (time limit)"
            self._replace_pool(pool, kill=True)
        except TransientJobError as exc:
            reason = str(exc)
        except BrokenProcessPool:
            self._replace_pool(pool)
            deaths = self._deaths[session_id] = self._deaths.get(session_id, 0) + 1
            if deaths < self._config.max_attempts:
                log.warning("the analysis process of session %s died; running it again", session_id)
                await self.submit(session_id)
                return
            reason = exhausted_reason(deaths)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
        self._deaths.pop(session_id, None)
        log.warning("analysis of session %s failed: %s", session_id, reason)
        await fail_job_async(self._db, session_id, reason)

    def _replace_pool(self, pool: ProcessPoolExecutor, kill: bool = False) -> None:
        """Swap a broken (or to be killed) pool for a fresh one, once, however many of its jobs notice."""
        if kill:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
        if pool is self._pool:
            pool.shutdown(wait=False, cancel_futures=False)
            self._pool = self._new_pool()
            WORKER_RESTARTS.labels("analysis").inc()

    async def idle(self) -> None:
        """Wait until every submitted job has finished and its outcome is recorded."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Stop the pool; running jobs are killed and stay ``running`` (resubmitted by :func:`recover_local_jobs`)."""
        processes: dict[Any, Any] = getattr(self._pool, "_processes", None) or {}
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in list(processes.values()):
            process.terminate()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        for process in list(processes.values()):
            await asyncio.to_thread(process.join, 5)


def _consume_exception(future: asyncio.Future[Any]) -> None:
    """Retrieve a job future's exception (a killed job's future may end after its watcher gave up on it)."""
    if not future.cancelled():
        future.exception()


class CeleryJobRunner:
    """Sends jobs to Celery workers (``podium worker``) through the Redis broker."""

    backend = "celery"

    def __init__(self, settings: Settings) -> None:
        from server.analysis.celery_app import TASK_NAME, make_celery

        self._app = make_celery(settings)
        self._task_name = TASK_NAME
        self._queue = settings.jobs_queue

    async def submit(self, session_id: str) -> None:
        await asyncio.to_thread(self._app.send_task, self._task_name, args=[session_id], queue=self._queue)

    async def close(self) -> None:
        await asyncio.to_thread(self._app.close)


JOBS = web.AppKey("jobs", JobRunner)


class NoRecording(Conflict):
    code = "no_recording"


class JobActive(Conflict):
    code = "analysis_running"


class JobsUnavailable(ApiError):
    status, code = 503, "jobs_unavailable"


def make_runner(settings: Settings, db: async_sessionmaker) -> JobRunner:
    """The runner ``settings.jobs_backend`` asks for."""
    if settings.jobs_backend == "celery":
        return CeleryJobRunner(settings)
    return LocalJobRunner(
        JobConfig.from_settings(settings), db, settings.jobs_workers, time_limit_s=settings.jobs_time_limit_s
    )


async def enqueue_analysis(app: web.Application, session_id: str) -> AnalysisJob:
    """Queue (or re-queue) the analysis of a session's recording and hand it to the app's runner.

    Raises :class:`NoRecording` (409) when the session has no recording, :class:`JobActive` (409) while its
    job is queued or running, and :class:`JobsUnavailable` (503) when the backend does not take the job (the
    job is then marked failed).
    """
    runner = app[JOBS]
    async with app[DB]() as db:
        if not await RecordingRepository(db).for_session(session_id):
            raise NoRecording("the session has no recording to analyse")
        job = await JobRepository(db).queue(session_id, runner.backend)
    if job is None:
        raise JobActive("the analysis of this session is already queued or running")
    try:
        await runner.submit(session_id)
    except Exception as exc:
        reason = f"could not queue the analysis: {type(exc).__name__}: {exc}"
        await fail_job_async(app[DB], session_id, reason)
        raise JobsUnavailable(reason) from exc
    return job


async def recover_local_jobs(app: web.Application) -> int:
    """Resubmit jobs an earlier embedded server left queued or running; returns how many."""
    runner = app[JOBS]
    if runner.backend != "local":
        return 0
    async with app[DB]() as db:
        jobs = await JobRepository(db).unfinished("local")
    for job in jobs:
        await runner.submit(job.session_id)
    if jobs:
        log.info("resubmitted %d unfinished analysis jobs", len(jobs))
    return len(jobs)


async def analysis_ctx(app: web.Application) -> AsyncIterator[None]:
    """Own the job runner (after the database context): created at start-up, closed at shutdown."""
    runner = make_runner(app[SETTINGS], app[DB])
    app[JOBS] = runner
    await recover_local_jobs(app)
    try:
        yield
    finally:
        await runner.close()
