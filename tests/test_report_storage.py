"""The sessions list's overall score: read from the latest report's scores in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import create_engine, session_factory
from storage.jobs import ReportRepository
from storage.models import SessionSource
from storage.reports import list_sessions_scored, overall_scores
from storage.repositories import SessionRepository, UserRepository


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(database_url)
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()


async def test_list_sessions_scored_takes_the_latest_reports_overall(db: AsyncSession) -> None:
    owner = await UserRepository(db).create(f"{uuid.uuid4().hex[:10]}@example.com", "hash")
    sessions = SessionRepository(db)
    old, scored, unscored, pending = [
        await sessions.create(owner.id, title, SessionSource.UPLOAD) for title in ("old", "scored", "raw", "new")
    ]
    reports = ReportRepository(db)
    await reports.upsert(old.id, 1, {"schema_version": 1}, {"overall": 40.5})
    await reports.upsert(old.id, 2, {"schema_version": 2}, {"overall": 72.25})
    await reports.upsert(scored.id, 2, {"schema_version": 2}, {"overall": 88.0, "dimensions": {}})
    await reports.upsert(unscored.id, 2, {"schema_version": 2}, {})

    assert await overall_scores(db, [old.id, scored.id, unscored.id, pending.id]) == {
        old.id: 72.25,
        scored.id: 88.0,
        unscored.id: None,
    }
    listed = await list_sessions_scored(db, owner.id, 10, 0)
    assert {s.title: overall for s, overall in listed} == {"old": 72.25, "scored": 88.0, "raw": None, "new": None}
    assert [s.id for s, _ in await list_sessions_scored(db, owner.id, 2, 1)] == [s.id for s, _ in listed[1:3]]
    assert await overall_scores(db, []) == {}
