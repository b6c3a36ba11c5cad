"""Operational gauges read when ``/metrics`` is scraped: analysis jobs (from the database, so jobs run by Celery
workers on other machines count too), the local blob store's free space and the live-session capacity; and the
counter of analysis worker-pool restarts.

The alert rules in ``deploy/prometheus/rules/`` use these names; keep them in step.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy import func, select

from server.keys import BLOBS, DB, SETTINGS
from storage.blobs import LocalBlobStore
from storage.models import AnalysisJob, JobState, utcnow

log = logging.getLogger(__name__)

WORKER_RESTARTS = Counter(
    "podium_worker_restarts_total", "Worker pools replaced after a worker died or was killed", ["pool"]
)
FAILED_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class OpsMetrics:
    """Gauges on the app's registry, refreshed by :func:`refresh` at scrape time."""

    jobs: Gauge
    failed_recent: Gauge
    succeeded_recent: Gauge
    job_seconds: Gauge
    queue_age: Gauge
    blob_free: Gauge
    blob_size: Gauge
    capacity: Gauge

    @classmethod
    def register(cls, registry: CollectorRegistry) -> OpsMetrics:
        return cls(
            jobs=Gauge("podium_analysis_jobs", "Analysis jobs by state", ["state"], registry=registry),
            failed_recent=Gauge(
                "podium_analysis_jobs_failed_last_hour", "Analysis jobs that failed in the last hour", registry=registry
            ),
            succeeded_recent=Gauge(
                "podium_analysis_jobs_succeeded_last_hour",
                "Analysis jobs that succeeded in the last hour (throughput)",
                registry=registry,
            ),
            job_seconds=Gauge(
                "podium_analysis_job_seconds_last_hour",
                "Mean run time (start to finish) of the analysis jobs that succeeded in the last hour",
                registry=registry,
            ),
            queue_age=Gauge(
                "podium_analysis_queue_oldest_seconds",
                "Age of the oldest queued analysis job (0 when none is waiting)",
                registry=registry,
            ),
            blob_free=Gauge(
                "podium_blob_store_free_bytes", "Free bytes on the local blob store's filesystem", registry=registry
            ),
            blob_size=Gauge(
                "podium_blob_store_size_bytes", "Size of the local blob store's filesystem", registry=registry
            ),
            capacity=Gauge(
                "podium_live_sessions_capacity",
                "Live sessions this server is sized for (PODIUM_LIVE_SESSIONS_CAPACITY)",
                registry=registry,
            ),
        )


OPS_METRICS = web.AppKey("ops_metrics", OpsMetrics)


async def refresh(app: web.Application) -> None:
    """Update the gauges; a failing source is logged and leaves its gauges as they were."""
    ops = app[OPS_METRICS]
    ops.capacity.set(app[SETTINGS].live_sessions_capacity)
    try:
        await _refresh_jobs(app, ops)
    except Exception:
        log.warning("could not read analysis job metrics", exc_info=True)
    store = app[BLOBS]
    if isinstance(store, LocalBlobStore):
        usage = await asyncio.to_thread(shutil.disk_usage, store.root)
        ops.blob_free.set(usage.free)
        ops.blob_size.set(usage.total)


async def _refresh_jobs(app: web.Application, ops: OpsMetrics) -> None:
    now = utcnow()
    async with app[DB]() as db:
        counts = dict((await db.execute(select(AnalysisJob.state, func.count()).group_by(AnalysisJob.state))).all())
        oldest = await db.scalar(select(func.min(AnalysisJob.created_at)).where(AnalysisJob.state == JobState.QUEUED))
        failed = await db.scalar(
            select(func.count())
            .select_from(AnalysisJob)
            .where(AnalysisJob.state == JobState.FAILED, AnalysisJob.finished_at >= now - FAILED_WINDOW)
        )
        succeeded = (
            await db.execute(
                select(AnalysisJob.started_at, AnalysisJob.finished_at).where(
                    AnalysisJob.state == JobState.SUCCEEDED, AnalysisJob.finished_at >= now - FAILED_WINDOW
                )
            )
        ).all()
    for state in JobState:
        ops.jobs.labels(state.value).set(counts.get(state, 0))
    ops.failed_recent.set(failed or 0)
    ops.succeeded_recent.set(len(succeeded))
    runs = [(end - start).total_seconds() for start, end in succeeded if start is not None and end is not None]
    ops.job_seconds.set(sum(runs) / len(runs) if runs else 0.0)
    if oldest is not None and oldest.tzinfo is None:  # SQLite returns naive UTC
        oldest = oldest.replace(tzinfo=now.tzinfo)
    ops.queue_age.set(max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0)
