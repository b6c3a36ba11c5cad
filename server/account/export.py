"""Everything of one user as a zip: account and goals, each session with its report, notes and recordings.

The zip is written to a temporary file in a worker thread (recordings are copied from the blob store in
chunks), so memory stays flat however large the recordings are.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AnalysisReport, CoachNote, Goal, PracticeSession, Recording, User


@dataclass(frozen=True)
class ExportEntry:
    """One file of the export: JSON data, or a recording copied from ``source``."""

    name: str
    data: Any = None
    source: Path | None = None


def _session_json(session: PracticeSession) -> dict[str, Any]:
    fields = ("id", "title", "source", "state", "failure_reason", "created_at", "started_at", "ended_at")
    return {name: getattr(session, name) for name in fields}


async def export_entries(db: AsyncSession, user: User, blob_path: Any) -> list[ExportEntry]:
    """What goes in the zip, read in one pass over the database (``blob_path(key)`` locates a recording)."""
    goals = (await db.scalars(select(Goal).where(Goal.user_id == user.id))).all()
    account = {
        "id": user.id,
        "email": user.email,
        "role": user.role,
        "created_at": user.created_at,
        "consent_at": user.consent_at,
        "goals": [{"metric": g.metric, "comparator": g.comparator, "target": g.target} for g in goals],
    }
    entries = [ExportEntry("account.json", account)]
    sessions = (await db.scalars(select(PracticeSession).where(PracticeSession.owner_id == user.id))).all()
    for session in sessions:
        prefix = f"sessions/{session.id}"
        entries.append(ExportEntry(f"{prefix}/session.json", _session_json(session)))
        reports = (await db.scalars(select(AnalysisReport).where(AnalysisReport.session_id == session.id))).all()
        for report in reports:
            entries.append(ExportEntry(f"{prefix}/report.v{report.schema_version}.json", report.report))
        notes = (await db.scalars(select(CoachNote).where(CoachNote.session_id == session.id))).all()
        if notes:
            rows = [{"t_s": n.media_time_s, "text": n.text, "created_at": n.created_at} for n in notes]
            entries.append(ExportEntry(f"{prefix}/notes.json", rows))
        recordings = (await db.scalars(select(Recording).where(Recording.session_id == session.id))).all()
        for recording in recordings:
            name = f"{prefix}/recording-{recording.id}.{recording.container}"
            entries.append(ExportEntry(name, source=blob_path(recording.blob_key)))
    return entries


def write_zip(entries: list[ExportEntry], directory: Path) -> Path:
    """Write ``entries`` into a new zip file under ``directory`` (blocking: run in a thread)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=directory, prefix="export-", suffix=".zip")
    os.close(descriptor)
    path = Path(name)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            if entry.source is not None:
                if entry.source.is_file():
                    archive.write(entry.source, entry.name, compress_type=zipfile.ZIP_STORED)
                continue
            archive.writestr(entry.name, json.dumps(entry.data, indent=2, default=str))
    return path
