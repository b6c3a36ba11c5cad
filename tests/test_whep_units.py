"""Forwarding without a network: bounded per-viewer queues, keyframe gating, keyframe requests, viewer offers."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from typing import Any

import pytest

from media.errors import NoUsableCodec, SdpInvalid
from media.fanout import FanoutHub
from media.forward import EncodedFrame, ForwardedTrack, ForwardHub
from media.forward_hook import DECODER_QUEUE_ATTR
from media.whep import TooManyViewers, ViewerConfig, ViewerSet, receivable_kinds, validate_viewer_offer

VP8_KEY = b"\x10\x02\x00\x9d\x01\x2a\x40\x01\xf0\x00" + b"k" * 10
VP8_DELTA = b"\x11\x02\x00" + b"d" * 10


class _Queue:
    def __init__(self) -> None:
        self.items: list[Any] = []

    def put(self, item: Any) -> None:
        self.items.append(item)


class _Source:
    source = 1234


class FakeReceiver:
    """The receiver surface the hub uses: the decoder queue it taps and the PLI it sends."""

    def __init__(self) -> None:
        setattr(self, DECODER_QUEUE_ATTR, _Queue())
        self.plis: list[int] = []

    def getSynchronizationSources(self) -> list[_Source]:
        return [_Source()]

    async def _send_rtcp_pli(self, ssrc: int) -> None:
        self.plis.append(ssrc)

    def deliver(self, data: bytes, ts: int) -> None:
        class Codec:
            name, clockRate = "VP8", 90000

        class Frame:
            pass

        frame = Frame()
        frame.data, frame.timestamp = data, ts  # type: ignore[attr-defined]
        getattr(self, DECODER_QUEUE_ATTR).put((Codec(), frame))


async def _settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_video_starts_at_a_keyframe_which_a_new_viewer_requests() -> None:
    hub, receiver = ForwardHub(), FakeReceiver()
    hub.attach(receiver, "video")
    receiver.deliver(VP8_DELTA, 0)
    queue = hub.subscribe("video", 10)
    await _settle()
    assert receiver.plis == [1234], "a new video viewer asks the publisher for a keyframe"
    receiver.deliver(VP8_DELTA, 3000)
    receiver.deliver(VP8_KEY, 6000)
    receiver.deliver(VP8_DELTA, 9000)
    first = await queue.get()
    assert first is not None and first.keyframe and first.data == VP8_KEY and first.pts == 6000
    second = await queue.get()
    assert second is not None and second.data == VP8_DELTA and second.pts == 9000
    assert queue.dropped == 1
    assert getattr(receiver, DECODER_QUEUE_ATTR).items[-1][1].data == VP8_DELTA, "the decoder still gets every frame"


async def test_a_slow_viewer_drops_and_waits_for_a_keyframe_without_holding_anyone_back() -> None:
    hub, receiver = ForwardHub(), FakeReceiver()
    hub.attach(receiver, "video")
    slow, fast = hub.subscribe("video", 3), hub.subscribe("video", 100)
    receiver.deliver(VP8_KEY, 0)
    for i in range(1, 20):
        receiver.deliver(VP8_DELTA, i * 3000)
    await _settle()
    assert [f.pts for f in [await fast.get() for _ in range(20)] if f is not None] == [i * 3000 for i in range(20)]
    assert slow.dropped >= 16
    assert len(receiver.plis) >= 2, "the overflow asked for a new keyframe"
    receiver.deliver(VP8_KEY, 60000)
    frame = await slow.get()
    assert frame is not None and frame.keyframe and frame.pts == 60000


async def test_keyframe_requests_are_rate_limited_and_timestamps_rebased() -> None:
    hub, receiver = ForwardHub(), FakeReceiver()
    hub.attach(receiver, "video")
    queue = hub.subscribe("video", 10)
    for _ in range(5):
        hub.request_keyframe("video")
    await _settle()
    assert len(receiver.plis) == 1
    receiver.deliver(VP8_KEY, 2**32 - 3000)
    receiver.deliver(VP8_DELTA, 0)
    frames = [await queue.get(), await queue.get()]
    assert [f.pts for f in frames if f is not None] == [0, 3000], "the 32-bit wrap is one frame step"


async def test_forwarded_track_returns_packets_and_ends_with_the_hub() -> None:
    from aiortc.mediastreams import MediaStreamError

    hub, receiver = ForwardHub(), FakeReceiver()
    hub.attach(receiver, "video")
    track = ForwardedTrack(hub.subscribe("video", 10))
    receiver.deliver(VP8_KEY, 900)
    packet = await track.recv()
    assert bytes(packet) == VP8_KEY and packet.pts == 0 and packet.time_base == Fraction(1, 90000)
    hub.close()
    with pytest.raises(MediaStreamError):
        await track.recv()


def test_frame_is_frozen() -> None:
    frame = EncodedFrame("audio", "opus", b"x", 0, 48000, True)
    with pytest.raises(AttributeError):
        frame.pts = 1  # type: ignore[misc]


def _offer(direction: str, video: str = "VP8/90000") -> str:
    return (
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
        f"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na={direction}\r\n"
        f"m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:96 {video}\r\na={direction}\r\n"
    )


def test_viewer_offers_must_receive_a_codec_we_forward() -> None:
    assert validate_viewer_offer(_offer("recvonly"), 10_000) == {"audio": {"opus"}, "video": {"vp8"}}
    assert validate_viewer_offer(_offer("recvonly", "AV1/90000"), 10_000) == {"audio": {"opus"}}
    with pytest.raises(NoUsableCodec, match="offered"):
        validate_viewer_offer(_offer("sendonly"), 10_000)
    with pytest.raises(SdpInvalid):
        validate_viewer_offer("hello", 10_000)
    with pytest.raises(SdpInvalid):
        validate_viewer_offer("v=0\r\n", 10_000)


async def test_a_viewer_that_cannot_receive_the_publishers_codec_gets_422() -> None:
    hub, receiver = ForwardHub(), FakeReceiver()
    hub.attach(receiver, "video")
    receiver.deliver(VP8_KEY, 0)
    viewers = ViewerSet(hub, FanoutHub())
    with pytest.raises(NoUsableCodec, match="video/vp8"):
        await viewers.start("v1", "u1", _offer("recvonly", "H264/90000").replace("m=audio 9", "m=audio 0"))
    assert len(viewers) == 0
    assert receivable_kinds({"audio": frozenset({"opus"}), "video": frozenset({"vp8"})}, hub) == {"video"}


async def test_viewer_cap_is_checked_before_any_await() -> None:
    viewers = ViewerSet(ForwardHub(), FanoutHub(), ViewerConfig(max_viewers=0))
    with pytest.raises(TooManyViewers):
        await viewers.start("v1", "u1", _offer("recvonly"))
    assert len(viewers) == 0
