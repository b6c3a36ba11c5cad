"""Two real `podium serve` nodes on one database and one Redis; run inside a network namespace.

``python -m tests.cluster_scenario --data-dir D --redis-url unix://SOCK?db=15 --prefix P --out F
[--database-url URL]`` (default: one SQLite file in D) starts node A
and node B (each with its own data dir and PODIUM_PUBLIC_URL), publishes over WHIP to A with an aiortc client,
follows the session's SSE on B, posts a coach's note on B, tries WHIP/WHEP on B (307 to A), revokes the coach's
share on A while the coach follows the SSE on B, kills A with SIGKILL
and waits for B to end the session as interrupted; it writes a JSON report to F.
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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from tests.webrtc_support import Publisher

PORTS = {"a": 18101, "b": 18102}
SERVE = "from server.cli import main; raise SystemExit(main(['serve']))"
UPGRADE = "from server.cli import main; raise SystemExit(main(['db', 'upgrade']))"
SECRET = "cluster-scenario-shared-signing-key-0123456789"
NODE_TTL_S = 3.0
WAIT_S = 30.0
SDP = "application/sdp"


def base(node: str) -> str:
    return f"http://127.0.0.1:{PORTS[node]}"


def node_env(data_dir: Path, node: str, database_url: str, redis_url: str, prefix: str) -> dict[str, str]:
    return {
        **os.environ,
        "PODIUM_DATA_DIR": str(data_dir / node),
        "PODIUM_DATABASE_URL": database_url,
        "PODIUM_SECRET_KEY": SECRET,
        "PODIUM_REDIS_URL": redis_url,
        "PODIUM_CLUSTER_PREFIX": prefix,
        "PODIUM_PUBLIC_URL": base(node),
        "PODIUM_NODE_TTL_S": str(NODE_TTL_S),
        "PODIUM_PORT": str(PORTS[node]),
        "PODIUM_HOST": "127.0.0.1",
        "PODIUM_MODELS_DIR": str(data_dir / "no-models"),
        "PODIUM_PRELOAD_MODELS": "false",
        "PODIUM_LIVE_ASR": "false",
        "PODIUM_NO_MEDIA_TIMEOUT_S": "60",
        "PODIUM_JOBS_ANALYZER": "tests.jobs_support:fake_analyze",
        "PODIUM_LIVE_SESSIONS_PER_USER": "1",
    }


async def start_node(env: dict[str, str], node: str, log: Path) -> asyncio.subprocess.Process:
    out = await asyncio.to_thread(log.open, "ab")
    try:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", SERVE, env=env, stdout=out, stderr=out)
    finally:
        out.close()
    deadline = time.monotonic() + 90
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                raise RuntimeError(f"node {node} exited with {proc.returncode}")
            try:
                async with http.get(f"{base(node)}/healthz") as response:
                    if response.status == 200:
                        return proc
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"node {node} did not start")


@asynccontextmanager
async def nodes(
    data_dir: Path, database_url: str, redis_url: str, prefix: str
) -> AsyncIterator[dict[str, asyncio.subprocess.Process]]:
    envs = {n: node_env(data_dir, n, database_url, redis_url, prefix) for n in PORTS}
    await asyncio.to_thread(subprocess.run, [sys.executable, "-c", UPGRADE], env=envs["a"], check=True)
    procs: dict[str, asyncio.subprocess.Process] = {}
    try:
        for n in PORTS:
            procs[n] = await start_node(envs[n], n, data_dir / f"node-{n}.log")
        yield procs
    finally:
        for proc in procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def token(http: aiohttp.ClientSession, email: str) -> dict[str, str]:
    creds = {"email": email, "password": "long password 123"}
    await http.post(f"{base('b')}/api/v1/auth/register", json={**creds, "consent": True})
    async with http.post(f"{base('b')}/api/v1/auth/token", json=creds) as response:
        body = await response.json()
    return {"Authorization": f"Bearer {body['access_token']}"}


async def read_sse(response: aiohttp.ClientResponse, messages: list[dict[str, Any]]) -> None:
    async for raw in response.content:
        line = raw.decode().strip()
        if line.startswith("data: "):
            messages.append({**json.loads(line[6:]), "_at": time.monotonic()})
        elif line.startswith("event: "):
            messages.append({"type": "_event", "event": line[7:], "_at": time.monotonic()})


async def until(check: Any, within_s: float = WAIT_S) -> float | None:
    """Seconds until ``check()`` held (polled), None if it never did within ``within_s``."""
    start = time.monotonic()
    while time.monotonic() - start < within_s:
        if check():
            return time.monotonic() - start
        await asyncio.sleep(0.05)
    return None


async def redirects(http: aiohttp.ClientSession, path: str, speaker: dict[str, str], coach: dict[str, str]) -> Any:
    """WHIP/WHEP POST and DELETE on node B, not followed: (status, Location) of each."""
    calls = {
        "whep_post": ("POST", f"{path}/whep", coach, "v=0\r\n"),
        "whep_delete": ("DELETE", f"{path}/whep/some-viewer", coach, None),
        "whip_post": ("POST", f"{path}/whip", speaker, "v=0\r\n"),
        "whip_delete": ("DELETE", f"{path}/whip/publisher", speaker, None),
    }
    out: dict[str, Any] = {}
    for name, (method, url, auth, body) in calls.items():
        headers = {**auth, "Content-Type": SDP} if body else auth
        async with http.request(method, base("b") + url, data=body, headers=headers, allow_redirects=False) as r:
            out[name] = [r.status, r.headers.get("Location")]
    return out


async def publish_second(http: aiohttp.ClientSession, speaker: dict[str, str]) -> list[Any]:
    """While the speaker's one allowed session is live on A, a second one offered to B: (status, error code)."""
    async with http.post(f"{base('b')}/api/v1/sessions", json={"title": "second"}, headers=speaker) as r:
        second = await r.json()
    offer = "v=0\r\n"  # the limit is checked before the offer is parsed
    url = f"{base('b')}/api/v1/sessions/{second['id']}/whip"
    async with http.post(url, data=offer, headers={**speaker, "Content-Type": SDP}) as r:
        body = await r.json() if r.status >= 400 else {}
    return [r.status, body.get("error", {}).get("code")]


