"""Fault injection against a real ``podium serve``: processes killed mid-work, Redis and PostgreSQL taken away.

Scenarios (``--only`` picks some):

* ``workers``: a live session (speech + video from a ``bench.capacity`` publisher process); ``kill -9`` of the
  pose worker, later of the speech worker: how long until ``pose`` / ``speech`` feedback arrives again (target
  ≤ 2 s), whether ``voice`` feedback went on, and the recording after the session (stored, playable);
* ``server``: ``kill -9`` of the server mid-session, restart on the same data: the session ends ``interrupted``,
  its recording is playable and a report is produced (full analysis);
* ``analysis``: ``kill -9`` of the analysis worker mid-job (an uploaded talk, full analysis): the job runs again
  and completes once (attempts = 2, one report);
* ``redis``: a private ``redis-server`` the server uses (rate limits, ``/readyz``) is stopped, then started: 503
  (never 500, never a hang) while it is down, everything back without restarting the server;
* ``postgres``: a private PostgreSQL cluster (``initdb`` + ``pg_ctl`` in a temporary directory, as the
  ``postgres`` user when run as root) holding the server's database is restarted: 503 while it is down, back
  without restarting the server.

The shared PostgreSQL (5432) and Redis (6379) of the machine are never touched. Runs inside a private network
namespace (re-executes itself under ``unshare -n``; needs root) so WebRTC stays on loopback. Usage::

    python -m bench.faults [--only workers,server,analysis,redis,postgres] [--seconds 24] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import av
import numpy as np
import requests

from bench.reliability_support import (
    Server,
    account,
    add_server_env,
    alive,
    cmdline,
    emit_report,
    free_port,
    in_netns,
    loadavg,
    server_env,
)

FAKE_ANALYZER = "tests.jobs_support:fake_analyze"
REAL_ANALYZER = "server.analysis.job:analyze_recording"
SCENARIOS = ("workers", "server", "analysis", "redis", "postgres")


async def call(method: str, url: str, limit_s: float = 15.0, **kwargs: Any) -> requests.Response:
    """A blocking ``requests`` call off the event loop (the publisher shares none of it: it is a process)."""
    return await asyncio.to_thread(requests.request, method, url, timeout=limit_s, **kwargs)


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def worker_with(server: Server, library: str, without: str) -> int | None:
    """The server's worker process that has ``library`` mapped and not ``without`` (pose: mediapipe; speech:
    ctranslate2) and used the most CPU in the last second: the one serving the session, not an idle pool or a
    standby spare."""
    candidates = []
    for pid in server.workers():
        if "resource_tracker" in cmdline(pid):
            continue
        with contextlib.suppress(OSError):
            maps = Path(f"/proc/{pid}/maps").read_text()
            if library in maps and without not in maps:
                candidates.append(pid)
    before = {pid: cpu_ticks(pid) for pid in candidates}
    time.sleep(1.0)
    busy = sorted(candidates, key=lambda pid: cpu_ticks(pid) - before[pid], reverse=True)
    return busy[0] if busy else None


def playable_s(data: bytes, path: Path) -> float:
    """Seconds of decodable audio in ``data`` (0 when it does not open)."""
    path.write_bytes(data)
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            last = 0.0
            for frame in container.decode(stream):
                if frame.pts is not None and frame.time_base is not None:
                    last = float(frame.pts * frame.time_base)
            return round(last, 2)
    except (av.FFmpegError, IndexError, OSError):
        return 0.0


class LiveRun:
    """One publisher process on one session of ``server``."""

    def __init__(self, server: Server, auth: dict[str, str], seconds: float) -> None:
        self.server, self.auth, self.seconds = server, auth, seconds
        self.session: dict[str, Any] = {}
        self.location = ""
        self.publisher: Any = None
        self.states: list[str] = []

    async def start(self, work: Path) -> None:
        from bench.capacity import PublisherProcess
        from bench.live_speech import make_clips

        clip = (await asyncio.to_thread(make_clips, 1, self.seconds))[0]
        base = self.server.base
        created = await call("POST", f"{base}/api/v1/sessions", json={"title": "fault"}, headers=self.auth)
        self.session = created.json()
        self.publisher = await PublisherProcess.start(clip, work / f"clip-{uuid.uuid4().hex[:6]}.npy")
        headers = {**self.auth, "Content-Type": "application/sdp"}
        answer = await call("POST", base + self.session["whip_url"], data=await self.publisher.offer(), headers=headers)
        if answer.status_code != 201:
            raise RuntimeError(f"WHIP answered {answer.status_code}: {answer.text[:300]}")
        self.location = answer.headers["Location"]
        await self.publisher.answer(answer.text)
        await asyncio.wait_for(self.publisher.connected(), 60)

    @property
    def url(self) -> str:
        return f"{self.server.base}/api/v1/sessions/{self.session['id']}"

    async def finish(self) -> list[tuple[float, dict[str, Any]]]:
        """Wait for the publisher's clip to end, then end the session; the messages it received."""
        result = await self.publisher.result(self.seconds + 120)
        await self.publisher.stop()
        await call("DELETE", self.server.base + self.location, headers=self.auth)
        return [(float(t), m) for t, m in result["messages"]]

    async def wait_state(self, states: Sequence[str], timeout_s: float) -> str:
        deadline, state = time.monotonic() + timeout_s, ""
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException, ValueError):
                state = (await call("GET", self.url, headers=self.auth)).json()["state"]
                if not self.states or self.states[-1] != state:
                    self.states.append(state)
                if state in states:
                    return state
            await asyncio.sleep(0.5)
        return state

    async def recording(self, work: Path) -> dict[str, Any]:
        response = await call("GET", self.url + "/recording", headers=self.auth, limit_s=60)
        seconds = playable_s(response.content, work / "recording.mkv") if response.status_code == 200 else 0.0
        return {"status": response.status_code, "bytes": len(response.content), "playable_s": seconds}


