"""Celery on the real Redis: jobs the server enqueues run in `podium worker` subprocesses, survive a SIGKILL.

Each test uses Redis database 13 (whatever database the ``redis_url`` fixture names) and its own queue, so
parallel runs and other tests do not see its messages. The analyser is the fast fake from ``jobs_support``.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from sqlalchemy.engine import make_url

from server.analysis.runner import JOBS, CeleryJobRunner, enqueue_analysis
from server.app import create_app
from server.settings import Settings
from storage.migrate import upgrade
from storage.models import JobState, SessionState
from tests.jobs_support import FAKE_ANALYZER, job_state, seed_session, snapshot, tone_recording, wait_for

REPO = Path(__file__).resolve().parent.parent
JOB_REDIS_DB = 13
VISIBILITY_S = 3.0

pytestmark = pytest.mark.slow


class Env:
    """One test's settings and the `podium worker` processes it started."""

    def __init__(self, tmp_path: Path, redis_url: str) -> None:
        self.tmp_path = tmp_path
        self.database_url = f"sqlite:///{tmp_path / 'podium.db'}"
        self.redis_url = make_url(redis_url).set(database=str(JOB_REDIS_DB)).render_as_string(hide_password=False)
        self.queue = f"podium-test-{uuid.uuid4().hex[:8]}"
        self.hold = tmp_path / "hold"
        self.hold.mkdir()
        self.workers: list[subprocess.Popen[bytes]] = []
        upgrade(self.database_url)

    def settings(self, **overrides: Any) -> Settings:
        return Settings(
            data_dir=self.tmp_path / "var",
            database_url=self.database_url,
            redis_url=self.redis_url,
            preload_models=False,
            jobs_backend="celery",
            jobs_queue=self.queue,
            jobs_analyzer=FAKE_ANALYZER,
            jobs_visibility_timeout_s=VISIBILITY_S,
            **overrides,
        )

    def start_worker(self, options: dict[str, Any], **extra_env: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "PODIUM_DATA_DIR": str(self.tmp_path / "var"),
            "PODIUM_DATABASE_URL": self.database_url,
            "PODIUM_REDIS_URL": self.redis_url,
            "PODIUM_JOBS_QUEUE": self.queue,
            "PODIUM_JOBS_ANALYZER": FAKE_ANALYZER,
            "PODIUM_JOBS_VISIBILITY_TIMEOUT_S": str(VISIBILITY_S),
            "PODIUM_ANALYSIS_OPTIONS": json.dumps(options),
            **extra_env,
        }
        log = (self.tmp_path / f"worker{len(self.workers)}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "worker", "--concurrency", "1", "--loglevel", "INFO"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and its pool children (its own process group), like a machine dying."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.tmp_path.glob("worker*.log")))

    def close(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
        client = Redis.from_url(self.redis_url)
        client.delete(self.queue)
        client.close()


@pytest.fixture
def env(tmp_path: Path, redis_url: str) -> Iterator[Env]:
    environment = Env(tmp_path, redis_url)
    yield environment
    environment.close()


async def _enqueue(aiohttp_client: Any, env: Env, session_ids: list[str]) -> None:
    """What the server does: its app (celery backend) enqueues through :func:`enqueue_analysis`."""
    client = await aiohttp_client(create_app(env.settings()))
    assert isinstance(client.app[JOBS], CeleryJobRunner)
    for session_id in session_ids:
        job = await enqueue_analysis(client.app, session_id)
        assert job.state is JobState.QUEUED and job.backend == "celery"


async def _seed(env: Env, recording: Path) -> str:
    return (await seed_session(env.database_url, env.tmp_path / "var" / "blobs", recording)).session_id


async def _wait(predicate: Any, timeout_s: float, what: str) -> None:
    await asyncio.to_thread(wait_for, predicate, timeout_s, what)


async def _snapshot(env: Env, session_id: str) -> Any:
    return await snapshot(env.database_url, session_id)


async def test_worker_runs_enqueued_jobs_and_fails_poisoned_input_without_retry(aiohttp_client: Any, env: Env) -> None:
    good = await _seed(env, tone_recording(env.tmp_path / "good.webm"))
    garbage = env.tmp_path / "bad.webm"
    garbage.write_bytes(b"\x1a\x45\xdf\xa3 definitely not matroska" * 50)
    bad = await _seed(env, garbage)
    await _enqueue(aiohttp_client, env, [good, bad])

    env.start_worker({})
    await _wait(
        lambda: job_state(env.database_url, good) == "succeeded" and job_state(env.database_url, bad) == "failed",
        60,
        "both jobs to finish\n" + env.logs(),
    )
    ok = await _snapshot(env, good)
    failed = await _snapshot(env, bad)

    assert ok.session.state is SessionState.ANALYZED and len(ok.reports) == 1
    assert ok.job is not None and ok.job.progress == 1.0 and ok.job.attempts == 1
    assert failed.session.state is SessionState.FAILED and failed.reports == []
    assert failed.job is not None and failed.job.attempts == 1 and failed.job.error == failed.session.failure_reason
    assert failed.job.error is not None and "cannot be analysed" in failed.job.error
    redis = Redis.from_url(env.redis_url)
    assert redis.llen(env.queue) == 0
    redis.close()


async def test_job_of_a_killed_worker_completes_on_a_second_worker(aiohttp_client: Any, env: Env) -> None:
    session_id = await _seed(env, tone_recording(env.tmp_path / "talk.webm"))
    await _enqueue(aiohttp_client, env, [session_id])
    options = {"hold_dir": str(env.hold)}

    first = env.start_worker(options)
    await _wait(lambda: (env.hold / "started").exists(), 60, "the first worker to start the job\n" + env.logs())
    running = await _snapshot(env, session_id)
    assert running.job is not None and running.job.state is JobState.RUNNING and running.job.attempts == 1
    env.kill(first)
    env.start_worker(options)
    await _wait(
        lambda: job_state(env.database_url, session_id) == "succeeded", 60, "the job to complete\n" + env.logs()
    )
    snap = await _snapshot(env, session_id)

    assert snap.job is not None and snap.job.attempts == 2
    assert snap.session.state is SessionState.ANALYZED and len(snap.reports) == 1
    assert snap.reports[0].report["worker_pid"] != int((env.hold / "started").read_text())


async def test_hard_time_limit_kills_the_job_and_fails_it(aiohttp_client: Any, env: Env) -> None:
    session_id = await _seed(env, tone_recording(env.tmp_path / "talk.webm"))
    await _enqueue(aiohttp_client, env, [session_id])

    options = {"hold_dir": str(env.hold), "stubborn": True}
    env.start_worker(options, PODIUM_JOBS_SOFT_TIME_LIMIT_S="1", PODIUM_JOBS_TIME_LIMIT_S="2")
    await _wait(lambda: job_state(env.database_url, session_id) == "failed", 60, "the job to fail\n" + env.logs())
    snap = await _snapshot(env, session_id)

    assert snap.job is not None and snap.job.error == "the analysis was stopped after 2 s (time limit)"
    assert snap.job.attempts == 1 and snap.session.state is SessionState.FAILED and snap.reports == []