async def revoke_on_a(
    http: aiohttp.ClientSession, path: str, share_id: str, speaker: dict[str, str], coach: dict[str, str]
) -> dict[str, Any]:
    """The coach follows the session's SSE on B; the speaker revokes the share on A: B's stream ends."""
    events: list[dict[str, Any]] = []
    timeout = aiohttp.ClientTimeout(total=None)
    async with http.get(base("b") + path + "/events", headers=coach, timeout=timeout) as sse:
        reader = asyncio.create_task(read_sse(sse, events))
        await until(lambda: bool(events), 10)
        revoked_at = time.monotonic()
        async with http.delete(f"{base('a')}/api/v1/shares/{share_id}", headers=speaker) as r:
            status = r.status
        ended = await until(reader.done, 10)
        ended_s = None if ended is None else time.monotonic() - revoked_at
        reader.cancel()
    return {
        "coach_sse_status": sse.status,
        "revoke_status": status,
        "coach_sse_ended_after_revoke_s": ended_s,
        "coach_sse_events": [e["event"] for e in events if e.get("type") == "_event"],
    }


async def scenario(data_dir: Path, database_url: str, redis_url: str, prefix: str) -> dict[str, Any]:
    report: dict[str, Any] = {"base": {n: base(n) for n in PORTS}}
    async with nodes(data_dir, database_url, redis_url, prefix) as procs, aiohttp.ClientSession() as http:
        speaker, coach = await token(http, "speaker@example.com"), await token(http, "coach@example.com")
        async with http.post(f"{base('a')}/api/v1/sessions", json={"title": "two nodes"}, headers=speaker) as r:
            created = await r.json()
        path = f"/api/v1/sessions/{created['id']}"
        share = {"coach_email": "coach@example.com", "session_id": created["id"], "permission": "comment"}
        async with http.post(f"{base('b')}/api/v1/shares", json=share, headers=speaker) as r:
            report["share_status"] = r.status
            share_id = (await r.json())["id"]
        publisher = Publisher()
        offer = await publisher.offer()
        async with http.post(base("a") + path + "/whip", data=offer, headers={**speaker, "Content-Type": SDP}) as r:
            report["publish_status"] = r.status
            answer = await r.text()
        await publisher.accept(answer)
        await asyncio.wait_for(publisher.connected.wait(), WAIT_S)

        messages: list[dict[str, Any]] = []
        sse = await http.get(base("b") + path + "/events", headers=speaker, timeout=aiohttp.ClientTimeout(total=None))
        report["sse_status"] = sse.status
        reader = asyncio.create_task(read_sse(sse, messages))
        report["sse_voice_after_s"] = await until(lambda: sum(m.get("type") == "voice" for m in messages) >= 3)

        posted_at = time.monotonic()
        note_body = {"text": "slow down", "tag": "pace"}
        async with http.post(base("b") + path + "/notes", json=note_body, headers=coach) as r:
            report["note"] = {"status": r.status, "body": await r.json()}
        report["note_to_speaker_s"] = await until(lambda: bool(publisher.by_type("note")), 10)
        report["speaker_notes"] = publisher.by_type("note")
        report["note_on_b_sse_s"] = await until(lambda: any(m.get("type") == "note" for m in messages), 10)
        report["note_posted_to_speaker_s"] = (
            publisher.received_at[publisher.messages.index(publisher.by_type("note")[0])] - posted_at
            if publisher.by_type("note")
            else None
        )
        report["second_live_on_b"] = await publish_second(http, speaker)
        report["redirects"] = await redirects(http, path, speaker, coach)
        stranger = await token(http, "stranger@example.com")
        report["stranger_on_b"] = (await redirects(http, path, stranger, stranger))["whep_post"]
        whip_on_a = report["redirects"]["whip_post"][1] or base("a") + path + "/whip"
        async with http.post(whip_on_a, data=offer, headers={**speaker, "Content-Type": SDP}) as r:
            report["whip_post_followed_status"] = r.status
        async with http.post(base("a") + path + "/whep", data="v=0\r\n", headers={**coach, "Content-Type": SDP}) as r:
            report["whep_on_a_status"] = r.status

        report.update(await revoke_on_a(http, path, share_id, speaker, coach))

        procs["a"].send_signal(signal.SIGKILL)
        await procs["a"].wait()
        killed_at = time.monotonic()
        state: dict[str, str] = {}

        async def poll_state() -> None:
            while True:
                async with http.get(base("b") + path, headers=speaker) as r:
                    state["now"] = (await r.json())["state"]
                if state["now"] != "live":
                    return
                await asyncio.sleep(0.1)

        await asyncio.wait_for(poll_state(), 60)
        report["state_after_kill"] = state["now"]
        report["interrupted_after_kill_s"] = time.monotonic() - killed_at
        report["sse_ended_after_kill_s"] = await until(reader.done, 10)
        reader.cancel()
        sse.close()
        await publisher.close()
    report["node_ttl_s"] = NODE_TTL_S
    report["logs"] = {n: (data_dir / f"node-{n}.log").read_text()[-6000:] for n in PORTS}
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--database-url", default="", help="default: one SQLite file in the data dir")
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    database_url = args.database_url or f"sqlite:///{args.data_dir / 'shared.db'}"
    report = asyncio.run(scenario(args.data_dir, database_url, args.redis_url, args.prefix))
    args.out.write_text(json.dumps(report, default=str))


if __name__ == "__main__":
    main()
