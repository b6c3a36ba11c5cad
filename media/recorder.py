"""Records what the publisher sends, without re-encoding, to a Matroska file written as packets arrive.

Encoded frames are tapped from aiortc's receiver (between its jitter buffer and its decoder thread) and
muxed by a writer thread fed through a bounded queue, so neither file I/O nor muxing runs on the event
loop. The file is written under a temporary name and moved into place atomically at :meth:`Recorder.close`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import queue
import struct
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from media.timestamps import RebaseConfig, TimestampRebaser

log = logging.getLogger(__name__)

START_TIMEOUT_S = 3.0
"""How long to wait for every announced track's first (key)frame before starting without the missing ones."""

MAX_TS_JUMP_S = 1.0
"""A timestamp this far off the previous one is a jump (stream restarted, track replaced, file looped)."""
AUDIO_FRAME_S = 0.02
VIDEO_FRAME_S = 1 / 30

CRASH_SAFE_MUXING = {"flush_packets": "1", "cluster_time_limit": "1000"}
"""Muxer options: close a Matroska cluster every second and write it out at once, so a killed server leaves
at most about a second of media unwritten in the ``.part`` file (see ``media/remux.py``)."""

_OPUS_HEAD = b"OpusHead" + struct.pack("<BBHIhB", 1, 2, 312, 48000, 0, 0)
_MUX_CODEC = {"vp8": "vp8", "h264": "h264", "opus": "opus"}


@dataclass(frozen=True)
class RecordingResult:
    """A finalized recording (``path`` is None when nothing usable arrived)."""

    path: Path | None
    duration_s: float
    codecs: dict[str, str]
    bytes: int
    sha256: str | None
    packets: int
    dropped_packets: int


@dataclass
class _Track:
    kind: str
    codec: str | None = None
    clock_rate: int = 90000
    first_ts: int | None = None
    first_arrival: float | None = None
    size: tuple[int, int] | None = None
    keyframe_seen: bool = False
    stream: Any = None
    last_pts: int = -1
    end_pts: int = 0
    rebaser: TimestampRebaser | None = None

    def rebase(self, rtp_ts: int) -> int:
        """``rtp_ts`` on this track's continuous timeline (0 at its first frame; jumps and wraps rebased)."""
        if self.rebaser is None:
            frame_s = AUDIO_FRAME_S if self.kind == "audio" else VIDEO_FRAME_S
            self.rebaser = TimestampRebaser(RebaseConfig.for_clock(self.clock_rate, frame_s, MAX_TS_JUMP_S))
        return self.rebaser.rebase(rtp_ts)


@dataclass
class _State:
    tracks: dict[str, _Track] = field(default_factory=dict)
    pending: list[tuple[str, bytes, int, float]] = field(default_factory=list)
    container: Any = None
    origin: float | None = None
    started: bool = False
    packets: int = 0
    dropped: int = 0


def partial_path(final_path: Path) -> Path:
    """Where the recording of ``final_path`` is written until it is finalized (left behind by a crash)."""
    return final_path.with_name(f".{final_path.name}.part")


