"""Live media plane benchmark: K concurrent aiortc publishers (separate processes) for N seconds.

Runs a LiveSessionRegistry in this process, inside a private network namespace (re-executes itself under
``unshare -n`` when started outside one; needs root). Two modes run back to back:

* ``workers``: the real pipeline (latest-frame-wins sampling, pose in a spawn worker process);
* ``inline``: the baseline the aiortc examples use: pose inference runs in the video track's receive
  loop on the event loop, on every sampled frame, and frames queue in aiortc's unbounded track queue.

Prints per mode: feedback latency p50/p95/p99 per message type (media time of the sample → send time),
video frames analysed/dropped/skipped, CPU % of the server process (and of its pose workers), RSS at start
and end. Usage::

    python -m bench.live --publishers 4 --seconds 20 [--modes workers,inline] [--variant lite]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from media.config import MediaConfig
from media.feedback import pose_feedback
from media.live_session import LiveSession, to_rgb
from media.sampler import RateSampler, fit_within
from media.session_registry import LiveSessionRegistry
from media.workers import MediaWorkers

_CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid: int) -> float:
    """User+system CPU seconds of ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLK


def proc_rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class InlinePoseSession(LiveSession):
    """Baseline: pose estimation inside the video receive loop, on the event loop (aiortc example style)."""

    estimator: Any = None

    def _on_track(self, track: Any) -> None:
        if track.kind != "video":
            super()._on_track(track)
            return
        assert self._pc is not None and self._recorder is not None
        for transceiver in self._pc.getTransceivers():
            if transceiver.receiver.track is track:
                self._recorder.expect("video")
                self._recorder.tap_receiver(transceiver.receiver, "video")
        self._spawn(self._inline_video(track), "video-inline")

    async def _inline_video(self, track: Any) -> None:
        sampler = RateSampler(self.config.pose_fps)
        origin: list[float] = []
        async for frame in self._recv_frames(track):
            self.stats.video_frames += 1
            t_s = self._clock(frame, origin)
            if not sampler.due(t_s):
                self.stats.video_skipped += 1
                continue
            w, h = fit_within(frame.width, frame.height, self.config.pose_max_edge)
            start = time.perf_counter()
            result = self.estimator.estimate(to_rgb(frame, w, h), t_s)
            self.stats.video_analysed += 1
            self.emit(pose_feedback(result, (time.perf_counter() - start) * 1000))


async def _publisher(seconds: float) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.webrtc_support",
        "publish",
        "--seconds",
        str(seconds + 5),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def run_mode(mode: str, k: int, seconds: float, model: Path, out: Path, pose_workers: int = 1) -> dict[str, Any]:
    """Run one mode and return its measurements."""
    config = MediaConfig(
        pose_model_path=model, recordings_dir=out / mode, no_media_timeout_s=30, pose_workers=pose_workers
    )
    workers = MediaWorkers(config)
    await workers.warm_up()
    registry = LiveSessionRegistry(config, workers)
    estimators: list[Any] = []
    if mode == "inline":
        from inference.pose.mediapipe_estimator import MediaPipePoseEstimator

        workers.disable_pose()
    me = os.getpid()
    worker_pids = [p.pid for p in workers.pose_processes]
    rss_start = proc_rss_mb(me)
    procs = [await _publisher(seconds) for _ in range(k)]
    sessions: list[LiveSession] = []
    for i, proc in enumerate(procs):
        assert proc.stdout is not None and proc.stdin is not None
        offer = json.loads(await proc.stdout.readline())["sdp"]
        sid = f"{mode}-{i}"
        if mode == "inline":
            session: LiveSession = InlinePoseSession(sid, config, workers, on_ended=registry._ended)
            est = MediaPipePoseEstimator(model, "video")
            estimators.append(est)
            session.estimator = est  # type: ignore[attr-defined]
            registry._sessions[sid] = session
            await session.accept_offer(offer)
        else:
            session = await registry.start(sid, offer)
        sessions.append(session)
        proc.stdin.write((json.dumps({"sdp": session.answer_sdp}) + "\n").encode())
        await proc.stdin.drain()
    for proc in procs:
        assert proc.stdout is not None
        await asyncio.wait_for(proc.stdout.readline(), 20)
    cpu0 = proc_cpu_s(me)
    wcpu0 = sum(proc_cpu_s(p) for p in worker_pids)
    t0 = time.monotonic()
    await asyncio.sleep(seconds)
    elapsed = time.monotonic() - t0
    cpu = (proc_cpu_s(me) - cpu0) / elapsed * 100
    wcpu = (sum(proc_cpu_s(p) for p in worker_pids) - wcpu0) / elapsed * 100
    rss_end = proc_rss_mb(me)
    worker_rss = sum(proc_rss_mb(p) for p in worker_pids)
    await registry.close_all("bench_done")
    for proc in procs:
        proc.kill()
        await proc.wait()
    for est in estimators:
        est.close()
    workers.shutdown()
    lat: dict[str, list[float]] = {}
    for s in sessions:
        for kind, values in s.stats.latencies.items():
            lat.setdefault(kind, []).extend(values)
    return {
        "mode": mode,
        "latency_ms": {
            kind: [float(np.percentile(v, q) * 1000) for q in (50, 95, 99)] + [len(v)] for kind, v in lat.items()
        },
        "analysed": sum(s.stats.video_analysed for s in sessions),
        "dropped": sum(s.stats.video_dropped for s in sessions),
        "skipped": sum(s.stats.video_skipped for s in sessions),
        "video_frames": sum(s.stats.video_frames for s in sessions),
        "cpu_pct": cpu,
        "worker_cpu_pct": wcpu,
        "rss_start_mb": rss_start,
        "rss_end_mb": rss_end,
        "worker_rss_mb": worker_rss,
    }


