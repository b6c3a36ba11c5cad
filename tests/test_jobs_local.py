"""Analysis jobs: the job function on SQLite and PostgreSQL, retry policy, the embedded pool and the API."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from media.recorder import RecordingResult
from server.analysis.celery_app import execute, retry_delay_s
from server.analysis.job import JobConfig, ProgressThrottle, run_analysis_job
from server.analysis.runner import JOBS, LocalJobRunner
from server.app import create_app
from server.keys import SETTINGS
from server.live import persist_ended_session
from server.settings import Settings
from storage.database import create_engine, session_factory
from storage.jobs import JobRepository
from storage.migrate import upgrade, upgrade_async
from storage.models import JobState, SessionState
from tests.conftest import register_and_login
from tests.jobs_support import FAKE_ANALYZER, seed_session, snapshot, tone_recording


def _config(database_url: str, blob_dir: Path, **options: Any) -> JobConfig:
    return JobConfig(
        database_url=database_url,
        blob_dir=blob_dir,
        models_dir=Path("var/models"),
        analyzer=FAKE_ANALYZER,
        options=options,
        progress_interval_s=0.0,
    )


def test_progress_throttle_sends_stage_changes_the_end_and_one_update_per_interval() -> None:
    now = [0.0]
    throttle = ProgressThrottle(1.0, clock=lambda: now[0])
    sent = []
    for t, stage, fraction in [
        (0.0, "decode", 0.0),
        (0.2, "decode", 0.1),
        (0.5, "voice", 0.2),
        (0.9, "voice", 0.3),
        (1.6, "voice", 0.4),
        (1.7, "voice", 1.0),
    ]:
        now[0] = t
        sent.append(throttle.should_send(stage, fraction))
    assert sent == [True, False, True, False, True, True]


def test_retry_delay_doubles_and_is_capped() -> None:
    assert [retry_delay_s(10.0, n) for n in range(4)] == [10.0, 20.0, 40.0, 80.0]
    assert retry_delay_s(10.0, 20, cap_s=300.0) == 300.0


def test_job_succeeds_and_running_it_twice_keeps_one_report(database_url: str, tmp_path: Path) -> None:
    blobs = tmp_path / "blobs"
    seeded = asyncio.run(seed_session(database_url, blobs, tone_recording(tmp_path / "talk.webm")))
    config = _config(database_url, blobs)

    first = run_analysis_job(config, seeded.session_id)
    after_first = asyncio.run(snapshot(database_url, seeded.session_id))
    second = run_analysis_job(config, seeded.session_id)
    after_second = asyncio.run(snapshot(database_url, seeded.session_id))

    assert first.state is JobState.SUCCEEDED and second.state is JobState.SUCCEEDED
    assert after_first.session.state is SessionState.ANALYZED and after_first.session.analyzed_at is not None
    assert after_first.job is not None and after_first.job.progress == 1.0 and after_first.job.stage == "done"
    assert [r.schema_version for r in after_first.reports] == [2]
    assert after_first.reports[0].report["duration_s"] == pytest.approx(1.0, abs=0.1)
    assert len(after_second.reports) == 1 and after_second.reports[0].id == after_first.reports[0].id
    assert after_second.job is not None and after_second.job.attempts == 2
    assert after_second.session.state is SessionState.ANALYZED


def test_poisoned_recording_fails_with_reason_and_no_retry(database_url: str, tmp_path: Path) -> None:
    blobs = tmp_path / "blobs"
    garbage = tmp_path / "talk.webm"
    garbage.write_bytes(b"this is not a media file" * 100)
    seeded = asyncio.run(seed_session(database_url, blobs, garbage))
    config = _config(database_url, blobs)
    task = SimpleNamespace(request=SimpleNamespace(retries=0), retry=_must_not_retry)

    outcome = execute(task, config, Settings(jobs_max_retries=3), seeded.session_id)  # type: ignore[arg-type]
    snap = asyncio.run(snapshot(database_url, seeded.session_id))

    assert outcome == "failed"
    assert snap.job is not None and snap.job.state is JobState.FAILED and snap.job.attempts == 1
    assert snap.job.error is not None and "cannot be analysed" in snap.job.error
    assert snap.session.state is SessionState.FAILED and snap.session.failure_reason == snap.job.error
    assert snap.reports == []


def _must_not_retry(**_: Any) -> None:
    raise AssertionError("a poisoned input must not be retried")


def test_missing_recording_file_fails_the_session(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    blobs = tmp_path / "blobs"
    seeded = asyncio.run(seed_session(url, blobs, tone_recording(tmp_path / "talk.webm")))
    for path in blobs.rglob("*.webm"):
        path.unlink()

    result = run_analysis_job(_config(url, blobs), seeded.session_id)

    assert result.state is JobState.FAILED and result.error == "the recording file is missing from storage"
    assert asyncio.run(snapshot(url, seeded.session_id)).session.state is SessionState.FAILED


class _Retry(Exception):
    pass


def test_transient_error_is_retried_with_backoff_then_given_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    blobs = tmp_path / "blobs"
    seeded = asyncio.run(seed_session(url, blobs, tone_recording(tmp_path / "talk.webm")))
    config = _config(url, blobs, explode=True)
    settings = Settings(jobs_max_retries=2, jobs_retry_backoff_s=5.0)
    retries: list[dict[str, Any]] = []

    def retry(**kwargs: Any) -> _Retry:
        retries.append(kwargs)
        return _Retry()

    for attempt in range(2):
        task = SimpleNamespace(request=SimpleNamespace(retries=attempt), retry=retry)
        with pytest.raises(_Retry):
            execute(task, config, settings, seeded.session_id)  # type: ignore[arg-type]
        snap = asyncio.run(snapshot(url, seeded.session_id))
        assert snap.job is not None and snap.job.state is JobState.QUEUED and snap.job.stage == "retrying"
        assert snap.job.error is not None and "simulated transient failure" in snap.job.error
    final_task = SimpleNamespace(request=SimpleNamespace(retries=2), retry=_must_not_retry)
    outcome = execute(final_task, config, settings, seeded.session_id)  # type: ignore[arg-type]
    snap = asyncio.run(snapshot(url, seeded.session_id))

    assert [r["countdown"] for r in retries] == [5.0, 10.0]
    assert outcome == "failed" and snap.job is not None and snap.job.attempts == 3
    assert snap.job.error is not None and "gave up after 3 attempts" in snap.job.error
    assert snap.session.state is SessionState.FAILED


def test_soft_time_limit_fails_the_job_without_retry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    blobs = tmp_path / "blobs"
    seeded = asyncio.run(seed_session(url, blobs, tone_recording(tmp_path / "talk.webm")))
    task = SimpleNamespace(request=SimpleNamespace(retries=0), retry=_must_not_retry)

    outcome = execute(
        task, _config(url, blobs, soft_limit=True), Settings(jobs_soft_time_limit_s=60), seeded.session_id
    )  # type: ignore[arg-type]
    snap = asyncio.run(snapshot(url, seeded.session_id))

    assert outcome == "failed" and snap.job is not None and snap.job.state is JobState.FAILED
    assert snap.job.error == "the analysis took longer than 60 s"


async def test_queue_refuses_a_second_job_while_one_is_active(database_url: str, tmp_path: Path) -> None:
    seeded = await seed_session(database_url, tmp_path / "blobs", None)
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            jobs = JobRepository(db)
            first = await jobs.queue(seeded.session_id, "local")
            again = await jobs.queue(seeded.session_id, "local")
            await jobs.finish(seeded.session_id, JobState.FAILED, "x")
            rerun = await jobs.queue(seeded.session_id, "local")
    finally:
        await engine.dispose()
    assert first is not None and again is None
    assert rerun is not None and rerun.state is JobState.QUEUED and rerun.error is None


async def _settings(tmp_path: Path, database_url: str | None = None, **overrides: Any) -> Settings:
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=database_url or "",
        preload_models=False,
        jobs_analyzer=FAKE_ANALYZER,
        **overrides,
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not database_url:
        await upgrade_async(settings.resolved_database_url)
    return settings


async def _live_session_with_recording(client: TestClient, token: str, tmp_path: Path) -> str:
    """A session created through the API that ended with a recording (as the live plane leaves it)."""
    created = await (await client.post("/api/v1/sessions", json={"title": "t"}, headers=_auth(token))).json()
    app = client.app
    path = tone_recording(tmp_path / f"{created['id']}.webm")
    data = path.read_bytes()
    recording = RecordingResult(
        path=path,
        duration_s=1.0,
        codecs={"audio": "opus"},
        bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        packets=0,
        dropped_packets=0,
    )
    live = SimpleNamespace(session_id=created["id"], result=SimpleNamespace(recording=recording))
    await persist_ended_session(app, live)  # type: ignore[arg-type]
    return str(created["id"])


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_local_pool_runs_the_job_a_live_session_queued_and_reruns_on_post(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    client: TestClient = await aiohttp_client(create_app(await _settings(tmp_path)))
    token = await register_and_login(client)
    session_id = await _live_session_with_recording(client, token, tmp_path)
    runner = client.app[JOBS]
    assert isinstance(runner, LocalJobRunner)

    await runner.idle()
    job = await (await client.get(f"/api/v1/sessions/{session_id}/analysis", headers=_auth(token))).json()
    session = await (await client.get(f"/api/v1/sessions/{session_id}", headers=_auth(token))).json()
    assert (job["state"], job["progress"], job["stage"], job["attempts"]) == ("succeeded", 1.0, "done", 1)
    assert job["backend"] == "local" and session["state"] == "analyzed"

    rerun = await client.post(f"/api/v1/sessions/{session_id}/analysis", headers=_auth(token))
    assert rerun.status == 202 and (await rerun.json())["state"] == "queued"
    await runner.idle()
    snap = await snapshot(client.app[SETTINGS].resolved_database_url, session_id)
    assert snap.job is not None and snap.job.attempts == 1 and len(snap.reports) == 1


async def test_analysis_routes_conflicts_and_access(aiohttp_client: Any, tmp_path: Path) -> None:
    hold = tmp_path / "hold"
    hold.mkdir()
    app = create_app(await _settings(tmp_path, analysis_options={"hold_dir": str(hold)}))
    client: TestClient = await aiohttp_client(app)
    token = await register_and_login(client)
    other = await register_and_login(client, "eve@example.com")
    empty = await (await client.post("/api/v1/sessions", json={}, headers=_auth(token))).json()

    no_job = await client.get(f"/api/v1/sessions/{empty['id']}/analysis", headers=_auth(token))
    no_recording = await client.post(f"/api/v1/sessions/{empty['id']}/analysis", headers=_auth(token))
    assert no_job.status == 404 and (await no_job.json())["error"]["code"] == "no_analysis"
    assert no_recording.status == 409 and (await no_recording.json())["error"]["code"] == "no_recording"

    session_id = await _live_session_with_recording(client, token, tmp_path)
    busy = await client.post(f"/api/v1/sessions/{session_id}/analysis", headers=_auth(token))
    assert busy.status == 409 and (await busy.json())["error"]["code"] == "analysis_running"
    for method in ("GET", "POST"):
        foreign = await client.request(method, f"/api/v1/sessions/{session_id}/analysis", headers=_auth(other))
        assert foreign.status == 404
        anonymous = await client.request(method, f"/api/v1/sessions/{session_id}/analysis")
        assert anonymous.status == 401
    state = await (await client.get(f"/api/v1/sessions/{session_id}/analysis", headers=_auth(token))).json()
    assert state["state"] in ("queued", "running")
