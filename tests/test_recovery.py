"""Start-up recovery of live sessions whose server died: remux the partial recording, store it, analyse it."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import av
import pytest

from media.recorder import partial_path
from media.remux import remux_partial
from server.analysis.runner import JOBS, LocalJobRunner
from server.app import create_app
from server.recovery import (
    RECOVERY,
    LiveMarker,
    marker_path,
    read_marker,
    recordings_dir,
    recover_session,
    should_recover,
    this_process,
    write_marker,
)
from server.settings import Settings
from storage.blobs import LocalBlobStore
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_async
from storage.models import SessionState
from storage.repositories import RecordingRepository, SessionRepository
from storage.session_states import check_transition
from tests.jobs_support import FAKE_ANALYZER, seed_session, snapshot

_RECORD_AND_DIE = """
import os, signal, sys, time
from pathlib import Path
from media.recorder import Recorder
from tests.test_media_recorder import _opus_packets, _vp8_packets

seconds = float(sys.argv[2])
video, audio = _vp8_packets(round(seconds * 30)), _opus_packets(round(seconds * 50))
rec = Recorder(Path(sys.argv[1]))
rec.expect("video")
rec.expect("audio")
for i in range(max(len(video), len(audio))):
    if i < len(audio):
        rec.push("audio", "opus", audio[i][0], audio[i][1], 48000)
    if i < len(video):
        rec.push("video", "VP8", video[i][0], video[i][1], 90000)
deadline = time.monotonic() + 30
while rec._queue.qsize() and time.monotonic() < deadline:
    time.sleep(0.01)
