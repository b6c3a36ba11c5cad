"""Worker processes exit when their parent dies by SIGKILL (pose, speech, analysis pools; prctl and polling).

Run as a script (``python -m tests.test_orphans KIND``) it is the parent: it starts one worker of KIND,
prints ``{"worker": pid}`` and waits to be killed.
"""

from __future__ import annotations

import asyncio
import functools
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from inference.orphans import exit_with_parent, set_parent_death_signal

POSE_MODEL = Path("var/models/pose_landmarker_lite.task")
EXIT_WITHIN_S = 5.0


class _NullSpeech:
    def transcribe(self, utterance: Any) -> list[Any]:
        return []


def null_speech() -> _NullSpeech:
    """A picklable speech factory for the speech pool (no model needed)."""
    return _NullSpeech()


def _spawn_pool(initializer: Any) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=initializer)


def _worker_executor(kind: str) -> Executor:
    """Build the pool a real Podium component builds, for ``kind``."""
    if kind == "unguarded":
        return _spawn_pool(None)
    if kind == "prctl":
        return _spawn_pool(exit_with_parent)
    if kind == "poll":
        return _spawn_pool(functools.partial(exit_with_parent, use_prctl=False, interval_s=0.2))
    if kind == "jobs":
        from server.analysis.job import JobConfig
        from server.analysis.runner import LocalJobRunner

        runner = LocalJobRunner(JobConfig("sqlite://", Path("blobs"), Path("models")), db=None)  # type: ignore[arg-type]
        return runner._pool
    from media.config import MediaConfig
    from media.workers import MediaWorkers

    if kind == "speech":
        speech = MediaWorkers(MediaConfig(), speech_factory=null_speech).speech
        assert speech is not None
        return speech
    if kind == "pose":
        return MediaWorkers(MediaConfig(pose_model_path=POSE_MODEL.resolve()))._pose_pools[0]
    raise ValueError(kind)


def _parent(kind: str) -> None:
    executor = _worker_executor(kind)
    pid = asyncio.run(_worker_pid(executor))
    print(json.dumps({"worker": pid}), flush=True)
    threading.Event().wait()


async def _worker_pid(executor: Executor) -> int:
    pid: int = await asyncio.get_running_loop().run_in_executor(executor, os.getpid)
    return pid


def _gone(pid: int) -> bool:
    """True once ``pid`` has exited (no longer exists, or is a zombie nobody reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def _wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.05)
    return _gone(pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc to watch the worker")
@pytest.mark.parametrize("kind", ["prctl", "poll", "jobs", "speech", "pose"])
def test_worker_exits_when_its_parent_is_killed(kind: str) -> None:
    if kind == "pose" and not POSE_MODEL.exists():
        pytest.skip("pose model not prepared (podium models)")
    parent = subprocess.Popen(
        [sys.executable, "-m", "tests.test_orphans", kind], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    worker = 0
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        assert line, f"parent exited with {parent.poll()} before starting its worker"
        worker = int(json.loads(line)["worker"])
        assert worker != parent.pid and not _gone(worker)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        assert _wait_gone(worker, EXIT_WITHIN_S), f"{kind} worker {worker} outlived its killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if worker and not _gone(worker):
            os.kill(worker, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc to watch the worker")
def test_unguarded_worker_outlives_its_killed_parent() -> None:
    """The control: without the guard a spawned pool worker stays behind as an orphan (the defect)."""
    parent = subprocess.Popen(
        [sys.executable, "-m", "tests.test_orphans", "unguarded"], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    worker = int(json.loads(parent.stdout.readline())["worker"])
    try:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        assert not _wait_gone(worker, 1.5)
    finally:
        os.kill(worker, signal.SIGKILL)


def test_parent_death_signal_is_available_on_linux() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("prctl is Linux only")
    script = "from inference.orphans import set_parent_death_signal as s; print(s())"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    assert callable(set_parent_death_signal)


if __name__ == "__main__":
    _parent(sys.argv[1])
