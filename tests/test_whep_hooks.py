"""The aiortc internals media/forward_hook.py relies on: this fails loudly when an aiortc upgrade changes them."""

from __future__ import annotations

import asyncio
import inspect
import queue
from fractions import Fraction
from typing import Any

import av
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.codecs import get_encoder
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import RtpPacket

from media.forward_hook import (
    DECODER_QUEUE_ATTR,
    JITTER_BUFFER_ATTR,
    is_coroutine_method,
    on_keyframe_request,
    release_audio_frames_at_once,
    release_frames_on_marker,
    tap_encoded_frames,
)


class _Transport:
    """Just enough of an RTCDtlsTransport for constructing a receiver or sender."""

    state = "new"
    transport: Any = None

    def _register_rtp_receiver(self, *args: Any) -> None: ...
    def _register_rtp_sender(self, *args: Any) -> None: ...


def test_receiver_has_the_private_decoder_queue_and_pli_sender() -> None:
    async def make() -> RTCRtpReceiver:
        return RTCRtpReceiver("video", _Transport())  # type: ignore[arg-type]

    receiver = asyncio.run(make())
    decoder_queue = getattr(receiver, DECODER_QUEUE_ATTR)
    assert isinstance(decoder_queue, queue.Queue), "aiortc no longer hands frames to a decoder queue"
    assert is_coroutine_method(receiver, "_send_rtcp_pli"), "aiortc renamed RTCRtpReceiver._send_rtcp_pli"
    assert "getSynchronizationSources" in dir(receiver)
    source = inspect.getsource(RTCRtpReceiver._handle_rtp_packet)
    assert "__decoder_queue.put((codec, encoded_frame))" in source, "aiortc changed what it queues for decoding"


def test_tap_sees_each_frame_and_the_decoder_still_gets_it() -> None:
    async def run() -> tuple[list[tuple[str, int, bytes, int]], Any]:
        receiver = RTCRtpReceiver("video", _Transport())  # type: ignore[arg-type]
        seen: list[tuple[str, int, bytes, int]] = []
        tap_encoded_frames(receiver, lambda *frame: seen.append(frame))
        codec = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)

        class Frame:
            data = b"\x10\x02\x00"
            timestamp = 1234

        getattr(receiver, DECODER_QUEUE_ATTR).put((codec, Frame()))
        return seen, getattr(receiver, DECODER_QUEUE_ATTR).get_nowait()

    seen, queued = asyncio.run(run())
    assert seen == [("vp8", 90000, b"\x10\x02\x00", 1234)]
    assert queued[1].timestamp == 1234


def test_sender_packs_packets_without_encoding_and_routes_keyframe_requests() -> None:
    source = inspect.getsource(RTCRtpSender._next_encoded_frame)
    assert ".pack(data)" in source, "aiortc's sender no longer packetises pre-encoded av.Packet objects"
    handler = inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    assert "self._send_keyframe()" in handler, "aiortc no longer calls _send_keyframe on PLI/FIR"
    codec = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
    packet = av.Packet(b"\x10\x02\x00\x9d\x01\x2a" + b"\x00" * 20)
    packet.pts, packet.time_base = 3000, Fraction(1, 90000)
    payloads, timestamp = get_encoder(codec).pack(packet)
    assert payloads and timestamp == 3000

    async def keyframe_request() -> list[str]:
        sender = RTCRtpSender("video", _Transport())  # type: ignore[arg-type]
        calls: list[str] = []
        on_keyframe_request(sender, lambda: calls.append("pli"))
        sender._send_keyframe()
        return calls

    assert asyncio.run(keyframe_request()) == ["pli"]


def _packet(seq: int, ts: int, marker: bool, data: bytes) -> RtpPacket:
    packet = RtpPacket(payload_type=96, marker=int(marker), sequence_number=seq, timestamp=ts)
    packet._data = data  # type: ignore[attr-defined]  # what the receiver sets after depayloading
    return packet


def test_aiortc_holds_a_video_frame_until_the_next_frames_first_packet() -> None:
    buffer = JitterBuffer(capacity=512, is_video=True)
    assert buffer.add(_packet(10, 3000, False, b"a")) == (False, None)
    assert buffer.add(_packet(11, 3000, True, b"b")) == (False, None), (
        "aiortc now releases a video frame at its marker bit itself: release_frames_on_marker can go"
    )
    _, frame = buffer.add(_packet(12, 6000, True, b"c"))
    assert frame is not None and (frame.data, frame.timestamp) == (b"ab", 3000)


