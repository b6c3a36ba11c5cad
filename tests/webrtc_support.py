"""Client-side helpers for WebRTC tests: an aiortc publisher with generated media, and a netns runner.

Run as a script (inside a network namespace, see :func:`run_in_netns`) it executes one scenario against a
:class:`media.session_registry.LiveSessionRegistry` and prints a JSON report on its last stdout line:

    python -m tests.webrtc_support loopback --seconds 4 --pose-model PATH --out DIR
    python -m tests.webrtc_support killed --seconds 3 --out DIR
    python -m tests.webrtc_support capped --max-recording-kbps 40 --out DIR   # until a recording cap ends it
    python -m tests.webrtc_support publish --seconds 30      # publisher only: offer/answer over stdin/stdout
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fractions
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

import av
import numpy as np

NETNS_ADDR = "10.99.0.1"
AUDIO_RATE = 48000
AUDIO_PTIME = 0.02
VIDEO_CLOCK = 90000

SPEECH_TEXT = (
    "Good morning everyone. Today I want to talk about how we can make our presentations better. "
    "First, speak clearly. Second, pause between ideas. Third, look at your audience."
)


def run_in_netns(argv: list[str], timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in a fresh network namespace with only ``lo`` up and 10.99.0.1/32 on it (needs root)."""
    script = f'ip link set lo up && ip addr add {NETNS_ADDR}/32 dev lo && exec "$@"'
    return subprocess.run(
        ["unshare", "-n", "sh", "-c", script, "sh", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def netns_available() -> bool:
    """Whether this process may create network namespaces (root with ``unshare`` and ``ip``)."""
    try:
        return run_in_netns(["true"], timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def last_json_line(stdout: str) -> dict[str, Any]:
    """The JSON object printed on the last non-empty line of ``stdout``."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        raise ValueError("no output")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def speech_pcm(text: str = SPEECH_TEXT, rate: int = AUDIO_RATE) -> np.ndarray:
    """espeak-ng speech as mono int16 at ``rate`` Hz."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw.wav", Path(tmp) / "out.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), text], check=True)
        subprocess.run(["sox", str(raw), "-r", str(rate), "-c", "1", "-b", "16", str(out)], check=True)
        with wave.open(str(out)) as w:
            return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).copy()


def person_photo(width: int = 640, height: int = 480) -> np.ndarray:
    """matplotlib's photo of Grace Hopper scaled into a ``height``×``width`` RGB canvas (with side margins)."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    with av.open(str(path)) as c:
        frame = next(c.decode(video=0))
    scale = height / frame.height
    w = int(frame.width * scale) // 2 * 2
    img = frame.reformat(width=w, height=height, format="rgb24").to_ndarray()
    canvas = np.full((height, width, 3), 90, dtype=np.uint8)
    x0 = (width - w) // 2
    canvas[:, x0 : x0 + w] = img
    return canvas


class _Paced:
    def __init__(self, clock_rate: int, step: int) -> None:
        self.clock_rate, self.step = clock_rate, step
        self.start: float | None = None
        self.pts = 0

    async def next_pts(self) -> int:
        if self.start is None:
            self.start = time.monotonic()
            return 0
        self.pts += self.step
        delay = self.start + self.pts / self.clock_rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        return self.pts


def _tracks(fps: int) -> tuple[Any, Any]:
    from aiortc import MediaStreamTrack

    pcm = speech_pcm()
    silence = np.zeros(AUDIO_RATE // 2, dtype=np.int16)
    pcm = np.concatenate([silence, pcm, silence])
    photo = person_photo()

    class SpeechTrack(MediaStreamTrack):
        kind = "audio"

        def __init__(self) -> None:
            super().__init__()
            self._clock = _Paced(AUDIO_RATE, int(AUDIO_RATE * AUDIO_PTIME))

        async def recv(self) -> av.AudioFrame:
            pts = await self._clock.next_pts()
            n = self._clock.step
            idx = np.arange(pts, pts + n) % len(pcm)
            frame = av.AudioFrame.from_ndarray(pcm[idx][None, :], format="s16", layout="mono")
            frame.sample_rate, frame.pts = AUDIO_RATE, pts
            frame.time_base = fractions.Fraction(1, AUDIO_RATE)
            return frame

    class PhotoTrack(MediaStreamTrack):
        kind = "video"

        def __init__(self) -> None:
            super().__init__()
            self._clock = _Paced(VIDEO_CLOCK, VIDEO_CLOCK // fps)

        async def recv(self) -> av.VideoFrame:
            pts = await self._clock.next_pts()
            shift = int(60 * np.sin(2 * np.pi * pts / VIDEO_CLOCK / 3.0))
            frame = av.VideoFrame.from_ndarray(np.roll(photo, shift, axis=1), format="rgb24")
            frame.pts, frame.time_base = pts, fractions.Fraction(1, VIDEO_CLOCK)
            return frame

    return SpeechTrack(), PhotoTrack()


class Publisher:
    """An aiortc publisher sending espeak-ng speech and a moving photo, with a ``feedback`` data channel."""

    def __init__(self, fps: int = 15, audio: bool = True, video: bool = True) -> None:
        from aiortc import RTCConfiguration, RTCPeerConnection

        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.messages: list[dict[str, Any]] = []
        self.received_at: list[float] = []
        audio_track, video_track = _tracks(fps)
        if audio:
            self.pc.addTransceiver(audio_track, direction="sendonly")
        if video:
            self.pc.addTransceiver(video_track, direction="sendonly")
        self.channel = self.pc.createDataChannel("feedback")
        self.channel.on("message", self._on_message)
        self.connected = asyncio.Event()
        self.pc.on("connectionstatechange", self._on_state)

    def _on_state(self) -> None:
        if self.pc.connectionState == "connected":
            self.connected.set()

    def _on_message(self, data: str | bytes) -> None:
        self.messages.append(json.loads(data))
        self.received_at.append(time.monotonic())

    async def offer(self) -> str:
        """Create the offer and return its SDP after ICE gathering."""
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return str(self.pc.localDescription.sdp)

    async def accept(self, answer_sdp: str) -> None:
        from aiortc import RTCSessionDescription

        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    def by_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    async def close(self) -> None:
        await self.pc.close()


# ---- scenarios (run inside the namespace) ----


def _registry(args: argparse.Namespace) -> Any:
    from media.config import MediaConfig
    from media.recording_caps import RecordingCaps
    from media.session_registry import LiveSessionRegistry
    from media.workers import MediaWorkers

    config = MediaConfig(
        pose_model_path=Path(args.pose_model) if args.pose_model else None,
        recordings_dir=Path(args.out),
        no_media_timeout_s=args.no_media_timeout,
        recording_caps=RecordingCaps(args.max_recording_bytes, args.max_recording_kbps, args.rate_window),
    )
    workers = MediaWorkers(config)
    ended: list[Any] = []

    async def on_ended(session: Any) -> None:
        ended.append(session)

    return LiveSessionRegistry(config, workers, on_ended), ended


def _report(session: Any, extra: dict[str, Any]) -> dict[str, Any]:
    result = session.result
    rec = result.recording
    stats = result.stats
    return {
        "end_reason": result.end_reason,
        "recording": {
            "path": str(rec.path) if rec.path else None,
            "duration_s": rec.duration_s,
            "codecs": rec.codecs,
            "bytes": rec.bytes,
            "sha256": rec.sha256,
            "packets": rec.packets,
            "dropped": rec.dropped_packets,
        },
        "stats": {k: v for k, v in vars(stats).items() if k != "latencies"},
        "latency": {k: sorted(v) for k, v in stats.latencies.items()},
        "tensorflow_in_server": "tensorflow" in sys.modules and sys.modules["tensorflow"] is not None,
        **extra,
    }


async def scenario_loopback(args: argparse.Namespace) -> dict[str, Any]:
    registry, ended = _registry(args)
    await registry.workers.warm_up()
    publisher = Publisher()
    t_offer = time.monotonic()
    session = await registry.start("loop1", await publisher.offer())
    assert session.answer_sdp is not None
    await publisher.accept(session.answer_sdp)
    await asyncio.wait_for(publisher.connected.wait(), 10)
    connect_s = time.monotonic() - t_offer
    observed: list[str] = []

    async def observe() -> None:
        async with session.subscribe() as sub:
            async for item in sub:
                observed.append(item)

    observer = asyncio.create_task(observe())
    await asyncio.sleep(args.seconds)
    await registry.close("loop1")
    await asyncio.wait_for(observer, 5)
    tf_worker = await registry.workers.tensorflow_loaded_in_pose_worker()
    await publisher.close()
    registry.workers.shutdown()
    return _report(
        session,
        {
            "connect_s": connect_s,
            "messages": publisher.messages,
            "observed": len(observed),
            "hook_called": len(ended),
            "registry_empty": len(registry) == 0,
            "tensorflow_in_pose_worker": tf_worker,
        },
    )


async def scenario_killed(args: argparse.Namespace) -> dict[str, Any]:
    registry, ended = _registry(args)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.webrtc_support",
        "publish",
        "--seconds",
        "60",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    offer = json.loads(await child.stdout.readline())["sdp"]
    session = await registry.start("killed1", offer)
    child.stdin.write((json.dumps({"sdp": session.answer_sdp}) + "\n").encode())
    await child.stdin.drain()
    connected = json.loads(await asyncio.wait_for(child.stdout.readline(), 10))
    t_connected = time.monotonic()
    await asyncio.sleep(args.seconds)
    child.send_signal(signal.SIGKILL)
    sent_s = time.monotonic() - t_connected
    await child.wait()
    t_killed = time.monotonic()
    await asyncio.wait_for(session.ended.wait(), args.no_media_timeout + 20)
    registry.workers.shutdown()
    return _report(
        session,
        {
            "connected": connected,
            "sent_s": sent_s,
            "end_after_kill_s": time.monotonic() - t_killed,
            "hook_called": len(ended),
        },
    )


async def scenario_capped(args: argparse.Namespace) -> dict[str, Any]:
    """Publish until the session ends on its own (a recording cap), at most ``--seconds``."""
    registry, ended = _registry(args)
    publisher = Publisher()
    session = await registry.start("capped1", await publisher.offer())
    assert session.answer_sdp is not None
    await publisher.accept(session.answer_sdp)
    await asyncio.wait_for(publisher.connected.wait(), 10)
    t_connected = time.monotonic()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(session.ended.wait(), args.seconds)
    ended_after_s = time.monotonic() - t_connected
    if not session.ended.is_set():
        await registry.close("capped1", "deleted")
    await publisher.close()
    registry.workers.shutdown()
    return _report(session, {"ended_after_s": ended_after_s, "messages": publisher.messages, "hook_called": len(ended)})


async def publish_only(args: argparse.Namespace) -> None:
    publisher = Publisher()
    print(json.dumps({"sdp": await publisher.offer()}), flush=True)
    loop = asyncio.get_running_loop()
    line = await loop.run_in_executor(None, sys.stdin.readline)
    await publisher.accept(json.loads(line)["sdp"])
    await asyncio.wait_for(publisher.connected.wait(), 10)
    print(json.dumps({"connected": True}), flush=True)
    await asyncio.sleep(args.seconds)
    await publisher.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["loopback", "killed", "publish", "capped"])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--pose-model", default=None)
    parser.add_argument("--out", default=tempfile.gettempdir())
    parser.add_argument("--no-media-timeout", type=float, default=10.0)
    parser.add_argument("--max-recording-bytes", type=int, default=0)
    parser.add_argument("--max-recording-kbps", type=float, default=0.0)
    parser.add_argument("--rate-window", type=float, default=10.0)
    args = parser.parse_args()
    if args.scenario == "publish":
        asyncio.run(publish_only(args))
        return
    fn = {"loopback": scenario_loopback, "killed": scenario_killed, "capped": scenario_capped}[args.scenario]
    report = asyncio.run(fn(args))
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        os.environ.setdefault("PYTHONUNBUFFERED", "1")
        main()
