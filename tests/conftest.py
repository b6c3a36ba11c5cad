"""Shared fixtures: settings on a fresh data dir, migrated databases (SQLite and real PostgreSQL), app clients."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import make_url

from server.app import create_app
from server.settings import Settings
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get("PODIUM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PODIUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
collect_ignore = ["airflow"]  # the DAG test runs in .venv-airflow (`make airflow-check`), not here


def _reachable(url: str, default_port: int) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


async def _admin_execute(statement: str) -> None:
    import asyncpg

    parsed = make_url(POSTGRES_URL)
    conn = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, database=parsed.database
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database for this test run, dropped afterwards."""
    if not _reachable(POSTGRES_URL, 5432):
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} (set PODIUM_TEST_POSTGRES_URL)")
    name = f"podium_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not _reachable(REDIS_URL, 6379):
        pytest.skip(f"Redis not reachable at {REDIS_URL} (set PODIUM_TEST_REDIS_URL)")
    return REDIS_URL


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_url: str) -> str:
    upgrade(postgres_url)
    return postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database URL, once per backend."""
    if request.param == "sqlite":
        sqlite_url = f"sqlite:///{tmp_path / 'podium.db'}"
        upgrade(sqlite_url)
        return sqlite_url
    postgres: str = request.getfixturevalue("migrated_postgres_url")
    _in_thread(_truncate_all(postgres))  # the database is shared by the run: each test starts from empty tables
    return postgres


def _in_thread(coro: Coroutine[Any, Any, None]) -> None:
    """Run ``coro`` to completion on a loop of its own (a sync fixture may run while a test's loop is running)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


async def _truncate_all(url: str) -> None:
    import asyncpg

    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, database=parsed.database
    )
    try:
        rows = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )
        if rows:
            names = ", ".join(f'"{r["tablename"]}"' for r in rows)
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded defaults on a fresh data dir with a migrated SQLite database."""
    settings = Settings(data_dir=tmp_path / "var", models_dir=Path("var/models"), preload_models=False)
    settings.data_dir.mkdir(parents=True)
    upgrade(settings.resolved_database_url)
    return settings


@pytest.fixture
async def client(aiohttp_client, settings: Settings) -> AsyncIterator[TestClient]:  # type: ignore[no-untyped-def]
    yield await aiohttp_client(create_app(settings))


async def register_and_login(
    client: TestClient, email: str = "ada@example.com", password: str = "correct horse"
) -> str:
    """Create an account that consents to being recorded and return its bearer token."""
    body = {"email": email, "password": password, "consent": True}
    response = await client.post("/api/v1/auth/register", json=body)
    assert response.status == 201, await response.text()
    response = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status == 200, await response.text()
    token: str = (await response.json())["access_token"]
    return token
