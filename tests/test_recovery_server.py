"""A real `podium serve` killed with SIGKILL mid-session: the next start ends the session as interrupted,
stores a playable recording and analyses it.

Run as a script (``python -m tests.test_recovery_server --data-dir D --out F``, inside a network namespace)
it starts the server, publishes over WHIP for a few seconds, kills the server, starts it again, follows the
session through the API and writes a JSON report to F.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import av
import pytest

from tests.webrtc_support import netns_available, run_in_netns

PORT = 18093
BASE = f"http://127.0.0.1:{PORT}"
SERVE = "from server.cli import main; raise SystemExit(main(['serve']))"
UPGRADE = "from server.cli import main; raise SystemExit(main(['db', 'upgrade']))"


def _env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PODIUM_DATA_DIR": str(data_dir),
        "PODIUM_PORT": str(PORT),
        "PODIUM_HOST": "127.0.0.1",
        "PODIUM_MODELS_DIR": str(data_dir / "no-models"),
        "PODIUM_PRELOAD_MODELS": "false",
        "PODIUM_LIVE_ASR": "false",
        "PODIUM_NO_MEDIA_TIMEOUT_S": "30",
        "PODIUM_JOBS_ANALYZER": "tests.jobs_support:fake_analyze",
    }


async def _started(data_dir: Path, log: Path) -> asyncio.subprocess.Process:
    out = await asyncio.to_thread(log.open, "ab")
    try:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SERVE, env=_env(data_dir), stdout=out, stderr=out
        )
    finally:
        out.close()
    deadline = time.monotonic() + 90
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if server.returncode is not None:
                tail = (await asyncio.to_thread(log.read_text))[-3000:]
                raise RuntimeError(f"server exited with {server.returncode}: {tail}")
            try:
                async with http.get(f"{BASE}/healthz") as response:
                    if response.status == 200:
                        return server
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    server.kill()
    await server.wait()
    raise RuntimeError("server did not start")


async def _json(response: aiohttp.ClientResponse) -> Any:
    return await response.json(content_type=None)


async def scenario(data_dir: Path, seconds: float) -> dict[str, Any]:
    from tests.webrtc_support import Publisher

    log = data_dir / "server.log"
    report: dict[str, Any] = {}
    first = await _started(data_dir, log)
    try:
        async with aiohttp.ClientSession() as http:
            creds = {"email": "speaker@example.com", "password": "long password 123"}
            await http.post(f"{BASE}/api/v1/auth/register", json={**creds, "consent": True})
            token = (await _json(await http.post(f"{BASE}/api/v1/auth/token", json=creds)))["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            created = await _json(await http.post(f"{BASE}/api/v1/sessions", json={"title": "k"}, headers=auth))
            session_url = f"{BASE}/api/v1/sessions/{created['id']}"
            publisher = Publisher()
            offer = await publisher.offer()
            sdp = {"Content-Type": "application/sdp", **auth}
            response = await http.post(BASE + created["whip_url"], data=offer, headers=sdp)
            report["post_status"] = response.status
            await publisher.accept(await response.text())
            await asyncio.wait_for(publisher.connected.wait(), 15)
            await asyncio.sleep(seconds)
            report["state_before_kill"] = (await _json(await http.get(session_url, headers=auth)))["state"]
            first.send_signal(signal.SIGKILL)
            await asyncio.wait_for(first.wait(), 10)
            await publisher.close()

            second = await _started(data_dir, log)
            try:
                states: list[str] = []
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    state = (await _json(await http.get(session_url, headers=auth)))["state"]
                    if not states or states[-1] != state:
                        states.append(state)
                    if state in ("analyzed", "failed"):
                        break
                    await asyncio.sleep(0.1)
                report["states_after_restart"] = states
                report["analysis"] = await _json(await http.get(session_url + "/analysis", headers=auth))
                recording = await http.get(session_url + "/recording", headers=auth)
                report["recording_status"] = recording.status
                await asyncio.to_thread((data_dir / "downloaded.mkv").write_bytes, await recording.read())
            finally:
                second.send_signal(signal.SIGTERM)
                await asyncio.wait_for(second.wait(), 30)
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
    report["log"] = (await asyncio.to_thread(log.read_text))[-20000:]
    return report


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    if not netns_available():
        pytest.skip("needs root to create a network namespace (unshare -n)")
    data_dir = tmp_path_factory.mktemp("killed-server")
    out = data_dir / "report.json"
    proc = run_in_netns(
        [sys.executable, "-m", "tests.test_recovery_server", "--data-dir", str(data_dir), "--out", str(out)],
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(out.read_text()), data_dir


@pytest.mark.slow
def test_killed_server_leaves_a_session_that_the_next_start_interrupts_and_analyses(
    report: tuple[dict[str, Any], Path],
) -> None:
    r, data_dir = report
    assert r["post_status"] == 201 and r["state_before_kill"] == "live"
    assert "was live when its server died: interrupted (recording of" in r["log"]
    assert r["states_after_restart"][-1] == "analyzed", r["states_after_restart"]
    assert set(r["states_after_restart"]) <= {"live", "interrupted", "analyzing", "analyzed"}
    assert r["analysis"]["state"] == "succeeded" and r["analysis"]["attempts"] == 1
    assert r["recording_status"] == 200
    with av.open(str(data_dir / "downloaded.mkv")) as container:
        assert container.duration is not None and container.duration > 0
        assert {s.type for s in container.streams} == {"audio", "video"}
        frames = sum(1 for _ in container.decode(video=0))
    assert frames > 10
    assert not list((data_dir / "recordings").glob(".*.part"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-c", UPGRADE], env=_env(args.data_dir), check=True)
    args.out.write_text(json.dumps(asyncio.run(scenario(args.data_dir, args.seconds))))


if __name__ == "__main__":
    main()
