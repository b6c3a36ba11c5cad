"""Response bodies of the analysis API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from storage.models import AnalysisJob, JobState


class AnalysisJobOut(BaseModel):
    session_id: str
    state: JobState
    backend: str
    progress: float
    stage: str
    attempts: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def job_out(job: AnalysisJob) -> AnalysisJobOut:
    return AnalysisJobOut(
        session_id=job.session_id,
        state=job.state,
        backend=job.backend,
        progress=job.progress,
        stage=job.stage,
        attempts=job.attempts,
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )
