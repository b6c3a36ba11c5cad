"""Report, export, recording, progress and goal endpoints, with access control."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from aiohttp.test_utils import TestClient

from inference.report.upgrade import dump_report
from inference.scoring.pipeline import complete_report
from inference.scoring.synthetic import synthetic_report
from server.keys import BLOBS, DB
from storage.jobs import ReportRepository
from storage.models import Recording, SessionSource, SessionState
from storage.repositories import RecordingRepository, SessionRepository, UserRepository
from tests.conftest import register_and_login


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def add_session(client: TestClient, email: str, report: dict | None, title: str = "talk") -> str:
    async with client.app[DB]() as db:
        user = await UserRepository(db).by_email(email)
        assert user is not None
        sessions = SessionRepository(db)
        session = await sessions.create(user.id, title, SessionSource.UPLOAD)
        if report is not None:
            for state in (SessionState.ENDED, SessionState.ANALYZING, SessionState.ANALYZED):
                await sessions.move(session, state)
            full, scores = complete_report(report)
            await ReportRepository(db).upsert(session.id, full.schema_version, dump_report(full), scores)
        return session.id


async def add_recording(client: TestClient, session_id: str, tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "talk.webm"
    source.write_bytes(data)
    info = await client.app[BLOBS].put_file(f"recordings/{session_id}.webm", source)
    async with client.app[DB]() as db:
        await RecordingRepository(db).add(
            Recording(
                session_id=session_id,
                blob_key=f"recordings/{session_id}.webm",
                container="webm",
                duration_s=1.0,
                bytes=len(data),
                sha256=info.sha256,
            )
        )


async def test_report_and_exports(client: TestClient) -> None:
    token = await register_and_login(client)
    sid = await add_session(client, "ada@example.com", synthetic_report(120, wpm=lambda t: 195 if t > 100 else 140))
    response = await client.get(f"/api/v1/sessions/{sid}/report", headers=auth(token))
    assert response.status == 200
    body = await response.json()
    assert body["session"]["id"] == sid and body["schema_version"] == 2
    assert body["report"]["scores"]["dimensions"]["pace"]["score"] < 100
    assert body["report"]["recommendations"][0]["evidence"]

    response = await client.get(f"/api/v1/sessions/{sid}/report.json", headers=auth(token))
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    assert (await response.json())["scores"] == body["report"]["scores"]

    response = await client.get(f"/api/v1/sessions/{sid}/report.csv", headers=auth(token))
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    by_name = {r["name"]: r for r in rows}
    assert by_name["overall"]["score"] == str(body["report"]["scores"]["overall"])
    assert by_name["pace"]["kind"] == "dimension" and by_name["pace"]["unit"] == "wpm"
    assert by_name["fillers_per_min"]["kind"] == "metric"

    response = await client.get(f"/api/v1/sessions/{sid}/report.csv?rows=timeline", headers=auth(token))
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert len(rows) == 12
    assert rows[0]["start_s"] == "0.0" and rows[-1]["wpm"] == "195.0"
    assert rows[0]["person_visible_ratio"] == "1.0" and rows[0]["posture"] == "upright"
    assert (await client.get(f"/api/v1/sessions/{sid}/report.csv?rows=x", headers=auth(token))).status == 400


async def test_report_access_control_and_not_ready(client: TestClient) -> None:
    ada = await register_and_login(client)
    bob = await register_and_login(client, "bob@example.com")
    analysed = await add_session(client, "ada@example.com", synthetic_report(30))
    pending = await add_session(client, "ada@example.com", None)
    for path in ("report", "report.json", "report.csv", "recording"):
        assert (await client.get(f"/api/v1/sessions/{analysed}/{path}")).status == 401
        assert (await client.get(f"/api/v1/sessions/{analysed}/{path}", headers=auth(bob))).status == 404
    response = await client.get(f"/api/v1/sessions/{pending}/report", headers=auth(ada))
    assert response.status == 404
    assert "not analysed" in (await response.text())
    assert (await client.get(f"/api/v1/sessions/{analysed}/recording", headers=auth(ada))).status == 404


async def test_recording_supports_range_requests(client: TestClient, tmp_path: Path) -> None:
    token = await register_and_login(client)
    sid = await add_session(client, "ada@example.com", synthetic_report(30))
    data = bytes(range(256)) * 40
    await add_recording(client, sid, tmp_path, data)
    response = await client.get(f"/api/v1/sessions/{sid}/recording", headers=auth(token))
    assert response.status == 200 and await response.read() == data
    assert response.headers["Content-Type"] == "video/webm"
    assert response.headers.get("Accept-Ranges") == "bytes"
    response = await client.get(f"/api/v1/sessions/{sid}/recording", headers=auth(token) | {"Range": "bytes=100-199"})
    assert response.status == 206
    assert response.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert await response.read() == data[100:200]
    response = await client.get(f"/api/v1/sessions/{sid}/recording", headers=auth(token) | {"Range": "bytes=-10"})
    assert response.status == 206 and await response.read() == data[-10:]
    response = await client.get(
        f"/api/v1/sessions/{sid}/recording", headers=auth(token) | {"Range": f"bytes={len(data) + 5}-"}
    )
    assert response.status == 416


async def test_goals_crud_and_progress(client: TestClient) -> None:
    token = await register_and_login(client)
    bob = await register_and_login(client, "bob@example.com")
    assert (await client.get("/api/v1/goals")).status == 401
    response = await client.put(
        "/api/v1/goals/fillers_per_min", json={"comparator": "lte", "target": 3}, headers=auth(token)
    )
    assert response.status == 201, await response.text()
    response = await client.put(
        "/api/v1/goals/fillers_per_min", json={"comparator": "lte", "target": 3}, headers=auth(token)
    )
    assert response.status == 200
    bad = await client.put("/api/v1/goals/charisma", json={"comparator": "lte", "target": 3}, headers=auth(token))
    assert bad.status == 422
    bad = await client.put("/api/v1/goals/overall", json={"comparator": "eq", "target": 3}, headers=auth(token))
    assert bad.status == 422
    await client.put("/api/v1/goals/overall", json={"comparator": "gte", "target": 99}, headers=auth(token))
    for i, fpm in enumerate((9.0, 6.0, 2.0)):
        await add_session(client, "ada@example.com", synthetic_report(120, fillers_per_min=fpm), f"talk {i}")
    await add_session(client, "bob@example.com", synthetic_report(120, fillers_per_min=0))

    goals = await (await client.get("/api/v1/goals", headers=auth(token))).json()
    assert [g["metric"] for g in goals["items"]] == ["fillers_per_min", "overall"]
    assert goals["metrics"]["fillers_per_min"] == "lower"
    assert (await (await client.get("/api/v1/goals", headers=auth(bob))).json())["items"] == []

    response = await client.get("/api/v1/progress", headers=auth(token))
    assert response.status == 200
    progress = await response.json()
    assert progress["sessions"] == 3
    assert [h["title"] for h in progress["history"]] == ["talk 0", "talk 1", "talk 2"]
    assert progress["trends"]["fillers_per_min"]["direction"] == "improving"
    assert progress["personal_bests"]["fillers"]["session_id"] == progress["history"][2]["session_id"]
    fillers_goal, overall_goal = progress["goals"]
    assert fillers_goal["achieved"] and fillers_goal["met_now"] and fillers_goal["current"] == 2.0
    assert fillers_goal["achieved_session_id"] == progress["history"][2]["session_id"]
    assert not overall_goal["achieved"]
    assert progress["latest_vs_previous"]["fillers_per_min"]["better"] is True
    assert any(m["kind"] == "goal" for m in progress["milestones"])
    goals = await (await client.get("/api/v1/goals", headers=auth(token))).json()
    assert goals["items"][0]["achieved_at"] is not None

    assert (await client.delete("/api/v1/goals/overall", headers=auth(token))).status == 204
    assert (await client.delete("/api/v1/goals/overall", headers=auth(token))).status == 404
    assert (await client.delete("/api/v1/goals/fillers_per_min", headers=auth(bob))).status == 404
    assert (await (await client.get("/api/v1/progress", headers=auth(bob))).json())["sessions"] == 1


async def test_session_list_filters_by_state_and_date(client: TestClient) -> None:
    token = await register_and_login(client)
    analysed = await add_session(client, "ada@example.com", synthetic_report(30))
    created = await add_session(client, "ada@example.com", None)

    async def ids(query: str) -> list[str]:
        response = await client.get(f"/api/v1/sessions{query}", headers=auth(token))
        assert response.status == 200, await response.text()
        return [s["id"] for s in (await response.json())["items"]]

    assert await ids("") == [created, analysed]
    listed = (await (await client.get("/api/v1/sessions", headers=auth(token))).json())["items"]
    report = await (await client.get(f"/api/v1/sessions/{analysed}/report", headers=auth(token))).json()
    assert [s["overall_score"] for s in listed] == [None, report["report"]["scores"]["overall"]]
    assert (
        isinstance(listed[1]["overall_score"], float)
        and report["session"]["overall_score"] == listed[1]["overall_score"]
    )
    assert await ids("?state=analyzed") == [analysed]
    assert await ids("?state=created,analyzed") == [created, analysed]
    assert await ids("?from=2000-01-01&to=2999-01-01") == [created, analysed]
    assert await ids("?to=2000-01-01") == []
    assert await ids("?from=2999-01-01T00:00:00%2B00:00") == []
    for bad in ("?state=done", "?from=yesterday"):
        assert (await client.get(f"/api/v1/sessions{bad}", headers=auth(token))).status == 400


async def test_a_stored_version_1_report_is_served_upgraded(client: TestClient) -> None:
    token = await register_and_login(client)
    sid = await add_session(client, "ada@example.com", None)
    v1 = synthetic_report(60) | {"models": {"speech": {"asr": "whisper-base (int8, cpu, beam 5)"}}, "worker_pid": 7}
    v1_scored = dump_report(complete_report(v1)[0]) | {"schema_version": 1, "models": v1["models"]}
    async with client.app[DB]() as db:
        sessions = SessionRepository(db)
        session = await sessions.get(sid)
        assert session is not None
        for state in (SessionState.ENDED, SessionState.ANALYZING, SessionState.ANALYZED):
            await sessions.move(session, state)
        await ReportRepository(db).upsert(sid, 1, v1_scored, v1_scored["scores"])
    body = await (await client.get(f"/api/v1/sessions/{sid}/report", headers=auth(token))).json()
    assert body["schema_version"] == 2 and body["report"]["schema_version"] == 2
    assert body["report"]["models"] == [
        {"name": "whisper", "version": "whisper-base", "sha256": None, "detail": "int8, cpu, beam 5"}
    ]
    assert body["report"]["worker_pid"] == 7
    assert body["report"]["scores"] == v1_scored["scores"]
    exported = await (await client.get(f"/api/v1/sessions/{sid}/report.json", headers=auth(token))).json()
    assert exported.pop("notes") == [], "the export carries the coaches' notes"
    assert exported == body["report"]
