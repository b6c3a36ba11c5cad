"""Sessions carry their media duration: the recording's, else the latest report's (recording deleted past
retention), null before anything was recorded; the list and one session answer it (uploads have no start/end)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from inference.scoring.synthetic import synthetic_report
from server.keys import DB
from storage.database import create_engine, session_factory
from storage.jobs import ReportRepository
from storage.models import Recording, SessionSource
from storage.reports import media_durations
from storage.repositories import RecordingRepository, SessionRepository, UserRepository
from tests.conftest import register_and_login
from tests.test_reports_api import add_session, auth


def _recording(session_id: str, duration_s: float) -> Recording:
    key = f"recordings/{session_id}/{uuid.uuid4().hex}.webm"
    return Recording(session_id=session_id, blob_key=key, container="webm", duration_s=duration_s, sha256="0" * 64)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(database_url)
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()


async def test_media_durations_prefer_the_recording_then_the_report(db: AsyncSession) -> None:
    owner = await UserRepository(db).create(f"{uuid.uuid4().hex[:10]}@example.com", "hash")
    sessions = SessionRepository(db)
    recorded, reported, both, empty, zero = [
        await sessions.create(owner.id, title, SessionSource.UPLOAD) for title in ("rec", "rep", "both", "none", "0")
    ]
    recordings = RecordingRepository(db)
    await recordings.add(_recording(recorded.id, 93.5))
    await recordings.add(_recording(both.id, 61.25))
    await recordings.add(_recording(zero.id, 0.0))
    reports = ReportRepository(db)
    await reports.upsert(reported.id, 2, {"schema_version": 2, "duration_s": 42.0}, {})
    await reports.upsert(both.id, 2, {"schema_version": 2, "duration_s": 60.0}, {})

    ids = [recorded.id, reported.id, both.id, empty.id, zero.id]
    assert await media_durations(db, ids) == {recorded.id: 93.5, reported.id: 42.0, both.id: 61.25}
    assert await media_durations(db, []) == {}


async def test_the_sessions_list_and_one_session_carry_the_duration(client: TestClient) -> None:
    token = await register_and_login(client)
    uploaded = await add_session(client, "ada@example.com", synthetic_report(75), title="uploaded")
    async with client.app[DB]() as db:
        await RecordingRepository(db).add(_recording(uploaded, 75.5))
    created = await (await client.post("/api/v1/sessions", json={"title": "new"}, headers=auth(token))).json()
    assert created["duration_s"] is None

    listing = await (await client.get("/api/v1/sessions", headers=auth(token))).json()
    assert {s["title"]: s["duration_s"] for s in listing["items"]} == {"uploaded": 75.5, "new": None}
    one = await (await client.get(f"/api/v1/sessions/{uploaded}", headers=auth(token))).json()
    assert one["duration_s"] == 75.5 and one["started_at"] is None
