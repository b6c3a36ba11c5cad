"""``podium jobs reanalyze-outdated``: re-run the analysis of sessions whose report came from older models.

A session is outdated when its newest report names a model (filler CNN, body classifier, Whisper, pose) whose
weights differ from what ``podium models`` prepared now (see :func:`~server.batch.outdated.outdated_models`),
e.g. after installing a new registered version. Each outdated session with a recording gets its job queued
again (a session whose job is queued or running is skipped) and then run: by the Celery workers with
``PODIUM_JOBS_BACKEND=celery``, else here, one after the other, in this process.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inference.report.model import ModelInfo
from media.offline.model_choice import expected_models
from server.analysis.job import JobConfig, run_analysis_job
from server.batch.outdated import outdated_models
from server.settings import Settings
from storage.database import create_engine, session_factory
from storage.jobs import JobRepository
from storage.models import AnalysisReport, PracticeSession, Recording, SessionState


@dataclass(frozen=True)
class Outdated:
    session_id: str
    models: list[str]


def current_models(settings: Settings) -> dict[str, ModelInfo]:
    """The models a new analysis would record, per the settings' models directory and analysis options."""
    options = settings.analysis_options
    whisper_dir = Path(options["whisper_dir"]) if options.get("whisper_dir") else None
    return expected_models(settings.models_dir, str(options.get("pose_variant", "full")), whisper_dir)


async def find_outdated(db: AsyncSession, current: dict[str, ModelInfo], limit: int | None) -> list[Outdated]:
    """Sessions (not live, with a recording) whose newest report was made by models other than ``current``."""
    with_recording = select(Recording.session_id)
    query = (
        select(AnalysisReport.session_id, AnalysisReport.schema_version, AnalysisReport.report)
        .join(PracticeSession, PracticeSession.id == AnalysisReport.session_id)
        .where(PracticeSession.state != SessionState.LIVE, AnalysisReport.session_id.in_(with_recording))
        .order_by(AnalysisReport.session_id, AnalysisReport.schema_version)
    )
    newest: dict[str, dict[str, Any]] = {}
    for session_id, _version, report in await db.execute(query):
        newest[session_id] = report  # ordered by schema version: the last one wins
    found = []
    for session_id, report in newest.items():
        names = outdated_models(report.get("models") or [], current)
        if names:
            found.append(Outdated(session_id, names))
    return found[:limit] if limit is not None else found


async def _queue(settings: Settings, limit: int | None, dry_run: bool) -> tuple[list[Outdated], list[str]]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            outdated = await find_outdated(db, current_models(settings), limit)
            if dry_run:
                return outdated, []
            jobs = JobRepository(db)
            queued = [o.session_id for o in outdated if await jobs.queue(o.session_id, settings.jobs_backend)]
        return outdated, queued
    finally:
        await engine.dispose()


def _run_here(config: JobConfig, session_ids: list[str]) -> dict[str, str]:
    return {session_id: run_analysis_job(config, session_id).state.value for session_id in session_ids}


def _send_to_celery(settings: Settings, session_ids: list[str]) -> dict[str, str]:
    from server.analysis.celery_app import TASK_NAME, make_celery

    app = make_celery(settings)
    try:
        for session_id in session_ids:
            app.send_task(TASK_NAME, args=[session_id], queue=settings.jobs_queue)
    finally:
        app.close()
    return dict.fromkeys(session_ids, "queued")


def reanalyze_outdated(settings: Settings, limit: int | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Find, queue and run (or hand to Celery) the outdated sessions; the JSON summary ``podium`` prints."""
    outdated, queued = asyncio.run(_queue(settings, limit, dry_run))
    if settings.jobs_backend == "celery":
        results = _send_to_celery(settings, queued)
    else:
        results = _run_here(JobConfig.from_settings(settings), queued)
    return {
        "outdated": [{"session_id": o.session_id, "models": o.models} for o in outdated],
        "skipped_active": sorted({o.session_id for o in outdated} - set(queued)) if not dry_run else [],
        "results": results,
        "dry_run": dry_run,
    }
