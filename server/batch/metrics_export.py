"""``podium metrics export``: weekly aggregates of all sessions as JSON or CSV, to a file or the blob store."""

from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.batch.weekly import SessionFacts, WeekMetrics, to_csv, weekly_metrics
from server.settings import Settings
from storage.database import create_engine, session_factory
from storage.models import AnalysisReport, PracticeSession, Recording, utcnow
from storage.s3_blobs import blob_store_for

Format = Literal["json", "csv"]


async def session_facts(db: AsyncSession) -> list[SessionFacts]:
    """Every session with its recorded seconds and the overall score of its newest report."""
    totals = select(Recording.session_id, func.sum(Recording.duration_s)).group_by(Recording.session_id)
    durations: dict[str, float] = {session_id: float(total or 0.0) for session_id, total in await db.execute(totals)}
    overall: dict[str, float | None] = {}
    reports = select(AnalysisReport.session_id, AnalysisReport.scores).order_by(AnalysisReport.schema_version)
    for session_id, scores in await db.execute(reports):
        value = (scores or {}).get("overall")
        overall[session_id] = float(value) if isinstance(value, int | float) else None
    sessions = await db.execute(select(PracticeSession.id, PracticeSession.created_at, PracticeSession.source))
    return [
        SessionFacts(created, str(source), session_id in overall, durations.get(session_id), overall.get(session_id))
        for session_id, created, source in sessions
    ]


def render(rows: list[WeekMetrics], fmt: Format, generated_at: datetime) -> str:
    if fmt == "csv":
        return to_csv(rows)
    document = {"generated_at": generated_at.isoformat(), "weeks": [asdict(r) for r in rows]}
    return json.dumps(document, indent=2) + "\n"


async def _rows(settings: Settings) -> list[WeekMetrics]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            return weekly_metrics(await session_facts(db))
    finally:
        await engine.dispose()


def export_metrics(settings: Settings, fmt: Format, out: Path | None, blob_key: str | None) -> dict[str, Any]:
    """Write the weekly metrics to ``out`` and/or the blob ``blob_key``; the JSON summary ``podium`` prints."""
    rows = asyncio.run(_rows(settings))
    text = render(rows, fmt, utcnow())
    written: dict[str, Any] = {"weeks": len(rows), "sessions": sum(r.sessions for r in rows), "format": fmt}
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        written["file"] = str(out)
    if blob_key is not None:
        store = blob_store_for(settings.blob_url, settings.resolved_blob_dir)
        with tempfile.TemporaryDirectory(prefix="podium-export-") as scratch:
            staged = Path(scratch) / "export"
            staged.write_text(text)
            info = asyncio.run(store.put_file(blob_key, staged))
        written["blob"] = {"key": blob_key, "sha256": info.sha256, "bytes": info.size}
    return written