def print_table(k: int, seconds: float, results: list[dict[str, Any]]) -> None:
    """Markdown table of the results."""
    print(f"\n{k} publishers × {seconds:.0f} s, 640×480 VP8 15 fps + Opus speech, pose at 10 fps\n")
    print("| mode | type | p50 ms | p95 ms | p99 ms | msgs |")
    print("|---|---|---:|---:|---:|---:|")
    for r in results:
        for kind, (p50, p95, p99, n) in sorted(r["latency_ms"].items()):
            print(f"| {r['mode']} | {kind} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {n} |")
    print("\n| mode | frames recv | analysed | dropped | skipped | server CPU % | worker CPU % | RSS start→end MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(
            f"| {r['mode']} | {r['video_frames']} | {r['analysed']} | {r['dropped']} | {r['skipped']} | "
            f"{r['cpu_pct']:.0f} | {r['worker_cpu_pct']:.0f} | "
            f"{r['rss_start_mb']:.0f}→{r['rss_end_mb']:.0f} (+workers {r['worker_rss_mb']:.0f}) |"
        )


async def main_async(args: argparse.Namespace) -> None:
    from inference.assets.pose_models import bundle_path, prepare_pose_models

    model = bundle_path(args.variant, prepare_pose_models())
    out = Path(tempfile.mkdtemp(prefix="podium-bench-"))
    results = []
    for mode in args.modes.split(","):
        results.append(await run_mode(mode, args.publishers, args.seconds, model, out, args.pose_workers))
        print(json.dumps(results[-1]), flush=True)
    print_table(args.publishers, args.seconds, results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publishers", "-k", type=int, default=4)
    parser.add_argument("--seconds", "-n", type=float, default=20.0)
    parser.add_argument("--modes", default="workers,inline")
    parser.add_argument("--variant", default="lite", choices=["lite", "full", "heavy"])
    parser.add_argument("--pose-workers", type=int, default=1, help="pose worker processes (PODIUM_WORKERS)")
    args = parser.parse_args()
    if os.environ.get("PODIUM_BENCH_NETNS") != "1":
        os.environ["PODIUM_BENCH_NETNS"] = "1"
        script = 'ip link set lo up && ip addr add 10.99.0.1/32 dev lo && exec "$@"'
        argv = [sys.executable, "-m", "bench.live", *sys.argv[1:]]
        os.execvp("unshare", ["unshare", "-n", "sh", "-c", script, "sh", *argv])
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
