"""A Podium database and blob store prepared for the batch commands (re-analysis, retention, metrics export).

Used by tests/test_airflow_cli.py in-process and, through ``python -m tests.batch_support DATABASE_URL BLOB_DIR
MODELS_DIR``, by the Airflow DAG test (tests/airflow/), which runs in its own virtual environment and so
prepares the data with the product's interpreter. Prints the seeded ids as JSON.

The scenario, relative to ``now``: session ``outdated`` (this week) has a report whose filler CNN hash is not the
prepared one; ``current`` (last week) has a report made by the prepared models; ``aged`` (its recording 400
days old) has a current report too. ``current_models_analyze`` is the analyser the re-analysis runs: a small
report recording the models prepared now, as the real analysis would.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from inference.report.model import Report
from inference.report.upgrade import dump_report
from media.offline.model_choice import expected_models
from storage.blobs import LocalBlobStore
from storage.database import create_engine, session_factory
from storage.jobs import ReportRepository
from storage.migrate import upgrade
from storage.models import PracticeSession, Recording, SessionSource, SessionState, utcnow
from storage.repositories import RecordingRepository, SessionRepository, UserRepository
from tests.jobs_support import tone_recording

ANALYZER = "tests.batch_support:current_models_analyze"
STALE_SHA = "0" * 64


def current_models_analyze(
    path: Path, models_dir: Path, options: dict[str, Any], progress: Callable[[str, float], None]
) -> dict[str, Any]:
    """A report of the recording's length that names the models prepared in ``models_dir`` now."""
    from media.offline.decode import probe

    info = probe(path)
    progress("fake", 1.0)
    models = list(expected_models(models_dir).values())
    return dump_report(Report(duration_s=round(info.duration_s, 3), has_audio=info.has_audio, models=models))


@dataclass(frozen=True)
class BatchScenario:
    outdated: str
    current: str
    aged: str
    aged_blob: str


def _report(models_dir: Path, stale: bool) -> dict[str, Any]:
    models = [m.model_copy(update={"sha256": STALE_SHA}) if stale else m for m in expected_models(models_dir).values()]
    return dump_report(Report(duration_s=1.0, has_audio=True, models=models))


async def _session(
    db: Any, owner: str, blob_dir: Path, created: datetime, report: dict[str, Any], score: float
) -> tuple[str, str]:
    recording = tone_recording(blob_dir.parent / f"tone-{uuid.uuid4().hex[:8]}.webm")  # the store moves it in
    sessions = SessionRepository(db)
    session = await sessions.create(owner, "talk", SessionSource.UPLOAD)
    await sessions.move(session, SessionState.ENDED)
    await sessions.move(session, SessionState.ANALYZING)
    await sessions.move(session, SessionState.ANALYZED)
    await db.execute(update(PracticeSession).where(PracticeSession.id == session.id).values(created_at=created))
    key = f"recordings/{session.id}/{recording.name}"
    info = await LocalBlobStore(blob_dir).put_file(key, recording)
    row = Recording(
        session_id=session.id,
        blob_key=key,
        container="webm",
        bytes=info.size,
        sha256=info.sha256,
        duration_s=60.0,
        created_at=created,
    )
    await RecordingRepository(db).add(row)
    await ReportRepository(db).upsert(session.id, 2, report, {"overall": score})
    await db.commit()
    return session.id, key


async def seed_batch(database_url: str, blob_dir: Path, models_dir: Path, now: datetime | None = None) -> BatchScenario:
    now = now or utcnow()
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            user = await UserRepository(db).create(f"{uuid.uuid4().hex[:10]}@example.com", "not-a-hash")
            stale, fresh = _report(models_dir, stale=True), _report(models_dir, stale=False)
            outdated, _ = await _session(db, user.id, blob_dir, now, stale, 60.0)
            current, _ = await _session(db, user.id, blob_dir, now - timedelta(days=7), fresh, 80.0)
            aged, key = await _session(db, user.id, blob_dir, now - timedelta(days=400), fresh, 70.0)
        return BatchScenario(outdated, current, aged, key)
    finally:
        await engine.dispose()


def main(argv: list[str]) -> int:
    database_url, blob_dir, models_dir = argv
    upgrade(database_url)
    Path(blob_dir).mkdir(parents=True, exist_ok=True)
    scenario = asyncio.run(seed_batch(database_url, Path(blob_dir), Path(models_dir)))
    print(json.dumps(asdict(scenario)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
