"""The Celery application for analysis jobs: Redis broker, late acknowledgement, retries, time limits.

The server only sends ``podium.analysis.run(session_id)`` messages; workers (``podium worker``) read their
database, blob and model locations from their own ``PODIUM_*`` environment, never from the message.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from billiard.exceptions import WorkerLostError
from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from server.analysis.job import JobConfig, TransientJobError, fail_job, note_retry, run_analysis_job
from server.settings import Settings

TASK_NAME = "podium.analysis.run"
log = logging.getLogger(__name__)


def retry_delay_s(base_s: float, retries: int, cap_s: float = 600.0) -> float:
    """Exponential backoff: ``base_s``, ``2·base_s``, ``4·base_s``… capped at ``cap_s``."""
    return float(min(base_s * 2**retries, cap_s))


def celery_config(settings: Settings) -> dict[str, Any]:
    """Celery settings derived from Podium's."""
    visibility = settings.jobs_visibility_timeout_s
    return {
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": settings.jobs_queue,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "task_soft_time_limit": settings.jobs_soft_time_limit_s,
        "task_time_limit": settings.jobs_time_limit_s,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {
            "visibility_timeout": visibility,
            "unacked_restore_interval": max(1.0, min(10.0, visibility / 2)),
            "unacked_restore_throttle": 1,
        },
        "worker_hijack_root_logger": False,
    }


class AnalysisTask(Task):  # type: ignore[misc]
    """Records a job as failed when Celery itself gives up on it (e.g. the hard time limit killed the process).

    A job whose worker process was lost (killed, out of memory) is not failed here: the message goes back to
    the queue (``task_reject_on_worker_lost``) and runs again until ``jobs_max_attempts`` runs are used up.
    """

    podium_config: JobConfig
    podium_settings: Settings

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        if not args or isinstance(exc, WorkerLostError):
            return
        if isinstance(exc, TimeLimitExceeded):
            reason = f"the analysis was stopped after {self.podium_settings.jobs_time_limit_s:.0f} s (time limit)"
        else:
            reason = f"{type(exc).__name__}: {exc}"
        try:
            fail_job(self.podium_config, str(args[0]), reason)
        except Exception:
            log.exception("could not record the failure of analysis task %s", task_id)


def make_celery(settings: Settings) -> Celery:
    """A Celery app with the analysis task registered (the same app sends and executes)."""
    if not settings.redis_url:
        raise ValueError("the celery jobs backend needs PODIUM_REDIS_URL")
    app = Celery("podium", broker=settings.redis_url, set_as_current=False)
    app.conf.update(celery_config(settings))
    config = JobConfig.from_settings(settings)

    @app.task(  # type: ignore[untyped-decorator]
        bind=True,
        name=TASK_NAME,
        base=AnalysisTask,
        max_retries=settings.jobs_max_retries,
        podium_config=config,
        podium_settings=settings,
    )
    def run(task: Task, session_id: str) -> str:
        return execute(task, config, settings, session_id)

    return app


def execute(task: Task, config: JobConfig, settings: Settings, session_id: str) -> str:
    """The task body: run the job; retry transient errors with backoff; fail for good when out of retries."""
    try:
        return run_analysis_job(config, session_id).state.value
    except TransientJobError as exc:
        if isinstance(exc.__cause__, SoftTimeLimitExceeded):
            fail_job(config, session_id, f"the analysis took longer than {settings.jobs_soft_time_limit_s:.0f} s")
            return "failed"
        retries = int(task.request.retries or 0)
        if retries >= settings.jobs_max_retries:
            fail_job(config, session_id, f"{exc} (gave up after {retries + 1} attempts)")
            return "failed"
        note_retry(config, session_id, str(exc))
        raise task.retry(exc=exc, countdown=retry_delay_s(settings.jobs_retry_backoff_s, retries)) from exc


def run_worker(settings: Settings, loglevel: str = "INFO") -> None:
    """Run a Celery worker for analysis jobs in this process (``podium worker``); returns when it stops."""
    app = make_celery(settings)
    app.worker_main(
        [
            "worker",
            f"--concurrency={settings.jobs_workers}",
            f"--queues={settings.jobs_queue}",
            "--pool=prefork",
            f"--loglevel={loglevel}",
            f"--hostname=podium-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
    )
