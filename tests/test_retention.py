"""Retention: recordings older than PODIUM_RETENTION_DAYS go (row and blob), newer ones and reports stay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from inference.scoring.synthetic import synthetic_report
from server.app import create_app
from server.keys import BLOBS, DB
from server.retention import expire_recordings, retention_cutoff
from server.settings import Settings
from storage.models import AnalysisReport, Recording, utcnow
from tests.conftest import register_and_login
from tests.test_reports_api import add_recording, add_session


def test_cutoff_is_off_at_zero_days() -> None:
    now = utcnow()
    assert retention_cutoff(0, now) is None
    assert retention_cutoff(30, now) == now - timedelta(days=30)


@pytest.fixture
async def kept_30_days(aiohttp_client, settings: Settings) -> AsyncIterator[TestClient]:  # type: ignore[no-untyped-def]
    yield await aiohttp_client(create_app(settings.model_copy(update={"retention_days": 30})))


async def _recorded_session(client: TestClient, tmp_path: Path, age_days: float) -> str:
    sid = await add_session(client, "ada@example.com", synthetic_report(30))
    await add_recording(client, sid, tmp_path, b"\x1a\x45\xdf\xa3" + sid.encode())
    async with client.app[DB]() as db:
        created = utcnow() - timedelta(days=age_days)
        await db.execute(update(Recording).where(Recording.session_id == sid).values(created_at=created))
        await db.commit()
    return sid


async def test_old_recordings_are_deleted_and_reports_kept(kept_30_days: TestClient, tmp_path: Path) -> None:
    client = kept_30_days
    await register_and_login(client)
    old = await _recorded_session(client, tmp_path, age_days=45)
    new = await _recorded_session(client, tmp_path, age_days=2)
    blobs = client.app[BLOBS]

    assert await expire_recordings(client.app) == 1
    async with client.app[DB]() as db:
        left = set(await db.scalars(select(Recording.session_id)))
        reports = set(await db.scalars(select(AnalysisReport.session_id)))
    assert left == {new}
    assert reports == {old, new}
    assert not blobs.local_path(f"recordings/{old}.webm").exists()
    assert blobs.local_path(f"recordings/{new}.webm").is_file()
    assert await expire_recordings(client.app) == 0


async def test_retention_off_keeps_everything(client: TestClient, tmp_path: Path) -> None:
    await register_and_login(client)
    await _recorded_session(client, tmp_path, age_days=400)
    assert await expire_recordings(client.app) == 0
