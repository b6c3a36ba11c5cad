"""Helpers of the coaching tests: an app client on SQLite or PostgreSQL, accounts, sessions and shares."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import update

from server.app import create_app
from server.keys import DB
from server.settings import Settings
from storage.models import Role, User
from tests.conftest import register_and_login


@dataclass(frozen=True)
class Account:
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
async def db_client(aiohttp_client: Any, database_url: str, tmp_path: Path) -> AsyncIterator[TestClient]:
    """An app client on a migrated database, once on SQLite and once on PostgreSQL."""
    settings = Settings(
        data_dir=tmp_path / "var", models_dir=Path("var/models"), preload_models=False, database_url=database_url
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    yield await aiohttp_client(create_app(settings))


async def account(client: TestClient, name: str, role: Role | None = None) -> Account:
    """A new account (unique email, so tests can share one PostgreSQL database), optionally with ``role``."""
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    token = await register_and_login(client, email)
    if role is not None:
        async with client.app[DB]() as db:
            await db.execute(update(User).where(User.email == email).values(role=role))
            await db.commit()
    return Account(email, token)


async def new_session(client: TestClient, owner: Account, title: str = "talk") -> str:
    response = await client.post("/api/v1/sessions", json={"title": title}, headers=owner.auth)
    assert response.status == 201, await response.text()
    session_id: str = (await response.json())["id"]
    return session_id


async def share(
    client: TestClient, owner: Account, coach: Account, permission: str = "view", session_id: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"coach_email": coach.email, "permission": permission}
    if session_id is not None:
        body["session_id"] = session_id
    response = await client.post("/api/v1/shares", json=body, headers=owner.auth)
    assert response.status == 201, await response.text()
    result: dict[str, Any] = await response.json()
    return result