def resumed_after(messages: Sequence[tuple[float, dict[str, Any]]], kind: str, at: float) -> float | None:
    """Seconds from ``at`` to the first ``kind`` message received after it (None: never)."""
    after = [t for t, m in messages if m.get("type") == kind and t > at]
    return round(min(after) - at, 2) if after else None


def flowing_before(messages: Sequence[tuple[float, dict[str, Any]]], kind: str, at: float) -> int:
    return sum(1 for t, m in messages if m.get("type") == kind and at - 3 < t <= at)


def usual_gap_s(messages: Sequence[tuple[float, dict[str, Any]]], kind: str, at: float) -> float | None:
    """The median time between two ``kind`` messages before ``at`` (what "resumed after" compares with: speech
    messages come only while words are heard, seconds apart under load)."""
    times = [t for t, m in messages if m.get("type") == kind and t <= at]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return round(float(np.median(gaps)), 2) if gaps else None


async def kill_worker(server: Server, library: str, without: str) -> tuple[float, int | None]:
    pid = await asyncio.to_thread(worker_with, server, library, without)
    if pid is not None:
        os.kill(pid, signal.SIGKILL)
    return time.monotonic(), pid


async def scenario_workers(work: Path, seconds: float, kills: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    base_env = {"PODIUM_JOBS_ANALYZER": FAKE_ANALYZER, "PODIUM_NO_MEDIA_TIMEOUT_S": "30"}
    server = Server(work / "workers", {**base_env, **env})
    await asyncio.to_thread(server.start)
    try:
        auth = await asyncio.to_thread(account, server.base, "workers@example.com")
        run = LiveRun(server, auth, seconds)
        await run.start(work)
        await asyncio.sleep(seconds * 0.3)
        pose_at, pose_pid = await kill_worker(server, "mediapipe", "ctranslate2") if "pose" in kills else (0, None)
        await asyncio.sleep(seconds * 0.3)
        speech_at, speech_pid = (0.0, None)
        if "speech" in kills:
            speech_at, speech_pid = await kill_worker(server, "ctranslate2", "mediapipe")
        messages = await run.finish()
        state = await run.wait_state(("analyzed", "failed"), 120)
        recording = await run.recording(work)
        return {
            "pose_worker_killed": pose_pid,
            "pose_flowing_before": flowing_before(messages, "pose", pose_at),
            "pose_resumed_after_s": resumed_after(messages, "pose", pose_at),
            "voice_after_pose_kill_s": resumed_after(messages, "voice", pose_at),
            "speech_worker_killed": speech_pid,
            "speech_flowing_before": flowing_before(messages, "speech", speech_at),
            "speech_resumed_after_s": resumed_after(messages, "speech", speech_at),
            "speech_usual_gap_s": usual_gap_s(messages, "speech", speech_at),
            "spare_took_over": server.log_count("the spare takes over"),
            "speech_times_from_kill_s": [round(t - speech_at, 2) for t, m in messages if m.get("type") == "speech"],
            "voice_after_speech_kill_s": resumed_after(messages, "voice", speech_at),
            "final_state": state,
            "recording": recording,
            "server_alive": server.check_alive(),
        }
    finally:
        await asyncio.to_thread(server.stop)


async def scenario_server(work: Path, seconds: float) -> dict[str, Any]:
    server = Server(work / "server", {"PODIUM_JOBS_ANALYZER": REAL_ANALYZER, "PODIUM_NO_MEDIA_TIMEOUT_S": "30"})
    await asyncio.to_thread(server.start)
    try:
        auth = await asyncio.to_thread(account, server.base, "server@example.com")
        run = LiveRun(server, auth, seconds)
        await run.start(work)
        await asyncio.sleep(seconds * 0.5)
        server.kill(signal.SIGKILL)
        await run.publisher.stop()
        orphans = [p for p in server.workers() if alive(p)]
        started = time.monotonic()
        await asyncio.to_thread(server.start)
        state = await run.wait_state(("analyzed", "failed"), 600)
        recording = await run.recording(work)
        report = await call("GET", run.url + "/report", headers=auth)
        return {
            "killed_after_s": round(seconds * 0.5, 1),
            "state_after_restart": state,
            "states_after_restart": run.states,
            "restart_to_analyzed_s": round(time.monotonic() - started, 1),
            "recording": recording,
            "report_status": report.status_code,
            "orphan_workers_after_kill": len(orphans),
        }
    finally:
        await asyncio.to_thread(server.stop)


def talk_file(path: Path, seconds: float) -> bytes:
    from bench.live_speech import make_clips
    from media.offline.encode import write_audio

    clip = make_clips(1, seconds)[0]
    samples = clip.pcm48[::3].astype("float32") / 32768.0
    write_audio(path, samples, 16000)
    return path.read_bytes()


async def upload(base: str, auth: dict[str, str], data: bytes) -> str:
    tus = {**auth, "Tus-Resumable": "1.0.0"}
    meta = "filename " + base64.b64encode(b"talk.webm").decode()
    created = await call(
        "POST", f"{base}/api/v1/uploads", headers={**tus, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
    )
    headers = {**tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
    patched = await call("PATCH", base + created.headers["Location"], headers=headers, data=data, limit_s=120)
    if patched.status_code != 204:
        raise RuntimeError(f"upload answered {patched.status_code}: {patched.text[:300]}")
    return patched.headers["Podium-Session-Id"]


async def job(base: str, auth: dict[str, str], session_id: str) -> dict[str, Any]:
    response = await call("GET", f"{base}/api/v1/sessions/{session_id}/analysis", headers=auth)
    return response.json() if response.status_code == 200 else {}


async def scenario_analysis(work: Path, seconds: float) -> dict[str, Any]:
    env = {"PODIUM_JOBS_ANALYZER": REAL_ANALYZER, "PODIUM_PRELOAD_MODELS": "false", "PODIUM_LIVE_ASR": "false"}
    server = Server(work / "analysis", env)
    await asyncio.to_thread(server.start)
    try:
        auth = await asyncio.to_thread(account, server.base, "analysis@example.com")
        data = await asyncio.to_thread(talk_file, work / "talk.webm", max(20.0, seconds))
        session_id = await upload(server.base, auth, data)
        deadline, killed = time.monotonic() + 300, None
        while time.monotonic() < deadline and killed is None:
            state = await job(server.base, auth, session_id)
            if state.get("state") == "running" and state.get("progress", 0) > 0:
                workers = [p for p in server.workers() if "resource_tracker" not in cmdline(p)]
                if workers:
                    os.kill(workers[0], signal.SIGKILL)
                    killed = workers[0]
            await asyncio.sleep(0.2)
        final: dict[str, Any] = {}
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            final = await job(server.base, auth, session_id)
            if final.get("state") in ("succeeded", "failed"):
                break
            await asyncio.sleep(0.5)
        report = await call("GET", f"{server.base}/api/v1/sessions/{session_id}/report", headers=auth)
        return {
            "killed_worker": killed,
            "job_state": final.get("state"),
            "attempts": final.get("attempts"),
            "error": final.get("error"),
            "report_status": report.status_code,
            "server_alive": server.check_alive(),
        }
    finally:
        await asyncio.to_thread(server.stop)


# ---- dependencies taken away ----


def probe_api(base: str, auth: dict[str, str], email: str) -> dict[str, int | str]:
    """One round of requests: readiness, sign-in (Redis rate limit), a database read; statuses or 'hang'."""
    checks: dict[str, Callable[[], requests.Response]] = {
        "readyz": lambda: requests.get(f"{base}/readyz", timeout=10),
        "login": lambda: requests.post(
            f"{base}/api/v1/auth/token", json={"email": email, "password": "reliability password 1"}, timeout=10
        ),
        "sessions": lambda: requests.get(f"{base}/api/v1/sessions", headers=auth, timeout=10),
    }
    out: dict[str, int | str] = {}
    for name, check in checks.items():
        try:
            out[name] = check().status_code
        except requests.RequestException as exc:
            out[name] = f"hang/{type(exc).__name__}"
    return out


def observe(base: str, auth: dict[str, str], email: str, seconds: float) -> dict[str, list[int | str]]:
    """Every status seen in ``seconds`` of repeated rounds."""
    seen: dict[str, list[int | str]] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for k, v in probe_api(base, auth, email).items():
            if v not in seen.setdefault(k, []):
                seen[k].append(v)
        time.sleep(0.3)
    return seen


def recovered_within(base: str, auth: dict[str, str], email: str, timeout_s: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if all(v == 200 for v in probe_api(base, auth, email).values()):
            return round(time.monotonic() - started, 2)
        time.sleep(0.2)
    return None


def dependency_run(
    server: Server, stop: Callable[[], None], start: Callable[[], None], down_s: float
) -> dict[str, Any]:
    email = f"dep-{uuid.uuid4().hex[:6]}@example.com"
    auth = account(server.base, email)
    before = probe_api(server.base, auth, email)
    stop()
    while_down = observe(server.base, auth, email, down_s)
    start()
    recovered = recovered_within(server.base, auth, email, 60)
    statuses = [v for vs in while_down.values() for v in vs]
    return {
        "before": before,
        "while_down": while_down,
        "5xx_other_than_503": sum(1 for v in statuses if isinstance(v, int) and v >= 500 and v != 503),
        "hangs": sum(1 for v in statuses if isinstance(v, str)),
        "recovered_after_s": recovered,
        "server_alive": server.check_alive(),
        "server_starts": server.starts,
    }


class PrivateRedis:
    def __init__(self, work: Path) -> None:
        self.port, self.work = free_port(), work
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen([*argv, "--dir", str(self.work)], stdout=subprocess.DEVNULL)
        wait_port(self.port)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(30)


class PrivatePostgres:
    """A throw-away cluster: ``initdb`` + ``pg_ctl`` on a free port (as user ``postgres`` when root)."""

    def __init__(self, work: Path) -> None:
        self.port, self.dir = free_port(), work / "pg"
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = bins[-1]

    def _run(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run([*prefix, *argv], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.dir.mkdir(parents=True)
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust")
        self.start()

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.dir / "data"),
            "-o",
            opts,
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


def wait_port(port: int, timeout_s: float = 30.0) -> None:
    import socket

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def scenario_redis(work: Path, down_s: float) -> dict[str, Any]:
    redis = PrivateRedis(work)
    redis.start()
    env = {"PODIUM_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0", "PODIUM_PRELOAD_MODELS": "false"}
    server = Server(work / "redis", {**env, "PODIUM_LIVE_ASR": "false"})
    try:
        server.start()
        return dependency_run(server, redis.stop, redis.start, down_s)
    finally:
        server.stop()
        redis.stop()


def scenario_postgres(work: Path, down_s: float) -> dict[str, Any]:
    pg = PrivatePostgres(work)
    pg.init()
    env = {"PODIUM_DATABASE_URL": pg.url, "PODIUM_PRELOAD_MODELS": "false", "PODIUM_LIVE_ASR": "false"}
    server = Server(work / "postgres", env)
    try:
        server.start()
        return dependency_run(server, pg.stop, pg.start, down_s)
    finally:
        server.stop()
        with contextlib.suppress(subprocess.SubprocessError):
            pg.stop()


async def run_all(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    report: dict[str, Any] = {"load_start": loadavg()}
    wanted = args.only.split(",")
    runners: dict[str, Callable[[], Any]] = {
        "workers": lambda: scenario_workers(work, args.seconds, args.kills.split(","), server_env(args.server_env)),
        "server": lambda: scenario_server(work, args.seconds),
        "analysis": lambda: scenario_analysis(work, args.seconds),
        "redis": lambda: asyncio.to_thread(scenario_redis, work, args.down),
        "postgres": lambda: asyncio.to_thread(scenario_postgres, work, args.down),
    }
    for name in wanted:
        started = time.monotonic()
        try:
            report[name] = await runners[name]()
        except Exception as exc:  # a scenario that cannot run is reported, the others still run
            report[name] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        report[name]["seconds"] = round(time.monotonic() - started, 1)
        if args.json is not None:
            args.json.write_text(json.dumps(report, indent=1))
    report["load_end"] = loadavg()
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--seconds", type=float, default=24.0, help="speech per live session")
    parser.add_argument("--down", type=float, default=5.0, help="seconds Redis/PostgreSQL stay down")
    parser.add_argument("--kills", default="pose,speech", help="workers scenario: which workers to kill")
    parser.add_argument("--json", type=Path, default=None)
    add_server_env(parser)
    args = parser.parse_args(argv)
    in_netns("bench.faults", list(argv) if argv is not None else __import__("sys").argv[1:])
    work = Path(tempfile.mkdtemp(prefix="podium-faults-"))
    if os.getuid() == 0:
        work.chmod(0o755)
    report = asyncio.run(run_all(args, work))
    emit_report(report, args.json)


if __name__ == "__main__":
    main()
