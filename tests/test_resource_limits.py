"""Per-user and per-server limits: live sessions (WHIP) and uploads (unfinished at once, started per day), each
refused with 429 naming the limit and freed again when the session ends or the upload goes."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.auth import ratelimit
from server.auth.ratelimit import MemoryRateLimiter
from server.errors import ApiError
from server.sessions.publish_slots import PublishSlots
from server.settings import Settings
from server.uploads.quota import DAY_S
from tests.conftest import register_and_login
from tests.test_hardening_bodies import publisher_offer

TUS = {"Tus-Resumable": "1.0.0"}


def test_slots_count_per_user_and_per_node() -> None:
    slots = PublishSlots(per_user=1, per_node=2)
    slots.take("s1", "ada")
    slots.take("s1", "ada")  # the same session again: no second slot
    with pytest.raises(ApiError) as mine:
        slots.take("s2", "ada")
    assert (mine.value.status, mine.value.code) == (429, "too_many_live_sessions")
    slots.take("s3", "bob")
    with pytest.raises(ApiError) as full:
        slots.take("s4", "eve")
    assert (full.value.status, full.value.code) == (429, "server_at_capacity")
    slots.give_back("s1")
    slots.take("s2", "ada")
    assert len(slots) == 2


@pytest.fixture
async def limited(aiohttp_client, settings: Settings) -> TestClient:  # type: ignore[no-untyped-def]
    update: dict[str, Any] = {
        "live_asr": False,
        "live_sessions_per_user": 1,
        "live_sessions_per_node": 2,
        "uploads_per_user_open": 2,
        "uploads_per_user_per_day": 3,
    }
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update=update)))
    return client


async def _publish(client: TestClient, auth: dict[str, str]) -> tuple[int, dict[str, Any], str]:
    session = await (await client.post("/api/v1/sessions", json={}, headers=auth)).json()
    response = await client.post(
        session["whip_url"], data=await publisher_offer(), headers={**auth, "Content-Type": "application/sdp"}
    )
    body = await response.json() if response.status >= 400 else {}
    return response.status, body, response.headers.get("Location", "")


async def test_live_sessions_are_limited_per_user_and_per_server(limited: TestClient) -> None:
    ada = {"Authorization": f"Bearer {await register_and_login(limited, 'ada@example.com')}"}
    bob = {"Authorization": f"Bearer {await register_and_login(limited, 'bob@example.com')}"}
    eve = {"Authorization": f"Bearer {await register_and_login(limited, 'eve@example.com')}"}
    status, _, first = await _publish(limited, ada)
    assert status == 201
    status, body, _ = await _publish(limited, ada)
    assert status == 429 and body["error"]["code"] == "too_many_live_sessions"
    assert "(1)" in body["error"]["message"]
    status, _, bobs = await _publish(limited, bob)
    assert status == 201
    status, body, _ = await _publish(limited, eve)
    assert status == 429 and body["error"]["code"] == "server_at_capacity"
    assert (await limited.delete(first, headers=ada)).status == 200  # ending a session frees its slot
    status, _, again = await _publish(limited, ada)
    assert status == 201
    for location, auth in ((bobs, bob), (again, ada)):
        assert (await limited.delete(location, headers=auth)).status == 200


async def _start_upload(client: TestClient, auth: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
    response = await client.post("/api/v1/uploads", headers={**auth, **TUS, "Upload-Length": "1000"})
    body = await response.json() if response.status >= 400 else {}
    return response.status, body, dict(response.headers)


async def test_uploads_are_limited_open_at_once_and_per_day(limited: TestClient) -> None:
    auth = {"Authorization": f"Bearer {await register_and_login(limited)}"}
    first, _, headers = await _start_upload(limited, auth)
    assert first == 201
    assert (await _start_upload(limited, auth))[0] == 201
    status, body, _ = await _start_upload(limited, auth)
    assert status == 429 and body["error"]["code"] == "too_many_uploads"
    assert "(2)" in body["error"]["message"]
    assert (await limited.delete(headers["Location"], headers={**auth, **TUS})).status == 204
    assert (await _start_upload(limited, auth))[0] == 201  # deleting one made room
    status, body, _ = await _start_upload(limited, auth)
    assert status == 429 and body["error"]["code"] == "too_many_uploads"


async def test_the_daily_upload_limit_counts_every_upload_started(limited: TestClient) -> None:
    auth = {"Authorization": f"Bearer {await register_and_login(limited)}"}
    for _ in range(3):
        status, _, headers = await _start_upload(limited, auth)
        assert status == 201
        assert (await limited.delete(headers["Location"], headers={**auth, **TUS})).status == 204
    status, body, headers = await _start_upload(limited, auth)
    assert status == 429 and body["error"]["code"] == "upload_quota_exceeded"
    assert "daily upload limit of 3" in body["error"]["message"]
    assert int(headers["Retry-After"]) > 3600
    other = {"Authorization": f"Bearer {await register_and_login(limited, 'bob@example.com')}"}
    assert (await _start_upload(limited, other))[0] == 201  # per user


async def test_pruning_short_limits_keeps_the_daily_upload_count(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    limiter = MemoryRateLimiter(lambda: now[0])
    monkeypatch.setattr(ratelimit, "MAX_MEMORY_KEYS", 2)
    await limiter.record("uploads:user:ada", DAY_S)
    now[0] += 600  # past any 5-minute sign-in window, well inside the day
    await limiter.record("login:ip:a", 300)
    await limiter.record("login:ip:b", 300)  # the key table is full: expired keys are dropped
    assert await limiter.retry_after("uploads:user:ada", 1, DAY_S) > DAY_S - 700
