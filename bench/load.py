"""Load: U concurrent API users and K concurrent uploads for S seconds while one live session runs.

A real ``podium serve`` (defaults: pose and speech workers, live ASR; the probe-only analyser after uploads, so
the jobs do not compete with the live session for the two cores), loopback only. Each API user (they share
``--accounts`` accounts: signing up hashes a password with Argon2, which is deliberately slow) loops over the
reads and writes the web app does (``/me``, sessions list, one session, its analysis, progress, goals; one
session created at the start; no think time); each uploader loops tus uploads of a 10 s WebM (creation + one
``PATCH``). One ``bench.capacity`` publisher process speaks into a live session for the whole run. Measured: API
latency p50/p95/p99 and errors (any status other than the expected, 5xx separately), uploads completed and
their p95, and the live session's voice-feedback latency p95 (receive − send of the analysed audio) during the
load, next to the same session's p95 in the seconds before the load started.

Runs in a private network namespace (re-executes itself under ``unshare -n``; needs root). Usage::

    python -m bench.load [--users 200] [--uploads 20] [--seconds 120] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np

from bench.faults import FAKE_ANALYZER, call
from bench.reliability_support import (
    PASSWORD,
    Server,
    account,
    add_server_env,
    emit_report,
    in_netns,
    loadavg,
    pct,
    server_env,
)


@dataclasses.dataclass
class Stats:
    latencies: list[float] = dataclasses.field(default_factory=list)
    codes: Counter[int] = dataclasses.field(default_factory=Counter)
    errors: list[str] = dataclasses.field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        p = [pct(self.latencies, q) for q in (50, 95, 99)]
        return {
            "requests": len(self.latencies),
            "p50_ms": None if p[0] is None else round(p[0] * 1000),
            "p95_ms": None if p[1] is None else round(p[1] * 1000),
            "p99_ms": None if p[2] is None else round(p[2] * 1000),
            "codes": {str(k): v for k, v in sorted(self.codes.items())},
            "5xx": sum(v for k, v in self.codes.items() if k >= 500),
            "errors": len(self.errors),
            "error_examples": self.errors[:5],
        }


async def timed(stats: Stats, http: aiohttp.ClientSession, method: str, url: str, ok: set[int], **kw: Any) -> Any:
    started = time.monotonic()
    try:
        async with http.request(method, url, **kw) as response:
            body = await response.read()
            stats.latencies.append(time.monotonic() - started)
            stats.codes[response.status] += 1
            if response.status not in ok:
                stats.errors.append(f"{method} {url.split('/api/v1')[-1]} → {response.status} {body[:120]!r}")
            return response.status, response.headers, body
    except (aiohttp.ClientError, TimeoutError) as exc:
        stats.errors.append(f"{method} {url.split('/api/v1')[-1]}: {type(exc).__name__}")
        return None, {}, b""


async def api_user(http: aiohttp.ClientSession, base: str, auth: dict[str, str], stats: Stats, until: float) -> None:
    api = base + "/api/v1"
    _, _, body = await timed(stats, http, "POST", f"{api}/sessions", {201}, json={"title": "load"}, headers=auth)
    sid = json.loads(body or b"{}").get("id", "none")
    while time.monotonic() < until:
        await timed(stats, http, "GET", f"{api}/me", {200}, headers=auth)
        await timed(stats, http, "GET", f"{api}/sessions?limit=20", {200}, headers=auth)
        await timed(stats, http, "GET", f"{api}/sessions/{sid}", {200}, headers=auth)
        await timed(stats, http, "GET", f"{api}/sessions/{sid}/analysis", {200, 404}, headers=auth)
        await timed(stats, http, "GET", f"{api}/progress", {200}, headers=auth)
        await timed(stats, http, "GET", f"{api}/goals", {200}, headers=auth)


async def uploader(
    http: aiohttp.ClientSession, base: str, auth: dict[str, str], data: bytes, stats: Stats, until: float
) -> None:
    tus = {**auth, "Tus-Resumable": "1.0.0"}
    meta = "filename " + base64.b64encode(b"talk.webm").decode()
    while time.monotonic() < until:
        started = time.monotonic()
        creation = {**tus, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
        status, headers, _ = await timed(Stats(), http, "POST", f"{base}/api/v1/uploads", {201}, headers=creation)
        if status != 201:
            stats.errors.append(f"upload creation → {status}")
            stats.codes[status or 0] += 1
            await asyncio.sleep(0.5)
            continue
        patch = {**tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
        status, _, body = await timed(
            Stats(), http, "PATCH", base + headers["Location"], {204}, headers=patch, data=data
        )
        stats.codes[status or 0] += 1
        if status == 204:
            stats.latencies.append(time.monotonic() - started)
        else:
            stats.errors.append(f"upload PATCH → {status} {body[:120]!r}")


def upload_file(path: Path) -> bytes:
    from bench.live_speech import make_clips
    from media.offline.encode import write_audio

    clip = make_clips(1, 10.0)[0]
    write_audio(path, clip.pcm48[::3].astype(np.float32) / 32768.0, 16000)
    return path.read_bytes()


def voice_latencies(result: dict[str, Any], start: float, end: float) -> list[float]:
    audio0 = float(result["audio_start"])
    return [
        float(t) - (audio0 + float(m["t_s"]))
        for t, m in result["messages"]
        if m.get("type") == "voice" and start <= float(t) < end
    ]


async def live_session(server: Server, seconds: float, work: Path) -> Any:
    from bench.capacity import PublisherProcess
    from bench.live_speech import make_clips

    clip = (await asyncio.to_thread(make_clips, 1, min(60.0, seconds)))[0]
    reps = int(np.ceil(seconds / clip.duration_s))
    clip = dataclasses.replace(clip, pcm48=np.tile(clip.pcm48, reps)[: int(seconds * 48000)])
    auth = await asyncio.to_thread(account, server.base, "speaker@example.com")
    created = (await call("POST", f"{server.base}/api/v1/sessions", json={"title": "live"}, headers=auth)).json()
    pub = await PublisherProcess.start(clip, work / "clip.npy")
    headers = {**auth, "Content-Type": "application/sdp"}
    answer = await call("POST", server.base + created["whip_url"], data=await pub.offer(), headers=headers)
    if answer.status_code != 201:
        raise RuntimeError(f"WHIP answered {answer.status_code}: {answer.text[:300]}")
    await pub.answer(answer.text)
    await asyncio.wait_for(pub.connected(), 60)
    return pub


async def accounts(base: str, n: int, prefix: str) -> list[dict[str, str]]:
    async with aiohttp.ClientSession() as http:
        sem = asyncio.Semaphore(8)

        async def one(i: int) -> dict[str, str]:
            email = f"{prefix}-{i}@example.com"
            async with sem:
                body = {"email": email, "password": PASSWORD, "consent": True}
                await (await http.post(f"{base}/api/v1/auth/register", json=body)).read()
                token = await (
                    await http.post(f"{base}/api/v1/auth/token", json={"email": email, "password": PASSWORD})
                ).json()
            return {"Authorization": f"Bearer {token['access_token']}"}

        return list(await asyncio.gather(*(one(i) for i in range(n))))


async def load(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    env = {"PODIUM_JOBS_ANALYZER": FAKE_ANALYZER, "PODIUM_NO_MEDIA_TIMEOUT_S": "30", **server_env(args.server_env)}
    server = Server(work / "server", env)
    baseline = args.baseline
    report: dict[str, Any] = {"users": args.users, "accounts": args.accounts, "uploads": args.uploads}
    report["seconds"] = args.seconds
    report["load_start"] = loadavg()
    await asyncio.to_thread(server.start)
    try:
        shared = await accounts(server.base, min(args.accounts, args.users), "user")
        users = [shared[i % len(shared)] for i in range(args.users)]
        uploaders = await accounts(server.base, args.uploads, "uploader")
        data = await asyncio.to_thread(upload_file, work / "talk.webm")
        pub = await live_session(server, baseline + args.seconds + 10, work)
        await asyncio.sleep(baseline)
        api, ups = Stats(), Stats()
        start = time.monotonic()
        until = start + args.seconds
        connector = aiohttp.TCPConnector(limit=args.users + args.uploads + 10)
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as http:
            await asyncio.gather(
                *(api_user(http, server.base, auth, api, until) for auth in users),
                *(uploader(http, server.base, auth, data, ups, until) for auth in uploaders),
            )
        end = time.monotonic()
        result = await pub.result(baseline + args.seconds + 120)
        await pub.stop()
        during = voice_latencies(result, start, end)
        before = voice_latencies(result, start - baseline * 0.8, start)
        report["api"] = api.summary()
        report["uploads_done"] = {**ups.summary(), "completed": ups.codes.get(204, 0)}
        report["voice_p95_ms_during_load"] = None if not during else round(float(pct(during, 95) or 0) * 1000)
        report["voice_p95_ms_before_load"] = None if not before else round(float(pct(before, 95) or 0) * 1000)
        report["voice_messages_during_load"] = len(during)
        report["load_elapsed_s"] = round(end - start, 1)
        report["server_alive"] = server.check_alive()
    finally:
        await asyncio.to_thread(server.stop)
    report["server_crashes"] = len(server.crashes)
    report["unhandled_errors_logged"] = server.log_errors()[:10]
    report["load_end"] = loadavg()
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--accounts", type=int, default=20, help="accounts the API users share (sign-up is slow)")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--baseline", type=float, default=15.0, help="seconds of the live session before the load")
    parser.add_argument("--json", type=Path, default=None)
    add_server_env(parser)
    args = parser.parse_args(argv)
    in_netns("bench.load", list(argv) if argv is not None else sys.argv[1:])
    work = Path(tempfile.mkdtemp(prefix="podium-load-"))
    report = asyncio.run(load(args, work))
    emit_report(report, args.json)


if __name__ == "__main__":
    main()
