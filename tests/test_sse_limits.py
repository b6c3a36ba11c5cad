"""SSE on a live session: capped per session (429), and a stream ends when the token that opened it expires."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from media.live_session import LiveSession
from server.app import create_app
from server.auth.tokens import issue_token
from server.keys import DB, SIGNING_KEY
from server.live import LIVE
from server.settings import Settings
from storage.repositories import UserRepository
from tests.conftest import register_and_login
from tests.test_reports_api import add_session, auth


@pytest.fixture
async def sse_client(aiohttp_client, settings: Settings) -> AsyncIterator[TestClient]:  # type: ignore[no-untyped-def]
    yield await aiohttp_client(create_app(settings.model_copy(update={"sse_max_subscribers": 1})))


async def _live(client: TestClient) -> tuple[str, LiveSession]:
    sid = await add_session(client, "ada@example.com", None)
    registry = client.app[LIVE]
    live = LiveSession(sid, registry.config, registry.workers)
    registry._sessions[sid] = live  # a session without a peer: enough to fan out messages
    return sid, live


async def _short_token(client: TestClient, ttl_s: int) -> str:
    async with client.app[DB]() as db:
        user = await UserRepository(db).by_email("ada@example.com")
    assert user is not None
    return issue_token(client.app[SIGNING_KEY], user.id, user.role.value, ttl_s)


async def test_a_stream_ends_when_its_token_expires(sse_client: TestClient) -> None:
    await register_and_login(sse_client)
    sid, live = await _live(sse_client)
    token = await _short_token(sse_client, ttl_s=2)
    response = await sse_client.get(f"/api/v1/sessions/{sid}/events", headers=auth(token))
    assert response.status == 200
    live.hub.publish('{"v":1,"type":"voice"}')
    body = await asyncio.wait_for(response.text(), 10)
    assert 'data: {"v":1,"type":"voice"}' in body
    assert body.rstrip().endswith('event: expired\ndata: {"reason": "token expired"}')
    await live.close("test")


async def test_streams_per_session_are_capped(sse_client: TestClient) -> None:
    token = await register_and_login(sse_client)
    sid, live = await _live(sse_client)
    first = await sse_client.get(f"/api/v1/sessions/{sid}/events", headers=auth(token))
    assert first.status == 200
    second = await sse_client.get(f"/api/v1/sessions/{sid}/events", headers=auth(token))
    assert second.status == 429
    assert (await second.json())["error"]["code"] == "too_many_streams"
    await live.close("test")
    await asyncio.wait_for(first.text(), 10)
