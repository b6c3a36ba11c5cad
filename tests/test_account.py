"""Export everything of mine as a zip; delete my account with everything it holds (nothing left in storage)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from inference.scoring.synthetic import synthetic_report
from server.keys import BLOBS, DB, SETTINGS
from storage.models import AnalysisReport, Goal, PracticeSession, Recording, User
from tests.conftest import register_and_login
from tests.test_reports_api import add_recording, add_session, auth

RECORDING = b"\x1a\x45\xdf\xa3 recording bytes"


async def _rows(client: TestClient, model: type) -> int:
    async with client.app[DB]() as db:
        return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def test_export_holds_account_sessions_reports_and_recordings(client: TestClient, tmp_path: Path) -> None:
    token = await register_and_login(client)
    await client.put("/api/v1/goals/fillers_per_min", json={"comparator": "lte", "target": 3}, headers=auth(token))
    sid = await add_session(client, "ada@example.com", synthetic_report(60), title="Quarterly review")
    await add_recording(client, sid, tmp_path, RECORDING)
    other = await register_and_login(client, "eve@example.com")
    await add_session(client, "eve@example.com", None, title="not mine")

    response = await client.get("/api/v1/me/export", headers=auth(token))
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(await response.read()))
    names = set(archive.namelist())
    assert "account.json" in names
    account = json.loads(archive.read("account.json"))
    assert account["email"] == "ada@example.com" and "password_hash" not in account
    assert account["goals"] == [{"metric": "fillers_per_min", "comparator": "lte", "target": 3.0}]
    assert json.loads(archive.read(f"sessions/{sid}/session.json"))["title"] == "Quarterly review"
    reports = [n for n in names if n.startswith(f"sessions/{sid}/report.v")]
    assert len(reports) == 1 and "scores" in json.loads(archive.read(reports[0]))
    recordings = [n for n in names if n.startswith(f"sessions/{sid}/recording-")]
    assert len(recordings) == 1 and archive.read(recordings[0]) == RECORDING
    assert len([n for n in names if n.endswith("session.json")]) == 1, "another user's session leaked"
    assert list((client.app[SETTINGS].data_dir / "exports").iterdir()) == []
    assert other


async def test_delete_account_removes_everything_it_holds(client: TestClient, tmp_path: Path) -> None:
    token = await register_and_login(client)
    await client.put("/api/v1/goals/fillers_per_min", json={"comparator": "lte", "target": 3}, headers=auth(token))
    sid = await add_session(client, "ada@example.com", synthetic_report(60))
    await add_recording(client, sid, tmp_path, RECORDING)
    await register_and_login(client, "eve@example.com")
    blob = client.app[BLOBS].local_path(f"recordings/{sid}.webm")

    response = await client.delete("/api/v1/me", json={"password": "wrong password"}, headers=auth(token))
    assert response.status == 401
    assert blob.is_file()

    response = await client.delete("/api/v1/me", json={"password": "correct horse"}, headers=auth(token))
    assert response.status == 204
    assert not blob.exists()
    assert await _rows(client, User) == 1
    for model in (PracticeSession, Recording, AnalysisReport, Goal):
        assert await _rows(client, model) == 0, model.__name__
    response = await client.get("/api/v1/me", headers=auth(token))
    assert response.status == 401
    assert "unknown user" in (await response.json())["error"]["message"]
