"""WHEP fan-out benchmark: one aiortc publisher, N aiortc WHEP viewers, two ways of feeding them.

* ``forward`` (Podium): the publisher's encoded frames tapped from its receivers and handed to each viewer's
  sender as they are (:class:`media.forward.ForwardHub` + :class:`media.whep.ViewerSet`, exactly as a live
  session builds them, with the publisher's video jitter buffer releasing a frame at its marker-bit packet:
  :func:`media.forward_hook.release_frames_on_marker`); no per-viewer decode or encode.
* ``forward_held`` (for comparison, not run by default): the same without the marker release, i.e. aiortc's
  jitter buffer as it is, which releases a video frame only when the first packet of the next one arrives.
* ``relay`` (aiortc's examples): a :class:`aiortc.contrib.media.MediaRelay` of the decoded track feeding each
  viewer's sender, which encodes it again (VP8 and Opus) for every viewer.

The server side (the publisher's answering peer, the hub or relay, the viewers' peers) runs in this process,
pinned to one CPU core (``--core``); the publisher and the N viewers run in one child process on the other
cores, so "server CPU" is this process's alone. The publisher relays a pre-encoded 640×480 VP8 loop at 15 fps
(encoded once before streaming, as :mod:`bench.live_speech` does, without re-encoding) plus an Opus tone, and
each video frame carries its loop index in a row of black/white blocks. Viewers do not decode (a browser's
decoder is its own), except their first keyframe; past it, and for audio, they only note arrivals (no jitter
buffer, NACK or bandwidth estimation: those would make the client, not the server, the bottleneck).

Added latency, publisher → viewer, per video frame: the moment the viewer's peer receives the *last RTP packet*
of the frame (marker bit) − the moment the publisher's sender took the frame, both on ``CLOCK_MONOTONIC`` of one
machine over loopback; everything on the server is counted. Which sent frame a received one is: the first
keyframe the viewer's jitter buffer assembles is decoded and its loop index read (the anchor, by its raw RTP
timestamp; its arrival tells which loop), later ones follow from the RTP timestamp difference to the anchor
(publisher pts steps carry through both paths). Frames lost: frames sent in the measured window that never
reached the viewer (within half a second of its end).

    python -m bench.whep -n 1,5,10,25 [--seconds 10] [--modes forward,relay] [--json out.json]

Goal (issue 12): 25 viewers on one core with p95 added latency ≤ 30 ms on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fractions
import functools
import json
import os
import pickle
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

from bench.live import proc_cpu_s

FPS = 15
VIDEO_CLOCK = 90_000
STEP = VIDEO_CLOCK // FPS
LOOP_FRAMES = 4 * FPS
WIDTH, HEIGHT = 640, 480
MARK_BITS, MARK_BLOCK = 8, 32
TARGET_P95_MS = 30.0
CONNECT_TIMEOUT_S = 90.0
WARMUP_S = 2.0
RESULT_LINE_LIMIT = 64 << 20
"""The client's result line holds every latency of every viewer."""


# ---- media: a marked, pre-encoded VP8 loop -------------------------------------------------------------------


def marked_image(index: int) -> np.ndarray:
    """A 640×480 RGB test picture with ``index`` as MARK_BITS black/white blocks along the top edge."""
    image = np.roll(_photo(), int(30 * np.sin(2 * np.pi * index / LOOP_FRAMES)), axis=1)
    for bit in range(MARK_BITS):
        value = 255 if (index >> bit) & 1 else 0
        image[:MARK_BLOCK, bit * MARK_BLOCK : (bit + 1) * MARK_BLOCK] = value
    return image


@functools.cache
def _photo() -> np.ndarray:
    from tests.webrtc_support import person_photo

    return np.array(person_photo(WIDTH, HEIGHT), dtype=np.uint8)