time.sleep(0.2)
os.kill(os.getpid(), signal.SIGKILL)
"""
"""Records ``seconds`` of generated media with the real recorder, waits for its writer thread, then SIGKILLs
itself: what a server killed mid-session leaves."""


def killed_recording(directory: Path, session_id: str, seconds: float = 4.0) -> Path:
    """The ``.part`` file a server killed while recording ``session_id`` leaves in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{session_id}.mkv"
    proc = subprocess.run(
        [sys.executable, "-c", _RECORD_AND_DIE, str(final), str(seconds)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    part = partial_path(final)
    assert part.is_file() and not final.exists()
    return part


def _decoded(path: Path) -> tuple[float, int, int]:
    with av.open(str(path)) as c:
        duration = float(c.duration or 0) / 1e6
        video = sum(1 for _ in c.decode(video=0))
    with av.open(str(path)) as c:
        samples = sum(f.samples for f in c.decode(audio=0))
    return duration, video, samples


@pytest.fixture(scope="module")
def part_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return killed_recording(tmp_path_factory.mktemp("killed"), "template", seconds=4.0)


def _copy_part(part_file: Path, directory: Path, session_id: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    dest = partial_path(directory / f"{session_id}.mkv")
    shutil.copy(part_file, dest)
    return dest


def test_a_killed_recording_has_no_duration_and_remuxes_to_a_playable_file(part_file: Path, tmp_path: Path) -> None:
    with av.open(str(part_file)) as c:
        assert c.duration is None  # what the killed server left: no duration, no cues

    result = remux_partial(part_file, tmp_path / "out.mkv")

    assert result is not None and result.path == tmp_path / "out.mkv"
    assert result.codecs == {"video": "vp8", "audio": "opus"}
    duration, video_frames, samples = _decoded(result.path)
    assert 1.0 < duration <= 4.2 and result.duration_s == pytest.approx(duration, abs=0.05)
    assert video_frames >= 30 and samples >= 48000
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert result.bytes == result.path.stat().st_size


def test_garbage_or_empty_partial_files_recover_nothing(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.part"
    garbage.write_bytes(b"not matroska" * 100)
    empty = tmp_path / "empty.part"
    empty.write_bytes(b"")
    assert remux_partial(garbage, tmp_path / "a.mkv") is None
    assert remux_partial(empty, tmp_path / "b.mkv") is None


def test_interrupted_is_a_state_between_live_and_analysis() -> None:
    check_transition(SessionState.LIVE, SessionState.INTERRUPTED)
    check_transition(SessionState.INTERRUPTED, SessionState.ANALYZING)
    check_transition(SessionState.INTERRUPTED, SessionState.FAILED)
    with pytest.raises(ValueError):
        check_transition(SessionState.INTERRUPTED, SessionState.LIVE)
    with pytest.raises(ValueError):
        check_transition(SessionState.ENDED, SessionState.INTERRUPTED)


def _dead_marker() -> LiveMarker:
    """A marker of a server process that no longer runs (same host, a pid whose process has exited)."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return LiveMarker(socket.gethostname(), int(proc.stdout), "1")


def _write(directory: Path, session_id: str, marker: LiveMarker) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    marker_path(directory, session_id).write_text(
        f'{{"host": "{marker.host}", "pid": {marker.pid}, "started": "{marker.started}"}}'
    )


def test_which_live_sessions_this_server_recovers(tmp_path: Path) -> None:
    directory = tmp_path / "recordings"
    write_marker(directory, "mine")
    assert read_marker(directory, "mine") == this_process()
    _write(directory, "dead", _dead_marker())
    _write(directory, "elsewhere", LiveMarker("another-host", 1, "1"))
    _write(directory, "reused-pid", LiveMarker(socket.gethostname(), os.getpid(), "not-my-start-time"))
    partial_path(directory / "unmarked.mkv").write_bytes(b"x")

    assert not should_recover(directory, "mine", embedded=True)  # this very process hosts it
    assert should_recover(directory, "dead", embedded=False)
    assert not should_recover(directory, "elsewhere", embedded=True)
    assert should_recover(directory, "reused-pid", embedded=False)
    assert should_recover(directory, "unmarked", embedded=False)  # recorded here by a server before markers
    assert should_recover(directory, "nothing-here", embedded=True)  # one server only: it was ours
    assert not should_recover(directory, "nothing-here", embedded=False)  # may be another server's


async def _seed_live(database_url: str) -> str:
    seeded = await seed_session(database_url, Path("unused"), None, state=SessionState.LIVE)
    return seeded.session_id


async def test_two_servers_recovering_at_once_recover_a_session_once(
    database_url: str, part_file: Path, tmp_path: Path
) -> None:
    session_id = await _seed_live(database_url)
    directories = [tmp_path / "a", tmp_path / "b"]
    for directory in directories:
        _copy_part(part_file, directory, session_id)
    engine = create_engine(database_url)
    blobs = LocalBlobStore(tmp_path / "blobs")
    try:
        factory = session_factory(engine)
        outcomes = await asyncio.gather(*(recover_session(factory, blobs, d, session_id) for d in directories))
        async with factory() as db:
            session = await SessionRepository(db).get(session_id)
            rows = await RecordingRepository(db).for_session(session_id)
    finally:
        await engine.dispose()

    won = [o for o in outcomes if o is not None]
    assert len(won) == 1 and won[0].recording is not None
    assert session is not None and session.state is SessionState.INTERRUPTED and session.ended_at is not None
    assert len(rows) == 1 and rows[0].video_codec == "vp8" and rows[0].audio_codec == "opus"
    assert rows[0].duration_s > 1.0
    assert _decoded(blobs.local_path(rows[0].blob_key))[1] >= 30
    assert not list((tmp_path / "blobs").glob(".partial/*"))


async def _app_settings(tmp_path: Path) -> Settings:
    settings = Settings(
        data_dir=tmp_path / "var",
        models_dir=tmp_path / "no-models",
        preload_models=False,
        live_asr=False,
        jobs_analyzer=FAKE_ANALYZER,
    )
    settings.data_dir.mkdir(parents=True)
    await upgrade_async(settings.resolved_database_url)
    return settings


async def test_start_up_interrupts_a_dead_servers_sessions_stores_and_analyses_their_recordings(
    aiohttp_client: Any, part_file: Path, tmp_path: Path
) -> None:
    settings = await _app_settings(tmp_path)
    url = settings.resolved_database_url
    directory = recordings_dir(settings.data_dir)
    killed = await _seed_live(url)
    _copy_part(part_file, directory, killed)
    _write(directory, killed, _dead_marker())
    silent = await _seed_live(url)  # live when the server died, before any media arrived
    _write(directory, silent, _dead_marker())
    running = await _seed_live(url)  # hosted by a server that still runs (this process)
    write_marker(directory, running)

    client = await aiohttp_client(create_app(settings))
    recovered = await asyncio.wait_for(client.app[RECOVERY], 60)
    runner = client.app[JOBS]
    assert isinstance(runner, LocalJobRunner)
    await asyncio.wait_for(runner.idle(), 120)

    assert sorted(recovered) == sorted([killed, silent])
    done = await snapshot(url, killed)
    assert done.session.state is SessionState.ANALYZED and done.session.ended_at is not None
    assert done.job is not None and done.job.attempts == 1 and len(done.reports) == 1
    assert done.reports[0].report["duration_s"] > 1.0
    assert (await snapshot(url, silent)).session.state is SessionState.INTERRUPTED
    assert (await snapshot(url, running)).session.state is SessionState.LIVE
    assert sorted(p.name for p in directory.iterdir()) == [f".{running}.live"]