def test_receiver_has_the_private_video_jitter_buffer_the_marker_release_wraps() -> None:
    async def make() -> RTCRtpReceiver:
        return RTCRtpReceiver("video", _Transport())  # type: ignore[arg-type]

    buffer = getattr(asyncio.run(make()), JITTER_BUFFER_ATTR)
    assert isinstance(buffer, JitterBuffer), "aiortc renamed or replaced RTCRtpReceiver's jitter buffer"
    assert isinstance(buffer._origin, type(None)) and len(buffer._packets) == buffer.capacity
    assert callable(buffer.remove)
    source = inspect.getsource(RTCRtpReceiver._handle_rtp_packet)
    assert "self.__jitter_buffer.add(packet)" in source, "aiortc no longer assembles frames with JitterBuffer.add"


def test_a_frame_is_released_at_its_marker_packet_once_and_only_when_complete() -> None:
    async def run() -> list[list[Any] | None]:
        receiver = RTCRtpReceiver("video", _Transport())  # type: ignore[arg-type]
        release_frames_on_marker(receiver)
        buffer = getattr(receiver, JITTER_BUFFER_ATTR)
        steps = [
            _packet(100, 3000, False, b"k1"),
            _packet(101, 3000, True, b"k2"),  # complete: released now, not at the next frame
            _packet(102, 6000, False, b"d1"),
            _packet(104, 6000, True, b"d3"),  # 103 missing: held
            _packet(103, 6000, False, b"d2"),  # the retransmission completes it
            _packet(105, 9000, True, b"e"),  # a one-packet frame
            _packet(106, 12000, False, b"f"),  # the original path must not release anything again
        ]
        out: list[list[Any] | None] = []
        for packet in steps:
            _, frame = buffer.add(packet)
            out.append(None if frame is None else [frame.data, frame.timestamp])
        return out

    assert asyncio.run(run()) == [None, [b"k1k2", 3000], None, None, [b"d1d2d3", 6000], [b"e", 9000], None]


def test_aiortc_holds_audio_frames_until_four_more_are_in() -> None:
    buffer = JitterBuffer(capacity=16, prefetch=4)
    released = [buffer.add(_packet(seq, seq * 960, False, b"%d" % seq))[1] for seq in range(5)]
    assert released[:4] == [None] * 4, "aiortc's audio buffer no longer prefetches: release_audio_frames_at_once can go"
    assert released[4] is not None and released[4].timestamp == 0


def test_receiver_has_the_private_audio_jitter_buffer_the_release_wraps() -> None:
    async def make() -> RTCRtpReceiver:
        return RTCRtpReceiver("audio", _Transport())  # type: ignore[arg-type]

    buffer = getattr(asyncio.run(make()), JITTER_BUFFER_ATTR)
    assert isinstance(buffer, JitterBuffer), "aiortc renamed or replaced RTCRtpReceiver's jitter buffer"
    assert buffer._prefetch == 4 and len(buffer._packets) == buffer.capacity


def test_an_audio_packet_is_released_as_it_arrives_and_in_order() -> None:
    async def run() -> list[list[Any] | None]:
        receiver = RTCRtpReceiver("audio", _Transport())  # type: ignore[arg-type]
        release_audio_frames_at_once(receiver)
        buffer = getattr(receiver, JITTER_BUFFER_ATTR)
        steps = [
            _packet(200, 0, True, b"a"),  # released at once
            _packet(201, 960, False, b"b"),
            _packet(203, 2880, False, b"d"),  # 202 missing: held
            _packet(202, 1920, False, b"c"),  # late: released, and 203 waits for the next packet
            _packet(204, 3840, False, b"e"),
        ]
        out: list[list[Any] | None] = []
        for packet in steps:
            _, frame = buffer.add(packet)
            out.append(None if frame is None else [frame.data, frame.timestamp])
        return out

    assert asyncio.run(run()) == [[b"a", 0], [b"b", 960], None, [b"c", 1920], [b"d", 2880]]
