"""Analysis jobs end: an attempts cap in the job row (both backends) and a time limit for the local pool."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from server.analysis.job import JobConfig, exhausted_reason, run_analysis_job
from server.analysis.runner import LocalJobRunner
from storage.database import create_engine, session_factory
from storage.jobs import AttemptsExhausted, JobRepository
from storage.migrate import upgrade_async
from storage.models import JobState, SessionState
from storage.repositories import SessionRepository
from tests.jobs_support import FAKE_ANALYZER, fake_analyze, job_state, seed_session, snapshot, tone_recording
from tests.test_orphans import _wait_gone

HERE = "tests.test_recovery_jobs"


def dying_analyze(path: Path, models_dir: Path, options: dict[str, Any], progress: Callable[[str, float], None]) -> Any:
    """Dies like a worker the OOM killer picked (SIGKILL), every time."""
    os.kill(os.getpid(), signal.SIGKILL)


def hanging_analyze(
    path: Path, models_dir: Path, options: dict[str, Any], progress: Callable[[str, float], None]
) -> Any:
    """Hangs on the first run anywhere (marker file in ``hold_dir``), then behaves like the fake analyser."""
    marker = Path(options["hold_dir"]) / "started"
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        threading.Event().wait()
    return fake_analyze(path, models_dir, {}, progress)


def warm_up() -> int:
    """Run in the pool first: start its process and import this module, the job code and the database driver."""
    import aiosqlite  # noqa: F401

    import server.analysis.job  # noqa: F401

    return os.getpid()


def _config(database_url: str, blob_dir: Path, analyzer: str, max_attempts: int = 4, **options: Any) -> JobConfig:
    return JobConfig(
        database_url=database_url,
        blob_dir=blob_dir,
        models_dir=Path("var/models"),
        analyzer=analyzer,
        options=options,
        progress_interval_s=0.0,
        max_attempts=max_attempts,
    )


async def _queued(database_url: str, blobs: Path, tmp_path: Path) -> str:
    seeded = await seed_session(database_url, blobs, tone_recording(tmp_path / "talk.webm"))
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            assert await JobRepository(db).queue(seeded.session_id, "local") is not None
    finally:
        await engine.dispose()
    return seeded.session_id


async def test_start_counts_attempts_atomically_up_to_the_cap_and_queue_resets_them(
    database_url: str, tmp_path: Path
) -> None:
    session_id = await _queued(database_url, tmp_path / "blobs", tmp_path)
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            jobs = JobRepository(db)
            first = await jobs.start(session_id, max_attempts=2)
            second = await jobs.start(session_id, max_attempts=2)
            assert first is not None and second is not None and second.attempts == 2
            with pytest.raises(AttemptsExhausted) as exhausted:
                await jobs.start(session_id, max_attempts=2)
            assert exhausted.value.attempts == 2
            await jobs.finish(session_id, JobState.FAILED, "x")
            rerun = await jobs.queue(session_id, "local")
            assert rerun is not None and rerun.attempts == 0
            assert await jobs.start(session_id) is not None
    finally:
        await engine.dispose()


async def _runs_killed_after_start(database_url: str, session_id: str, runs: int) -> None:
    """What ``runs`` runs whose worker was killed mid-way leave behind: attempts counted, the session analysing."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            for _ in range(runs):
                await JobRepository(db).start(session_id)
            session = await SessionRepository(db).get(session_id)
            assert session is not None
            await SessionRepository(db).move(session, SessionState.ANALYZING)
    finally:
        await engine.dispose()


def test_a_job_out_of_attempts_fails_with_a_readable_reason(database_url: str, tmp_path: Path) -> None:
    blobs = tmp_path / "blobs"
    session_id = asyncio.run(_queued(database_url, blobs, tmp_path))
    config = _config(database_url, blobs, FAKE_ANALYZER, max_attempts=2)

    asyncio.run(_runs_killed_after_start(database_url, session_id, 2))
    third = run_analysis_job(config, session_id)  # e.g. a Celery message redelivered after its worker died
    snap = asyncio.run(snapshot(database_url, session_id))

    assert third.state is JobState.FAILED
    assert third.error == exhausted_reason(2)
    assert third.error.startswith("the analysis was stopped after 2 attempts: each run died")
    assert snap.job is not None and snap.job.attempts == 2 and snap.job.error == third.error
    assert snap.session.state is SessionState.FAILED and snap.session.failure_reason == third.error


