"""Deleting a session removes its rows (recording, report, job, notes, shares) and its recording blob; only the
owner may, and not while it is live."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from inference.scoring.synthetic import synthetic_report
from server.keys import BLOBS, DB
from storage.models import AnalysisJob, AnalysisReport, CoachNote, Recording, SessionState
from storage.repositories import SessionRepository, UserRepository
from tests.conftest import register_and_login
from tests.test_reports_api import add_recording, add_session, auth


async def _count(client: TestClient, model: type, session_id: str) -> int:
    async with client.app[DB]() as db:
        query = select(func.count()).select_from(model).where(model.session_id == session_id)  # type: ignore[attr-defined]
        return int(await db.scalar(query) or 0)


async def test_delete_removes_rows_and_the_recording_blob(client: TestClient, tmp_path: Path) -> None:
    token = await register_and_login(client)
    sid = await add_session(client, "ada@example.com", synthetic_report(60))
    await add_recording(client, sid, tmp_path, b"\x1a\x45\xdf\xa3 not really webm")
    async with client.app[DB]() as db:
        user = await UserRepository(db).by_email("ada@example.com")
        assert user is not None
        db.add(AnalysisJob(session_id=sid, state="succeeded"))
        db.add(CoachNote(session_id=sid, author_id=user.id, media_time_s=3.0, text="slow down"))
        await db.commit()
    blob = client.app[BLOBS].local_path(f"recordings/{sid}.webm")
    assert blob.is_file()

    response = await client.delete(f"/api/v1/sessions/{sid}", headers=auth(token))
    assert response.status == 204
    assert not blob.exists()
    for model in (Recording, AnalysisReport, AnalysisJob, CoachNote):
        assert await _count(client, model, sid) == 0, model.__name__
    assert (await client.get(f"/api/v1/sessions/{sid}", headers=auth(token))).status == 404
    assert (await client.delete(f"/api/v1/sessions/{sid}", headers=auth(token))).status == 404


async def test_only_the_owner_may_delete(client: TestClient) -> None:
    await register_and_login(client)
    sid = await add_session(client, "ada@example.com", None)
    other = await register_and_login(client, "eve@example.com")
    response = await client.delete(f"/api/v1/sessions/{sid}", headers=auth(other))
    assert response.status == 404
    async with client.app[DB]() as db:
        assert await SessionRepository(db).get(sid) is not None


async def test_a_live_session_is_409(client: TestClient) -> None:
    token = await register_and_login(client)
    sid = await add_session(client, "ada@example.com", None)
    async with client.app[DB]() as db:
        sessions = SessionRepository(db)
        session = await sessions.get(sid)
        assert session is not None
        await sessions.move(session, SessionState.LIVE)
    response = await client.delete(f"/api/v1/sessions/{sid}", headers=auth(token))
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "session_live"
