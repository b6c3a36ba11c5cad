"""Soak: N live sessions with speech and video for M minutes through a real ``podium serve``.

Each session is a ``bench.capacity`` publisher process (generated espeak-ng speech looped to M minutes, pre-encoded
640×480 VP8 relayed); the server runs on its defaults (pose and speech workers, live ASR) with the probe-only
analyser after each session (the soak is about the live path). Measured:

* RSS of the server process and of all its worker processes, sampled every 10 s: growth from minute 2 to the
  end (target < 5 %);
* voice feedback latency at the publisher (receive − send of the analysed audio), p95 per minute;
* lost recordings: a session whose recording is not stored, not playable, or much shorter than what was sent.

Runs in a private network namespace (re-executes itself under ``unshare -n``; needs root). Usage::

    python -m bench.soak [--sessions 4] [--minutes 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.faults import FAKE_ANALYZER, call, playable_s
from bench.reliability_support import Server, account, add_server_env, emit_report, in_netns, loadavg, pct, server_env

SAMPLE_EVERY_S = 10.0


@dataclasses.dataclass
class Live:
    """One running session: its publisher process and where its recording is."""

    publisher: Any
    session: dict[str, Any]
    location: str
    auth: dict[str, str]


async def start_sessions(server: Server, n: int, seconds: float, work: Path) -> list[Live]:
    from bench.capacity import PublisherProcess
    from bench.live_speech import make_clips

    base_clips = await asyncio.to_thread(make_clips, n, min(seconds, 60.0))
    lives = []
    for i, clip in enumerate(base_clips):
        reps = int(np.ceil(seconds / clip.duration_s))
        looped = dataclasses.replace(clip, pcm48=np.tile(clip.pcm48, reps)[: int(seconds * 48000)])
        auth = await asyncio.to_thread(account, server.base, f"soak-{i}@example.com")
        created = (
            await call("POST", f"{server.base}/api/v1/sessions", json={"title": f"soak {i}"}, headers=auth)
        ).json()
        pub = await PublisherProcess.start(looped, work / f"clip-{i}.npy")
        headers = {**auth, "Content-Type": "application/sdp"}
        answer = await call("POST", server.base + created["whip_url"], data=await pub.offer(), headers=headers)
        if answer.status_code != 201:
            raise RuntimeError(f"WHIP answered {answer.status_code}: {answer.text[:300]}")
        await pub.answer(answer.text)
        lives.append(Live(pub, created, answer.headers["Location"], auth))
    await asyncio.gather(*(asyncio.wait_for(live.publisher.connected(), 60) for live in lives))
    return lives


async def sample_rss(server: Server, t0: float, into: list[tuple[float, float, float]], stop: asyncio.Event) -> None:
    while not stop.is_set():
        main, workers = server.rss_mb()
        into.append((time.monotonic() - t0, main, workers))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)


def latencies(result: dict[str, Any], t0: float) -> dict[str, list[tuple[float, float]]]:
    """(minute index, latency s) of the voice messages of one publisher's result: receive − when the end of the
    analysed audio was sent (the publisher's audio clock)."""
    out: dict[str, list[tuple[float, float]]] = {"voice": []}
    start = float(result["audio_start"])
    for received, msg in result["messages"]:
        if msg.get("type") == "voice":
            out["voice"].append(((float(received) - t0) // 60, float(received) - (start + float(msg["t_s"]))))
    return out


def growth(samples: Sequence[tuple[float, float, float]], index: int, from_s: float) -> dict[str, float | None]:
    after = [s for s in samples if s[0] >= from_s]
    if len(after) < 2:
        return {"at_start_mb": None, "at_end_mb": None, "growth_pct": None}
    first, last = after[0][index], samples[-1][index]
    return {
        "at_start_mb": round(first, 1),
        "at_end_mb": round(last, 1),
        "growth_pct": round((last / first - 1) * 100, 2),
    }


async def soak(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    seconds = args.minutes * 60
    env = {"PODIUM_JOBS_ANALYZER": FAKE_ANALYZER, "PODIUM_NO_MEDIA_TIMEOUT_S": "30", **server_env(args.server_env)}
    server = Server(work / "server", env)
    report: dict[str, Any] = {"sessions": args.sessions, "minutes": args.minutes, "load_start": loadavg()}
    await asyncio.to_thread(server.start)
    try:
        lives = await start_sessions(server, args.sessions, seconds, work)
        t0, stop = time.monotonic(), asyncio.Event()
        samples: list[tuple[float, float, float]] = []
        sampler = asyncio.create_task(sample_rss(server, t0, samples, stop))
        results = await asyncio.gather(*(live.publisher.result(seconds + 180) for live in lives))
        stop.set()
        await sampler
        for live in lives:
            await live.publisher.stop()
            await call("DELETE", server.base + live.location, headers=live.auth)
        report.update(await recordings(server, lives, seconds, work))
        report["server_alive"] = server.check_alive()
        report["rss_server"] = growth(samples, 1, min(120.0, seconds / 5))
        report["rss_workers"] = growth(samples, 2, min(120.0, seconds / 5))
        report["rss_samples"] = [[round(t), round(m, 1), round(w, 1)] for t, m, w in samples]
        report["voice_p95_ms_per_minute"] = per_minute([latencies(r, t0)["voice"] for r in results])
        report["messages_per_session"] = [len(r["messages"]) for r in results]
    finally:
        await asyncio.to_thread(server.stop)
    report["server_crashes"] = len(server.crashes)
    report["load_end"] = loadavg()
    return report


def per_minute(series: Sequence[list[tuple[float, float]]]) -> list[float | None]:
    pooled: dict[int, list[float]] = {}
    for s in series:
        for minute, value in s:
            pooled.setdefault(int(minute), []).append(value)
    out: list[float | None] = []
    for m in range(max(pooled, default=-1) + 1):
        p = pct(pooled.get(m, []), 95)
        out.append(None if p is None else round(p * 1000))
    return out


def live_s(session: dict[str, Any]) -> float | None:
    """How long the server kept the session live (started → ended), from the API."""
    if not session.get("started_at") or not session.get("ended_at"):
        return None
    started, ended = (datetime.fromisoformat(session[k]) for k in ("started_at", "ended_at"))
    return round((ended - started).total_seconds(), 1)


async def recordings(server: Server, lives: Sequence[Live], seconds: float, work: Path) -> dict[str, Any]:
    """Each session's recording once it has ended: stored, playable, and at least 90 % of what was sent."""
    found: list[dict[str, Any]] = []
    for live in lives:
        url = f"{server.base}/api/v1/sessions/{live.session['id']}"
        deadline, state, body = time.monotonic() + 300, "", {}
        while time.monotonic() < deadline and state not in ("analyzed", "failed"):
            body = (await call("GET", url, headers=live.auth)).json()
            state = body.get("state", "")
            await asyncio.sleep(1)
        response = await call("GET", url + "/recording", headers=live.auth, limit_s=120)
        length = 0.0
        if response.status_code == 200:
            length = await asyncio.to_thread(playable_s, response.content, work / f"{live.session['id']}.mkv")
        found.append({"state": state, "status": response.status_code, "playable_s": length, "live_s": live_s(body)})
    lost = sum(1 for f in found if f["status"] != 200 or f["playable_s"] < 0.9 * seconds)
    return {"recordings": found, "lost_recordings": lost}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--json", type=Path, default=None)
    add_server_env(parser)
    args = parser.parse_args(argv)
    in_netns("bench.soak", list(argv) if argv is not None else sys.argv[1:])
    work = Path(tempfile.mkdtemp(prefix="podium-soak-"))
    report = asyncio.run(soak(args, work))
    emit_report(report, args.json)


if __name__ == "__main__":
    main()