async def _sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    await upgrade_async(url)
    return url


async def test_local_pool_reruns_a_killed_job_until_its_attempts_are_used_up(tmp_path: Path) -> None:
    url = await _sqlite(tmp_path)
    blobs = tmp_path / "blobs"
    session_id = await _queued(url, blobs, tmp_path)
    engine = create_engine(url)
    runner = LocalJobRunner(_config(url, blobs, f"{HERE}:dying_analyze", max_attempts=2), session_factory(engine))
    try:
        await runner.submit(session_id)
        await asyncio.wait_for(runner.idle(), 120)
        snap = await snapshot(url, session_id)
    finally:
        await runner.close()
        await engine.dispose()
    assert snap.job is not None and snap.job.state is JobState.FAILED and snap.job.attempts == 2
    assert snap.job.error is not None and "stopped after 2 attempts" in snap.job.error
    assert snap.session.state is SessionState.FAILED


async def test_local_pool_kills_a_job_past_its_time_limit_and_keeps_serving(tmp_path: Path) -> None:
    url = await _sqlite(tmp_path)
    blobs = tmp_path / "blobs"
    hold = tmp_path / "hold"
    hold.mkdir()
    stuck = await _queued(url, blobs, tmp_path)
    config = _config(url, blobs, f"{HERE}:hanging_analyze", hold_dir=str(hold))
    engine = create_engine(url)
    runner = LocalJobRunner(config, session_factory(engine), time_limit_s=3.0)
    try:
        await asyncio.get_running_loop().run_in_executor(runner._pool, warm_up)  # the limit is then the job's own
        await runner.submit(stuck)
        await asyncio.wait_for(runner.idle(), 120)
        hung_pid = int((hold / "started").read_text())
        stuck_snap = await snapshot(url, stuck)
        (tmp_path / "later").mkdir()
        await asyncio.get_running_loop().run_in_executor(runner._pool, warm_up)  # a fresh pool replaced the killed one
        later = await _queued(url, blobs, tmp_path / "later")
        await runner.submit(later)
        await asyncio.wait_for(runner.idle(), 120)
        later_snap = await snapshot(url, later)
    finally:
        await runner.close()
        await engine.dispose()
    assert stuck_snap.job is not None and stuck_snap.job.state is JobState.FAILED
    assert stuck_snap.job.error == "the analysis was stopped after 3 s (time limit)"
    assert stuck_snap.session.state is SessionState.FAILED
    assert _wait_gone(hung_pid, 5.0), "the job's process outlived its time limit"
    assert later_snap.job is not None and later_snap.job.state is JobState.SUCCEEDED


@pytest.mark.slow
async def test_celery_job_whose_worker_is_killed_every_time_fails_after_its_attempts(
    aiohttp_client: Any, tmp_path: Path, redis_url: str
) -> None:
    """Celery redelivers the job of a lost worker process (out of memory); the attempts cap ends that loop."""
    from tests.test_jobs_celery import Env, _enqueue, _seed, _snapshot, _wait

    env = await asyncio.to_thread(Env, tmp_path, redis_url)  # migrates its database (blocking)
    try:
        session_id = await _seed(env, tone_recording(tmp_path / "talk.webm"))
        await _enqueue(aiohttp_client, env, [session_id])
        env.start_worker({}, PODIUM_JOBS_ANALYZER=f"{HERE}:dying_analyze", PODIUM_JOBS_MAX_ATTEMPTS="2")
        await _wait(lambda: job_state(env.database_url, session_id) == "failed", 120, "the job to fail\n" + env.logs())
        snap = await _snapshot(env, session_id)
    finally:
        await asyncio.to_thread(env.close)
    assert snap.job is not None and snap.job.attempts == 2 and snap.job.error == exhausted_reason(2)
    assert snap.session.state is SessionState.FAILED and snap.session.failure_reason == exhausted_reason(2)