def vp8_keyframe_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a VP8 keyframe header, or None if ``data`` is not a keyframe."""
    if len(data) < 10 or data[0] & 1 or data[3:6] != b"\x9d\x01\x2a":
        return None
    width, height = struct.unpack("<HH", data[6:10])
    return width & 0x3FFF, height & 0x3FFF


def h264_is_keyframe(data: bytes) -> bool:
    """True if an Annex B access unit carries an IDR slice or an SPS."""
    i = data.find(b"\x00\x00\x01")
    while i != -1 and i + 3 < len(data):
        if data[i + 3] & 0x1F in (5, 7):
            return True
        i = data.find(b"\x00\x00\x01", i + 3)
    return False


class Recorder:
    """Muxes encoded audio/video frames into ``final_path`` (Matroska) from a writer thread.

    Call :meth:`expect` for every incoming track, :meth:`tap_receiver` with its aiortc receiver (or feed
    :meth:`push` directly), and :meth:`close` once; ``close`` returns a :class:`RecordingResult`.
    """

    def __init__(self, final_path: Path, queue_max: int = 4096) -> None:
        self.final_path = final_path
        self.tmp_path = partial_path(final_path)
        self._queue: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=queue_max)
        self._state = _State()
        self._thread = threading.Thread(target=self._run, name=f"recorder-{final_path.stem}", daemon=True)
        self._thread.start()
        self._closed = False
        self._result: RecordingResult | None = None
        self.queue_dropped = 0
        self.bytes_received = 0
        """Encoded bytes handed to :meth:`push` so far (what the publisher sent), for the recording caps."""

    def expect(self, kind: str) -> None:
        """Announce a track (``audio`` or ``video``) so writing waits for its first frame."""
        self._put(("expect", kind))

    def set_video_size(self, width: int, height: int) -> None:
        """Video size learned from a decoded frame (used when the bitstream header is not parsed)."""
        self._put(("size", width, height))

    def push(self, kind: str, codec: str, data: bytes, rtp_ts: int, clock_rate: int) -> None:
        """Queue one encoded frame; never blocks (a full queue drops the frame and counts it)."""
        self.bytes_received += len(data)
        self._put(("pkt", kind, codec.lower(), data, rtp_ts, clock_rate, time.monotonic()))

    def tap_receiver(self, receiver: Any, kind: str) -> None:
        """Copy every encoded frame aiortc's ``RTCRtpReceiver`` hands to its decoder into this recorder."""
        decoder_queue = receiver._RTCRtpReceiver__decoder_queue
        original_put = decoder_queue.put

        def put(item: Any, *args: Any, **kwargs: Any) -> None:
            if item is not None and not self._closed:
                codec, frame = item
                self.push(kind, codec.name, bytes(frame.data), frame.timestamp, codec.clockRate)
            original_put(item, *args, **kwargs)

        decoder_queue.put = put

    def _put(self, item: tuple[Any, ...]) -> None:
        if self._closed:
            return
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.queue_dropped += 1

    async def close(self) -> RecordingResult:
        """Finalize the file (idempotent) and return its description."""
        if not self._closed:
            self._closed = True
            await asyncio.to_thread(self._queue.put, None)
            await asyncio.to_thread(self._thread.join)
        assert self._result is not None
        return self._result

    # ---- writer thread ----

    def _run(self) -> None:
        st = self._state
        while True:
            item = self._queue.get()
            if item is None:
                break
            try:
                self._handle(st, item)
            except Exception:
                log.exception("recorder: failed to handle %s", item[0])
        self._result = self._finalize(st)

    def _handle(self, st: _State, item: tuple[Any, ...]) -> None:
        if item[0] == "expect":
            st.tracks.setdefault(item[1], _Track(kind=item[1]))
            return
        if item[0] == "size":
            video = st.tracks.setdefault("video", _Track(kind="video"))
            if video.size is None:
                video.size = (item[1], item[2])
            self._maybe_start(st, time.monotonic())
            return
        _, kind, codec, data, rtp_ts, clock_rate, arrival = item
        track = st.tracks.setdefault(kind, _Track(kind=kind))
        if codec not in _MUX_CODEC:
            st.dropped += 1
            return
        if track.codec is None:
            track.codec, track.clock_rate = codec, clock_rate
        if kind == "video" and not track.keyframe_seen:
            size = vp8_keyframe_size(data) if codec == "vp8" else None
            if size is None and not (codec == "h264" and h264_is_keyframe(data)):
                st.dropped += 1
                return
            track.keyframe_seen = True
            if size is not None:
                track.size = size
        if track.first_ts is None:
            track.first_ts, track.first_arrival = rtp_ts, arrival
            st.origin = arrival if st.origin is None else min(st.origin, arrival)
        if st.started:
            self._write(st, track, data, rtp_ts)
        else:
            st.pending.append((kind, data, rtp_ts, arrival))
            self._maybe_start(st, arrival)

    def _maybe_start(self, st: _State, now: float) -> None:
        if st.started or st.origin is None:
            return
        ready = [t for t in st.tracks.values() if t.first_ts is not None and (t.kind != "video" or t.size)]
        if len(ready) < len(st.tracks) and now - st.origin < START_TIMEOUT_S:
            return
        if not ready:
            return
        self.tmp_path.parent.mkdir(parents=True, exist_ok=True)
        st.container = av.open(str(self.tmp_path), "w", format="matroska", container_options=CRASH_SAFE_MUXING)
        for t in ready:
            if t.kind == "video":
                assert t.size is not None
                t.stream = st.container.add_stream(_MUX_CODEC[t.codec or "vp8"], rate=30)
                t.stream.width, t.stream.height = t.size
                t.stream.pix_fmt = "yuv420p"
            else:
                t.stream = st.container.add_stream(_MUX_CODEC[t.codec or "opus"], rate=t.clock_rate)
                t.stream.layout = "stereo"
                t.stream.codec_context.extradata = _OPUS_HEAD
        st.started = True
        pending, st.pending = st.pending, []
        for kind, data, rtp_ts, _arrival in pending:
            self._write(st, st.tracks[kind], data, rtp_ts)

    def _write(self, st: _State, track: _Track, data: bytes, rtp_ts: int) -> None:
        if track.stream is None or track.first_ts is None or track.first_arrival is None or st.origin is None:
            st.dropped += 1
            return
        offset = round((track.first_arrival - st.origin) * track.clock_rate)
        pts = offset + track.rebase(rtp_ts)
        if pts <= track.last_pts:
            st.dropped += 1
            return
        packet = av.Packet(data)
        packet.pts = packet.dts = pts
        packet.time_base = Fraction(1, track.clock_rate)
        packet.stream = track.stream
        if track.kind == "video":
            packet.is_keyframe = vp8_keyframe_size(data) is not None if track.codec == "vp8" else h264_is_keyframe(data)
        else:
            packet.is_keyframe = True
        st.container.mux(packet)
        track.last_pts = pts
        track.end_pts = pts + (960 if track.kind == "audio" else track.clock_rate // 30)
        st.packets += 1

    def _finalize(self, st: _State) -> RecordingResult:
        if not st.started and st.pending:
            self._maybe_start(st, float("inf"))
        if st.container is None:
            return RecordingResult(None, 0.0, {}, 0, None, 0, st.dropped + self.queue_dropped)
        codecs = {t.kind: t.codec for t in st.tracks.values() if t.stream is not None and t.codec}
        st.container.close()
        digest = hashlib.sha256()
        with open(self.tmp_path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
            os.fsync(f.fileno())
        os.replace(self.tmp_path, self.final_path)
        duration = probe_duration(self.final_path)
        return RecordingResult(
            path=self.final_path,
            duration_s=duration,
            codecs=codecs,
            bytes=self.final_path.stat().st_size,
            sha256=digest.hexdigest(),
            packets=st.packets,
            dropped_packets=st.dropped + self.queue_dropped,
        )


def probe_duration(path: Path) -> float:
    """Container duration in seconds as PyAV reads it (0.0 if unknown or unreadable)."""
    with contextlib.suppress(av.FFmpegError, OSError), av.open(str(path)) as c:
        if c.duration is not None:
            return float(c.duration) / 1_000_000
    return 0.0
