"""Publishing a session that has already been published and ended is 409, and its recording is never replaced."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from media.live_session import LiveSession
from server.app import create_app
from server.keys import BLOBS, DB
from server.live import persist_ended_session
from server.sessions import whip
from server.settings import Settings
from storage.models import PracticeSession, Recording, SessionSource, SessionState
from storage.repositories import RecordingRepository, SessionRepository
from tests.conftest import register_and_login
from tests.raw_http_support import open_raw, read_response, request_head, write_pieces
from tests.test_hardening_bodies import publisher_offer


@pytest.fixture
async def live_client(aiohttp_client, settings: Settings) -> TestClient:  # type: ignore[no-untyped-def]
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"live_asr": False})))
    return client


async def _owner(client: TestClient, token: str) -> str:
    me = await (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).json()
    return str(me["id"])


async def _ended_session_with_recording(app: web.Application, owner_id: str, tmp: Path) -> tuple[str, str]:
    """A live session that was published and ended: its recording blob and row exist. Returns (id, blob key)."""
    async with app[DB]() as db:
        sessions = SessionRepository(db)
        session = await sessions.create(owner_id, "first take", SessionSource.LIVE)
        await sessions.move(session, SessionState.LIVE)
        first = tmp / "first.mkv"
        first.write_bytes(b"the first recording")
        key = f"recordings/{session.id}/{session.id}.mkv"
        blob = await app[BLOBS].put_file(key, first)
        await RecordingRepository(db).add(
            Recording(session_id=session.id, blob_key=key, container="matroska", bytes=blob.size, sha256=blob.sha256)
        )
        await sessions.move(session, SessionState.ENDED)
    return session.id, key


async def _end(app: web.Application, session_id: str) -> None:
    async with app[DB]() as db:
        sessions = SessionRepository(db)
        session = await sessions.get(session_id)
        assert session is not None
        await sessions.move(session, SessionState.LIVE)
        await sessions.move(session, SessionState.ENDED)


async def test_session_ended_while_its_offer_arrived_is_409(
    live_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await register_and_login(live_client)
    auth = {"Authorization": f"Bearer {token}"}
    session = await (await live_client.post("/api/v1/sessions", json={}, headers=auth)).json()
    loaded = asyncio.Event()
    original = whip.load_owned_session

    async def load_and_tell(request: web.Request, user: Any) -> PracticeSession:
        found = await original(request, user)
        loaded.set()
        return found

    monkeypatch.setattr(whip, "load_owned_session", load_and_tell)
    offer = (await publisher_offer()).encode()
    reader, writer = await open_raw(live_client.port)
    try:
        head = request_head("POST", session["whip_url"], {**auth, "Content-Type": "application/sdp"}, len(offer))
        await write_pieces(writer, [head, offer[:100]])
        await asyncio.wait_for(loaded.wait(), 10)
        await _end(cast(web.Application, live_client.app), session["id"])
        await write_pieces(writer, [offer[100:]])
        response = await read_response(reader)
    finally:
        writer.close()
    assert response.status == 409, response.body
    assert response.json()["error"]["code"] == "conflict"
    assert "ended" in response.json()["error"]["message"]


async def test_publishing_an_ended_session_is_409(live_client: TestClient, tmp_path: Path) -> None:
    token = await register_and_login(live_client)
    app = cast(web.Application, live_client.app)
    session_id, key = await _ended_session_with_recording(app, await _owner(live_client, token), tmp_path)
    response = await live_client.post(
        f"/api/v1/sessions/{session_id}/whip",
        data=await publisher_offer(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/sdp"},
    )
    assert response.status == 409
    assert app[BLOBS].local_path(key).read_bytes() == b"the first recording"


async def test_a_second_recording_never_replaces_the_first(live_client: TestClient, tmp_path: Path) -> None:
    token = await register_and_login(live_client)
    app = cast(web.Application, live_client.app)
    session_id, key = await _ended_session_with_recording(app, await _owner(live_client, token), tmp_path)
    second = tmp_path / f"{session_id}.mkv"
    second.write_bytes(b"a second recording")
    recording = SimpleNamespace(
        path=second, sha256=hashlib.sha256(second.read_bytes()).hexdigest(), codecs={"audio": "opus"}, duration_s=1.0
    )
    live = SimpleNamespace(session_id=session_id, result=SimpleNamespace(recording=recording))

    await persist_ended_session(app, cast(LiveSession, live))

    assert app[BLOBS].local_path(key).read_bytes() == b"the first recording"
    async with app[DB]() as db:
        rows = await RecordingRepository(db).for_session(session_id)
        session = await SessionRepository(db).get(session_id)
    assert [r.blob_key for r in rows] == [key]
    assert session is not None and session.state is SessionState.ENDED
