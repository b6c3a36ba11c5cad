"""Forwarding a publisher's encoded frames to viewers without decoding or re-encoding them.

:class:`ForwardHub` taps the publisher's receivers (see :mod:`media.forward_hook`), rebases each track's RTP
timestamps onto one continuous timeline and pushes every frame into each viewer's bounded :class:`FrameQueue`.
Pushing never blocks: a full queue is emptied and, for video, skips to the next keyframe (which it asks the
publisher for), so a slow viewer never slows the speaker, the recorder or other viewers.
:class:`ForwardedTrack` returns the frames as ``av.Packet`` objects, which aiortc's sender packetises as they are.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media.forward_hook import request_keyframe, tap_encoded_frames
from media.recorder import AUDIO_FRAME_S, MAX_TS_JUMP_S, VIDEO_FRAME_S, h264_is_keyframe, vp8_keyframe_size
from media.timestamps import RebaseConfig, TimestampRebaser

log = logging.getLogger(__name__)

KEYFRAME_REQUEST_MIN_S = 0.2
"""At most one keyframe request (PLI) per track to the publisher this often."""


@dataclass(frozen=True)
class EncodedFrame:
    """One encoded frame as the publisher sent it; ``pts`` in ``1/clock_rate`` on a continuous timeline."""

    kind: str
    codec: str
    data: bytes
    pts: int
    clock_rate: int
    keyframe: bool


def is_keyframe(kind: str, codec: str, data: bytes) -> bool:
    """Whether a video frame can start decoding (audio frames always can)."""
    if kind != "video":
        return True
    return vp8_keyframe_size(data) is not None if codec == "vp8" else h264_is_keyframe(data)


class FrameQueue:
    """One viewer's bounded queue of one track's frames; video starts (and restarts after a drop) at a keyframe."""

    def __init__(self, hub: ForwardHub, kind: str, maxsize: int) -> None:
        self.kind = kind
        self._hub = hub
        self._items: deque[EncodedFrame] = deque()
        self._maxsize = maxsize
        self._wakeup = asyncio.Event()
        self._closed = False
        self._wait_keyframe = kind == "video"
        self.dropped = 0
        self.delivered = 0

    def push(self, frame: EncodedFrame) -> None:
        """Queue ``frame`` (never blocks): a full queue is emptied and video waits for the next keyframe."""
        if self._closed:
            return
        if len(self._items) >= self._maxsize:
            self.dropped += len(self._items)
            self._items.clear()
            if self.kind == "video":
                self._wait_keyframe = True
                self._hub.request_keyframe(self.kind)
        if self._wait_keyframe:
            if not frame.keyframe:
                self.dropped += 1
                return
            self._wait_keyframe = False
        self._items.append(frame)
        self._wakeup.set()

    async def get(self) -> EncodedFrame | None:
        """The next frame, or None once the queue is closed."""
        while not self._items:
            if self._closed:
                return None
            self._wakeup.clear()
            await self._wakeup.wait()
        self.delivered += 1
        return self._items.popleft()

    def close(self) -> None:
        self._closed = True
        self._items.clear()
        self._wakeup.set()
        self._hub.unsubscribe(self)


class ForwardedTrack(MediaStreamTrack):
    """A viewer's track whose ``recv()`` returns the publisher's encoded frames as ``av.Packet``."""

    def __init__(self, frames: FrameQueue) -> None:
        super().__init__()
        self.kind = frames.kind
        self.frames = frames

    async def recv(self) -> av.Packet:  # type: ignore[override]
        frame = await self.frames.get()
        if frame is None:
            self.stop()
            raise MediaStreamError
        packet = av.Packet(frame.data)
        packet.pts = frame.pts
        packet.time_base = Fraction(1, frame.clock_rate)
        return packet

    def stop(self) -> None:
        super().stop()
        self.frames.close()


class ForwardHub:
    """The publisher's encoded tracks, fanned out to any number of :class:`FrameQueue` subscribers."""

    def __init__(self) -> None:
        self.codecs: dict[str, str] = {}
        self._receivers: dict[str, Any] = {}
        self._rebasers: dict[str, TimestampRebaser] = {}
        self._queues: set[FrameQueue] = set()
        self._last_request: dict[str, float] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        self.keyframe_requests = 0
        self.frames_seen = 0

    @property
    def kinds(self) -> frozenset[str]:
        """The kinds of track the publisher sends."""
        return frozenset(self._receivers)

    def attach(self, receiver: Any, kind: str) -> None:
        """Forward what ``receiver`` (the publisher's audio or video) receives."""
        self._receivers[kind] = receiver
        tap_encoded_frames(receiver, lambda codec, clock, data, ts: self._on_frame(kind, codec, clock, data, ts))

    def subscribe(self, kind: str, maxsize: int) -> FrameQueue:
        """A new queue of ``kind`` frames; a video subscriber asks the publisher for a keyframe at once."""
        queue = FrameQueue(self, kind, maxsize)
        if self._closed:
            queue.close()
            return queue
        self._queues.add(queue)
        if kind == "video":
            self.request_keyframe(kind, force=True)
        return queue

    def unsubscribe(self, queue: FrameQueue) -> None:
        self._queues.discard(queue)

    def request_keyframe(self, kind: str, force: bool = False) -> None:
        """Ask the publisher for a keyframe of ``kind`` (RTCP PLI), at most every ``KEYFRAME_REQUEST_MIN_S``."""
        receiver = self._receivers.get(kind)
        now = time.monotonic()
        if receiver is None or self._closed or kind != "video":
            return
        if not force and now - self._last_request.get(kind, -1e9) < KEYFRAME_REQUEST_MIN_S:
            return
        self._last_request[kind] = now
        self.keyframe_requests += 1
        task = asyncio.get_running_loop().create_task(self._send_pli(receiver), name=f"pli-{kind}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_pli(self, receiver: Any) -> None:
        try:
            await request_keyframe(receiver)
        except Exception:
            log.warning("keyframe request to the publisher failed", exc_info=True)

    def close(self) -> None:
        """Stop forwarding: every queue ends, pending keyframe requests are cancelled."""
        self._closed = True
        for queue in list(self._queues):
            queue.close()
        for task in list(self._tasks):
            task.cancel()

    def _on_frame(self, kind: str, codec: str, clock_rate: int, data: bytes, rtp_ts: int) -> None:
        if self._closed:
            return
        self.frames_seen += 1
        self.codecs.setdefault(kind, codec)
        rebaser = self._rebasers.get(kind)
        if rebaser is None:
            frame_s = AUDIO_FRAME_S if kind == "audio" else VIDEO_FRAME_S
            config = RebaseConfig.for_clock(clock_rate, frame_s, MAX_TS_JUMP_S)
            rebaser = self._rebasers[kind] = TimestampRebaser(config)
        pts = rebaser.rebase(rtp_ts)
        targets = [q for q in self._queues if q.kind == kind]
        if not targets:
            return
        frame = EncodedFrame(kind, codec, data, pts, clock_rate, is_keyframe(kind, codec, data))
        for queue in targets:
            queue.push(frame)