def read_mark(frame: av.VideoFrame) -> int:
    """The loop index drawn by :func:`marked_image`, read back from a decoded frame."""
    luma = frame.to_ndarray(format="gray")
    scale = frame.width / WIDTH
    size = int(MARK_BLOCK * scale)
    index = 0
    for bit in range(MARK_BITS):
        block = luma[size // 4 : 3 * size // 4, int((bit + 0.25) * size) : int((bit + 0.75) * size)]
        if float(block.mean()) > 128:
            index |= 1 << bit
    return index


def encode_loop(frames: int = LOOP_FRAMES) -> list[tuple[bytes, bool]]:
    """The loop as VP8 frames ``(data, keyframe)``, a keyframe first (and only there)."""
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    codec.time_base, codec.bit_rate = fractions.Fraction(1, VIDEO_CLOCK), 1_000_000
    codec.gop_size = 10_000
    codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0", "auto-alt-ref": "0"}
    out: list[tuple[bytes, bool]] = []
    for i in range(frames):
        frame = av.VideoFrame.from_ndarray(marked_image(i), format="rgb24").reformat(format="yuv420p")
        frame.pts, frame.time_base = i * STEP, codec.time_base
        out += [(bytes(p), bool(p.is_keyframe)) for p in codec.encode(frame)]
    out += [(bytes(p), bool(p.is_keyframe)) for p in codec.encode(None)]
    return out[:frames]


def loopback_peer() -> Any:
    """A peer connection without ICE servers (aiortc's default STUN server is out of reach here)."""
    from aiortc import RTCConfiguration, RTCPeerConnection

    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


# ---- the client process: publisher + viewers -------------------------------------------------------------------


@dataclass(frozen=True)
class ViewerResult:
    latencies_ms: list[float]
    sent: int
    received: int


class MarkedVideo:
    """Relays the pre-encoded loop in real time; ``sent`` holds each frame's send time (absolute index order)."""

    def __init__(self, frames: Sequence[tuple[bytes, bool]]) -> None:
        from aiortc.mediastreams import MediaStreamTrack

        outer = self
        self.frames = frames
        self.sent: list[float] = []

        class Track(MediaStreamTrack):
            kind = "video"

            async def recv(self) -> av.Packet:  # type: ignore[override]
                return await outer.next_packet()

        self.track = Track()
        self.start: float | None = None

    async def next_packet(self) -> av.Packet:
        index = len(self.sent)
        if self.start is None:
            self.start = time.monotonic()
        delay = self.start + index / FPS - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        data, _ = self.frames[index % len(self.frames)]
        packet = av.Packet(data)
        packet.pts, packet.time_base = index * STEP, fractions.Fraction(1, VIDEO_CLOCK)
        self.sent.append(time.monotonic())
        return packet

    def sent_index(self, loop_index: int, before: float) -> int | None:
        """The latest absolute index with this loop index sent at or before ``before``."""
        for index in range(len(self.sent) - 1, -1, -1):
            if index % len(self.frames) == loop_index and self.sent[index] <= before:
                return index
        return None


def tone_pcm(seconds: float = 600.0) -> np.ndarray:
    t = np.arange(int(48_000 * seconds)) / 48_000
    return (3000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


ARRIVALS: dict[int, dict[int, float]] = {}
"""Per viewer receiver (id): raw RTP timestamp → arrival time of the frame's marker-bit packet."""
COUNT_ONLY: set[int] = set()
"""Viewer receivers (id) whose packets are only counted, not processed further: the audio receivers, and video
receivers once their anchor is known, so the client's cost does not distort the arrival times it records."""


def patch_receivers() -> None:
    """Record the arrival of every video frame's last packet (marker bit) on the client's receivers."""
    from aiortc.rtcrtpreceiver import RTCRtpReceiver

    original = RTCRtpReceiver._handle_rtp_packet

    async def handle(self: Any, packet: Any, arrival_time_ms: int) -> None:
        table = ARRIVALS.get(id(self))
        if table is not None and packet.marker and packet.timestamp not in table:
            table[packet.timestamp] = time.monotonic()
        if id(self) not in COUNT_ONLY:
            await original(self, packet, arrival_time_ms)

    RTCRtpReceiver._handle_rtp_packet = handle  # type: ignore[method-assign]


class BenchViewer:
    """A recvonly WHEP viewer that does not decode (a browser's decoder is its own): it reads the loop index of
    the first keyframe its jitter buffer assembles (the anchor, by raw RTP timestamp) and records arrivals."""

    def __init__(self) -> None:
        self.pc = loopback_peer()
        audio = self.pc.addTransceiver("audio", direction="recvonly")
        video = self.pc.addTransceiver("video", direction="recvonly")
        self.arrivals: dict[int, float] = {}
        ARRIVALS[id(video.receiver)] = self.arrivals
        self.anchor: tuple[int, int] | None = None
        self.first = asyncio.Event()
        self._decoder = av.CodecContext.create("vp8", "r")
        self._video_receiver = video.receiver
        self._watch_frames(video.receiver)
        _skip_decoding(video.receiver)
        COUNT_ONLY.add(id(audio.receiver))

    def _watch_frames(self, receiver: Any) -> None:
        from media.forward_hook import JITTER_BUFFER_ATTR

        buffer = getattr(receiver, JITTER_BUFFER_ATTR)
        original_add = buffer.add

        def add(packet: Any) -> Any:
            pli, frame = original_add(packet)
            if frame is not None and self.anchor is None and frame.timestamp in self.arrivals:  # complete
                self._find_anchor(frame.data, frame.timestamp)
            return pli, frame

        buffer.add = add

    def _find_anchor(self, data: bytes, rtp_ts: int) -> None:
        with contextlib.suppress(av.error.FFmpegError):
            for frame in self._decoder.decode(av.Packet(data)):
                self.anchor = (rtp_ts, read_mark(frame))
                COUNT_ONLY.add(id(self._video_receiver))
                self.first.set()

    def result(self, video: MarkedVideo, window: tuple[float, float]) -> ViewerResult:
        sent = sum(1 for t in video.sent if window[0] <= t < window[1])
        if self.anchor is None:
            return ViewerResult([], sent, 0)
        matched = match_frames(self.anchor, self.arrivals, video)
        got = {i: arrival for i, arrival in matched.items() if window[0] <= video.sent[i] < window[1]}
        latencies = [(arrival - video.sent[i]) * 1000 for i, arrival in got.items()]
        return ViewerResult(latencies, sent, len(got))


def match_frames(anchor: tuple[int, int], arrivals: dict[int, float], video: MarkedVideo) -> dict[int, float]:
    """Absolute send index → arrival time, for the frames whose RTP timestamp is a whole number of frame steps
    from the anchor's (the anchor's loop index and arrival name its send index)."""
    anchor_ts, anchor_loop = anchor
    anchor_arrival = arrivals.get(anchor_ts)
    base = None if anchor_arrival is None else video.sent_index(anchor_loop, anchor_arrival)
    if base is None:
        return {}
    out: dict[int, float] = {}
    for ts, arrival in arrivals.items():
        delta = (ts - anchor_ts + 2**31) % 2**32 - 2**31
        steps = delta / STEP
        index = base + round(steps)
        if abs(steps - round(steps)) < 0.01 and 0 <= index < len(video.sent):
            out[index] = arrival
    return out


def _skip_decoding(receiver: Any) -> None:
    """Frames stop at the jitter buffer: only the decoder's stop signal (None) reaches its queue."""
    from media.forward_hook import DECODER_QUEUE_ATTR

    decoder_queue = getattr(receiver, DECODER_QUEUE_ATTR)
    original_put = decoder_queue.put
    decoder_queue.put = lambda item, *a, **k: original_put(item, *a, **k) if item is None else None


async def client_main(viewers: int, seconds: float, warmup: float, frames: list[tuple[bytes, bool]]) -> None:
    from aiortc import RTCSessionDescription

    from bench.live_speech import ClipTrack

    patch_receivers()
    reader = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    async def exchange(pc: Any, role: str) -> None:
        await pc.setLocalDescription(await pc.createOffer())
        print(json.dumps({"role": role, "offer": pc.localDescription.sdp}), flush=True)
        answer = json.loads(await reader.readline())["answer"]
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

    video = MarkedVideo(frames)
    publisher = loopback_peer()
    publisher.addTransceiver(ClipTrack(tone_pcm()), direction="sendonly")
    publisher.addTransceiver(video.track, direction="sendonly")
    await exchange(publisher, "publisher")
    peers = [BenchViewer() for _ in range(viewers)]
    for peer in peers:
        await exchange(peer.pc, "viewer")
    await asyncio.wait_for(asyncio.gather(*(p.first.wait() for p in peers)), CONNECT_TIMEOUT_S)
    await asyncio.sleep(warmup)
    start = time.monotonic()
    print(json.dumps({"measuring": True}), flush=True)
    await asyncio.sleep(seconds)
    end = time.monotonic()
    print(json.dumps({"done": True}), flush=True)
    await asyncio.sleep(0.5)  # the window's last frames arrive
    results = [asdict(p.result(video, (start, end))) for p in peers]
    print(json.dumps({"viewers": results}), flush=True)
    for pc in [publisher, *(p.pc for p in peers)]:
        await pc.close()


# ---- the server side ---------------------------------------------------------------------------------------------


class HoldProbe:
    """In forward modes, how long each video frame stays in the server: from its release by the publisher's
    receiver (a tap next to the hub's) to a viewer's sender taking it (matched by its bytes, which forwarding
    keeps); recorded while ``measuring``."""

    def __init__(self) -> None:
        self.released: dict[bytes, float] = {}
        self.hold_ms: list[float] = []
        self.measuring = False

    def on_released(self, _codec: str, _clock: int, data: bytes, _ts: int) -> None:
        if len(self.released) > 4 * LOOP_FRAMES:
            self.released.pop(next(iter(self.released)))
        self.released[data] = time.monotonic()

    def install(self) -> None:
        """Wrap :meth:`media.forward.ForwardedTrack.recv` (this process only) to note when a viewer takes a frame."""
        from media.forward import ForwardedTrack

        original = ForwardedTrack.recv
        probe = self

        async def recv(track: Any) -> Any:
            packet = await original(track)
            if probe.measuring and track.kind == "video":
                released = probe.released.get(bytes(packet))
                if released is not None:
                    probe.hold_ms.append((time.monotonic() - released) * 1000)
            return packet

        ForwardedTrack.recv = recv  # type: ignore[method-assign,assignment]


class Server:
    """The publisher's answering peer and the viewers' peers, fed by ``mode``."""

    def __init__(self, mode: str) -> None:
        from aiortc.contrib.media import MediaRelay

        from media.fanout import FanoutHub
        from media.forward import ForwardHub
        from media.whep import ViewerConfig, ViewerSet

        self.mode = mode
        self.forward = ForwardHub()
        self.viewers = ViewerSet(self.forward, FanoutHub(64), ViewerConfig(max_viewers=1000))
        self.relay = MediaRelay()
        self.tracks: dict[str, Any] = {}
        self.ready = asyncio.Event()
        self.pcs: list[Any] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.probe = HoldProbe()
        if mode.startswith("forward"):
            self.probe.install()

    async def publish(self, offer: str) -> str:
        from aiortc import RTCSessionDescription

        pc = loopback_peer()
        self.pcs.append(pc)

        @pc.on("track")
        def on_track(track: Any) -> None:
            from media.forward_hook import release_frames_on_marker, tap_encoded_frames

            self.tracks[track.kind] = track
            if len(self.tracks) == 2:
                self.ready.set()
            if not self.mode.startswith("forward"):
                return
            for transceiver in pc.getTransceivers():
                if transceiver.receiver.track is track:
                    if track.kind == "video" and self.mode == "forward":  # as media.live_session does
                        release_frames_on_marker(transceiver.receiver)
                    self.forward.attach(transceiver.receiver, track.kind)
                    if track.kind == "video":
                        tap_encoded_frames(transceiver.receiver, self.probe.on_released)
            self.tasks.append(asyncio.ensure_future(_drain(track)))  # a live session decodes too (pose, voice)

        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return str(pc.localDescription.sdp)

    async def watch(self, offer: str) -> str:
        if self.mode.startswith("forward"):
            viewer = await self.viewers.start(uuid.uuid4().hex, "coach", offer)
            assert viewer.answer_sdp is not None
            return viewer.answer_sdp
        from aiortc import RTCSessionDescription

        pc = loopback_peer()
        self.pcs.append(pc)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        for kind in ("audio", "video"):
            pc.addTrack(self.relay.subscribe(self.tracks[kind]))
        await pc.setLocalDescription(await pc.createAnswer())
        return str(pc.localDescription.sdp)

    async def close(self) -> None:
        await self.viewers.close_all("bench")
        self.forward.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(pc.close() for pc in self.pcs), return_exceptions=True)


async def _drain(track: Any) -> None:
    with contextlib.suppress(Exception):
        while True:
            await track.recv()


@dataclass(frozen=True)
class Plan:
    """What every row of a run shares."""

    seconds: float
    warmup: float
    frames_path: Path
    client_cores: frozenset[int]


async def run_one(mode: str, viewers: int, plan: Plan) -> dict[str, Any]:
    """One child process (publisher + ``viewers``) against a fresh server side; the row of the table."""
    server = Server(mode)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.whep", "--client", str(viewers), "--seconds", str(plan.seconds),
        "--warmup", str(plan.warmup), "--frames", str(plan.frames_path),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=RESULT_LINE_LIMIT,
        preexec_fn=(lambda: os.sched_setaffinity(0, plan.client_cores)) if plan.client_cores else None,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    me = os.getpid()
    cpu0 = t0 = cpu1 = t1 = client0 = client1 = 0.0
    results: list[dict[str, Any]] = []
    try:
        while True:
            line = await asyncio.wait_for(proc.stdout.readline(), CONNECT_TIMEOUT_S + plan.warmup + plan.seconds + 10)
            if not line:
                raise RuntimeError(f"client exited ({await proc.wait()})")
            msg = json.loads(line)
            if msg.get("role") == "publisher":
                answer = await server.publish(msg["offer"])
            elif msg.get("role") == "viewer":
                await asyncio.wait_for(server.ready.wait(), CONNECT_TIMEOUT_S)
                answer = await server.watch(msg["offer"])
            elif msg.get("measuring"):
                cpu0, t0, client0 = proc_cpu_s(me), time.monotonic(), proc_cpu_s(proc.pid)
                server.probe.measuring = True
                continue
            elif msg.get("done"):
                cpu1, t1, client1 = proc_cpu_s(me), time.monotonic(), proc_cpu_s(proc.pid)
                server.probe.measuring = False
                continue
            elif "viewers" in msg:
                results = msg["viewers"]
                break
            else:
                continue
            proc.stdin.write((json.dumps({"answer": answer}) + "\n").encode())
            await proc.stdin.drain()
    finally:
        await server.close()
        with contextlib.suppress(ProcessLookupError):
            proc.stdin.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(proc.wait(), 10)
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    elapsed = max(t1 - t0, 1e-9)
    row = summarize(mode, viewers, (cpu1 - cpu0) / elapsed * 100, results)
    hold = server.probe.hold_ms
    return row | {
        "client_cpu_pct": (client1 - client0) / elapsed * 100,
        "server_hold_p50_ms": float(np.percentile(hold, 50)) if hold else None,
        "server_hold_p95_ms": float(np.percentile(hold, 95)) if hold else None,
    }


def summarize(mode: str, viewers: int, cpu_pct: float, results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    latencies = [x for r in results for x in r["latencies_ms"]]
    sent = sum(r["sent"] for r in results)
    received = sum(r["received"] for r in results)
    return {
        "mode": mode,
        "viewers": viewers,
        "cpu_pct": cpu_pct,
        "latency_p50_ms": float(np.percentile(latencies, 50)) if latencies else None,
        "latency_p95_ms": float(np.percentile(latencies, 95)) if latencies else None,
        "viewer_p95_ms": [round(float(np.percentile(r["latencies_ms"], 95)), 1) for r in results if r["latencies_ms"]],
        "frames_sent": sent,
        "frames_lost": sent - received,
    }


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def markdown(rows: Sequence[dict[str, Any]], base: dict[str, float], seconds: float) -> str:
    lines = [
        f"Server on one core; publisher + viewers in another process; {seconds:.0f} s measured per row; "
        f"640×480 VP8 {FPS} fps + Opus. CPU per viewer = (CPU − CPU with the publisher alone) / N. "
        "In server: a frame's release by the publisher's receiver → a viewer's sender taking it (forward modes).",
        "",
        "| mode | viewers | server CPU % | CPU % per viewer | added latency p50 / p95 ms | in server p50 / p95 ms "
        "| frames lost / sent | client CPU % |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        n = r["viewers"]
        if "error" in r:
            lines.append(f"| {r['mode']} | {n} | failed: {r['error']} | | | | | |")
            continue
        per = (r["cpu_pct"] - base.get(r["mode"], 0.0)) / n if n else 0.0
        lines.append(
            f"| {r['mode']} | {n} | {r['cpu_pct']:.0f} | {per:.1f} | "
            f"{_ms(r['latency_p50_ms'])} / {_ms(r['latency_p95_ms'])} | "
            f"{_ms(r.get('server_hold_p50_ms'))} / {_ms(r.get('server_hold_p95_ms'))} | "
            f"{r['frames_lost']} / {r['frames_sent']} | {r.get('client_cpu_pct', 0.0):.0f} |"
        )
    return "\n".join(lines)


def split_cores(wanted: int) -> tuple[int, frozenset[int]]:
    """The server's core and the client's (all the others, or the same one on a one-core machine)."""
    cores = sorted(os.sched_getaffinity(0))
    server = wanted if wanted in cores else cores[0]
    return server, frozenset(set(cores) - {server} or set(cores))


async def run_all(args: argparse.Namespace, plan: Plan) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Every row, mode by mode (with a publisher-only row first unless ``--no-baseline``)."""
    rows: list[dict[str, Any]] = []
    base: dict[str, float] = {}
    for mode in args.modes:
        if args.baseline:
            base[mode] = (await run_one(mode, 0, plan))["cpu_pct"]
        for n in args.n:
            try:
                row = await run_one(mode, n, plan)
            except (RuntimeError, TimeoutError) as exc:  # a starved machine: the row says so, the run goes on
                row = {"mode": mode, "viewers": n, "error": str(exc) or type(exc).__name__}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows, base


def run_bench(args: argparse.Namespace) -> list[dict[str, Any]]:
    server_core, client_cores = split_cores(args.core)
    os.sched_setaffinity(0, {server_core})
    with tempfile.TemporaryDirectory() as tmp:
        frames_path = Path(tmp) / "frames.pkl"
        frames_path.write_bytes(pickle.dumps(encode_loop()))
        rows, base = asyncio.run(run_all(args, Plan(args.seconds, args.warmup, frames_path, client_cores)))
    print(markdown(rows, base, args.seconds))
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "publisher_only_cpu_pct": base}, indent=2))
    return rows


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.whep", description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=_ints, default=[1, 5, 10, 25], help="viewer counts, e.g. 1,5,10,25")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per row")
    parser.add_argument("--modes", type=lambda s: s.split(","), default=["forward", "relay"])
    parser.add_argument("--warmup", type=float, default=WARMUP_S, help="seconds between connecting and measuring")
    parser.add_argument("--core", type=int, default=0, help="the CPU core the server side runs on")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false", help="skip publisher-only rows")
    parser.add_argument("--json", help="write the rows here too")
    parser.add_argument("--client", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--frames", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client is not None:
        frames = pickle.loads(args.frames.read_bytes())
        asyncio.run(client_main(args.client, args.seconds, args.warmup, frames))
        return
    run_bench(args)


if __name__ == "__main__":
    main()
