"""Sign-in: the same Argon2 work for unknown accounts, a dedicated hashing pool, rate limits per IP and account."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from server.app import create_app
from server.auth import hashing_pool
from server.auth.hashing_pool import HASHING, HASHING_THREADS
from server.auth.ratelimit import MemoryRateLimiter
from server.settings import Settings
from tests.conftest import register_and_login

PASSWORD = "correct horse"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return await client.post("/api/v1/auth/token", json={"email": email, "password": password})


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(hash, thread name) of every password verification."""
    seen: list[tuple[str, str]] = []
    real = hashing_pool.verify_password

    def recording(password_hash: str, password: str) -> bool:
        seen.append((password_hash, threading.current_thread().name))
        return real(password_hash, password)

    monkeypatch.setattr(hashing_pool, "verify_password", recording)
    return seen


async def test_unknown_email_costs_an_argon2_verification(
    client: TestClient, verifications: list[tuple[str, str]]
) -> None:
    await register_and_login(client, "known@example.com", PASSWORD)
    verifications.clear()
    unknown = await _login(client, "nobody@example.com")
    wrong = await _login(client, "known@example.com", "wrong password")
    assert unknown.status == wrong.status == 401
    assert (await unknown.json()) == (await wrong.json())
    assert len(verifications) == 2
    assert verifications[0][0].startswith("$argon2")
    assert verifications[0][0] == client.app[HASHING].dummy_hash  # type: ignore[index]


async def test_hashing_runs_on_the_dedicated_pool(client: TestClient, verifications: list[tuple[str, str]]) -> None:
    await register_and_login(client)
    await _login(client, "nobody@example.com")
    assert verifications and all(name.startswith("podium-argon2") for _hash, name in verifications)
    assert client.app[HASHING].executor._max_workers == HASHING_THREADS  # type: ignore[index]


async def test_hashing_pool_is_shut_down_with_the_app(settings: Settings) -> None:
    app = create_app(settings)
    async with TestClient(TestServer(app)):
        pool = app[HASHING]
    with pytest.raises(RuntimeError):
        pool.executor.submit(print)


async def test_failed_sign_ins_lock_the_account_for_a_while(aiohttp_client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"login_account_limit": 3})))
    await register_and_login(client, "ada@example.com", PASSWORD)
    await register_and_login(client, "bob@example.com", PASSWORD)
    for _ in range(3):
        assert (await _login(client, "ada@example.com", "guess")).status == 401
    locked = await _login(client, "ADA@example.com")
    assert locked.status == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 300
    error = (await locked.json())["error"]
    assert error["code"] == "too_many_requests"
    assert "too many failed sign-ins for this account" in error["message"]
    assert (await _login(client, "bob@example.com")).status == 200


async def test_sign_ins_per_ip_are_limited(aiohttp_client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"login_ip_limit": 3})))
    for n in range(3):
        assert (await _login(client, f"user{n}@example.com")).status == 401
    refused = await _login(client, "user9@example.com")
    assert refused.status == 429
    assert "Retry-After" in refused.headers
    assert "from this address" in (await refused.json())["error"]["message"]


async def test_registrations_per_ip_are_limited(aiohttp_client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"register_ip_limit": 2})))
    body = {"email": "ada@example.com", "password": PASSWORD}
    assert (await client.post("/api/v1/auth/register", json=body)).status == 201
    duplicate = await client.post("/api/v1/auth/register", json=body)
    assert duplicate.status == 409
    refused = await client.post("/api/v1/auth/register", json={**body, "email": "eve@example.com"})
    assert refused.status == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "too many registrations" in (await refused.json())["error"]["message"]


async def test_memory_limiter_slides_its_window() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock)
    for step in range(3):
        assert await limiter.retry_after("k", 3, 60) == 0
        await limiter.record("k", 60)
        clock.now += 10 * (step + 1)  # events at 1000, 1010, 1030
    clock.now = 1040.0
    assert await limiter.retry_after("k", 3, 60) == pytest.approx(20.0)  # the 1000 event leaves at 1060
    clock.now = 1060.0
    assert await limiter.retry_after("k", 3, 60) == 0
    assert await limiter.retry_after("other", 3, 60) == 0


async def test_redis_limits_are_shared_by_every_server(aiohttp_client, settings: Settings, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    shared = settings.model_copy(update={"redis_url": redis_url, "login_account_limit": 2, "login_ip_limit": 1000})
    first: TestClient = await aiohttp_client(create_app(shared))
    second: TestClient = await aiohttp_client(create_app(shared))
    email = f"{uuid.uuid4().hex}@example.com"
    redis = Redis.from_url(redis_url)
    try:
        assert (await _login(first, email, "guess")).status == 401
        assert (await _login(second, email, "guess")).status == 401
        locked = await _login(first, email)
        assert locked.status == 429
        assert (await _login(second, email)).status == 429
        keys = await redis.keys("podium:ratelimit:login:account:*")
        assert keys
    finally:
        keys = await redis.keys("podium:ratelimit:login:*")
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
