"""Analysis jobs and their reports: one job row per session, one report per (session, schema version)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AnalysisJob, AnalysisReport, JobState, utcnow

ACTIVE_STATES = frozenset({JobState.QUEUED, JobState.RUNNING})


class AttemptsExhausted(Exception):
    """The job already ran ``attempts`` times (each run died or was retried); it must not run again."""

    def __init__(self, attempts: int) -> None:
        super().__init__(f"the job already ran {attempts} times")
        self.attempts = attempts


class JobRepository:
    """The life-cycle of :class:`AnalysisJob` rows: queued → running → succeeded | failed (→ queued again)."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def for_session(self, session_id: str) -> AnalysisJob | None:
        query = select(AnalysisJob).where(AnalysisJob.session_id == session_id)
        return await self._db.scalar(query.execution_options(populate_existing=True))

    async def queue(self, session_id: str, backend: str) -> AnalysisJob | None:
        """Create the session's job or reset its finished row to ``queued`` (a fresh run: ``attempts`` back to 0).

        Returns None, changing nothing, when the job is already queued or running (checked atomically).
        """
        values: dict[str, Any] = {
            "state": JobState.QUEUED,
            "backend": backend,
            "progress": 0.0,
            "stage": "queued",
            "error": None,
            "attempts": 0,
            "created_at": utcnow(),
            "started_at": None,
            "finished_at": None,
        }
        result = await self._db.execute(
            update(AnalysisJob)
            .where(AnalysisJob.session_id == session_id, AnalysisJob.state.not_in(ACTIVE_STATES))
            .values(**values)
        )
        await self._db.commit()
        if getattr(result, "rowcount", 0):
            return await self.for_session(session_id)
        if await self.for_session(session_id) is not None:
            return None
        job = AnalysisJob(session_id=session_id, **values)
        self._db.add(job)
        try:
            await self._db.commit()
        except IntegrityError:
            await self._db.rollback()
            return None
        return job

    async def start(self, session_id: str, max_attempts: int | None = None) -> AnalysisJob | None:
        """Mark the job running and count the attempt (atomically); None when the session has no job row.

        Raises :class:`AttemptsExhausted`, changing nothing, when the job already ran ``max_attempts`` times.
        """
        query = update(AnalysisJob).where(AnalysisJob.session_id == session_id)
        if max_attempts is not None:
            query = query.where(AnalysisJob.attempts < max_attempts)
        values = {"state": JobState.RUNNING, "progress": 0.0, "stage": "starting", "error": None}
        result = await self._db.execute(
            query.values(attempts=AnalysisJob.attempts + 1, started_at=utcnow(), finished_at=None, **values)
        )
        await self._db.commit()
        job = await self.for_session(session_id)
        if job is not None and not getattr(result, "rowcount", 0):
            raise AttemptsExhausted(job.attempts)
        return job

    async def set_progress(self, session_id: str, stage: str, progress: float) -> None:
        """Record progress of a running job (a no-op once the job has finished)."""
        await self._db.execute(
            update(AnalysisJob)
            .where(AnalysisJob.session_id == session_id, AnalysisJob.state == JobState.RUNNING)
            .values(stage=stage[:64], progress=min(max(progress, 0.0), 1.0))
        )
        await self._db.commit()

    async def requeue_for_retry(self, session_id: str, error: str) -> None:
        """Back to ``queued`` after a transient error, keeping the error visible until the next attempt."""
        await self._db.execute(
            update(AnalysisJob)
            .where(AnalysisJob.session_id == session_id)
            .values(state=JobState.QUEUED, stage="retrying", error=error)
        )
        await self._db.commit()

    async def finish(self, session_id: str, state: JobState, error: str | None = None) -> None:
        """Mark the job ``succeeded`` (progress 1.0) or ``failed`` with ``error``."""
        values: dict[str, Any] = {"state": state, "error": error, "finished_at": utcnow()}
        if state is JobState.SUCCEEDED:
            values |= {"progress": 1.0, "stage": "done"}
        else:
            values |= {"stage": "failed"}
        await self._db.execute(update(AnalysisJob).where(AnalysisJob.session_id == session_id).values(**values))
        await self._db.commit()

    async def unfinished(self, backend: str) -> Sequence[AnalysisJob]:
        """Jobs of ``backend`` still queued or running (e.g. left behind by a stopped embedded server)."""
        query = select(AnalysisJob).where(AnalysisJob.backend == backend, AnalysisJob.state.in_(ACTIVE_STATES))
        return (await self._db.scalars(query.order_by(AnalysisJob.created_at))).all()


class ReportRepository:
    """Analysis reports, written idempotently: one row per (session, schema version)."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def get(self, session_id: str, schema_version: int) -> AnalysisReport | None:
        return await self._db.scalar(
            select(AnalysisReport).where(
                AnalysisReport.session_id == session_id, AnalysisReport.schema_version == schema_version
            )
        )

    async def for_session(self, session_id: str) -> Sequence[AnalysisReport]:
        query = select(AnalysisReport).where(AnalysisReport.session_id == session_id)
        return (await self._db.scalars(query.order_by(AnalysisReport.schema_version))).all()

    async def upsert(
        self, session_id: str, schema_version: int, report: dict[str, Any], scores: dict[str, Any]
    ) -> AnalysisReport:
        """Insert the report, or replace the existing one for the same (session, schema version)."""
        for _ in range(2):
            row = await self.get(session_id, schema_version)
            if row is None:
                row = AnalysisReport(session_id=session_id, schema_version=schema_version, report=report, scores=scores)
                self._db.add(row)
            else:
                row.report = report
                row.scores = scores
                row.created_at = utcnow()
            try:
                await self._db.commit()
                return row
            except IntegrityError:
                await self._db.rollback()
        raise RuntimeError(f"could not store the report of session {session_id}")
