"""The aiortc internals that forwarding encoded media relies on, in one place (tests/test_whep_hooks.py fails
loudly when an aiortc upgrade changes any of them).

- receive side: every depacketised encoded frame goes through the receiver's private decoder queue
  (``put((codec, JitterFrame))`` on the event loop); :func:`tap_encoded_frames` wraps that ``put``;
- :func:`request_keyframe` sends an RTCP PLI to the publisher through the receiver's private ``_send_rtcp_pli``;
- send side: a viewer's PLI/FIR calls ``RTCRtpSender._send_keyframe()``, which only flags its (unused) encoder;
  :func:`on_keyframe_request` replaces it on one sender instance. ``RTCRtpSender`` packetises an ``av.Packet``
  returned by the track's ``recv()`` with the codec's ``pack()`` (no encoding), which is how frames are relayed;
- the video receiver's private jitter buffer releases a frame only when the first packet of the *next* frame
  arrives (one frame interval late); :func:`release_frames_on_marker` wraps its ``add`` so that a frame whose
  packets are all in, up to the one with the RTP marker bit, is released at once;
- the audio receiver's jitter buffer holds four frames back (``prefetch=4``: 80 ms of 20 ms Opus packets) before
  the pipeline, the recorder and viewers see one; :func:`release_audio_frames_at_once` wraps its ``add`` so that
  a packet next in sequence (one RTP packet is one Opus frame) is released as it arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiortc.jitterbuffer import JitterBuffer, JitterFrame

EncodedSink = Callable[[str, int, bytes, int], None]
"""``(codec name lower case, clock rate, frame bytes, RTP timestamp)``."""

DECODER_QUEUE_ATTR = "_RTCRtpReceiver__decoder_queue"
JITTER_BUFFER_ATTR = "_RTCRtpReceiver__jitter_buffer"


def tap_encoded_frames(receiver: Any, sink: EncodedSink) -> None:
    """Call ``sink`` with every encoded frame ``receiver`` hands to its decoder (the frame still goes there)."""
    decoder_queue = getattr(receiver, DECODER_QUEUE_ATTR)
    original_put = decoder_queue.put

    def put(item: Any, *args: Any, **kwargs: Any) -> None:
        if item is not None:
            codec, frame = item
            sink(codec.name.lower(), codec.clockRate, bytes(frame.data), frame.timestamp)
        original_put(item, *args, **kwargs)

    decoder_queue.put = put


def release_frames_on_marker(receiver: Any) -> None:
    """Make ``receiver``'s jitter buffer release a frame as soon as its last packet (marker bit) is in, instead
    of when the next frame's first packet arrives. Use on video only: a browser marks only the first Opus packet
    of a talkspurt."""
    _release_early(receiver, pop_marked_frame)


def _release_early(receiver: Any, pop: Callable[[JitterBuffer], JitterFrame | None]) -> None:
    """Wrap ``receiver``'s jitter buffer ``add``: when aiortc releases nothing, ``pop`` may release a frame."""
    buffer: JitterBuffer = getattr(receiver, JITTER_BUFFER_ATTR)
    original_add = buffer.add

    def add(packet: Any) -> tuple[bool, JitterFrame | None]:
        pli, frame = original_add(packet)
        return pli, frame if frame is not None else pop(buffer)

    buffer.add = add  # type: ignore[method-assign]


def pop_marked_frame(buffer: JitterBuffer) -> JitterFrame | None:
    """The frame at the buffer's origin if its packets are contiguous up to one with the marker bit (removed
    from the buffer), else None (a packet is missing, or the origin's frame is not marked complete yet)."""
    origin = buffer._origin
    if origin is None:
        return None
    packets: list[Any] = []
    for count in range(buffer.capacity):
        packet = buffer._packets[(origin + count) % buffer.capacity]
        if packet is None or (packets and packet.timestamp != packets[0].timestamp):
            return None
        packets.append(packet)
        if packet.marker:
            buffer.remove(count + 1)
            return JitterFrame(data=b"".join(p._data for p in packets), timestamp=packet.timestamp)
    return None


def release_audio_frames_at_once(receiver: Any) -> None:
    """Make ``receiver``'s audio jitter buffer release each packet as soon as it is next in sequence, instead of
    once four later frames are in. A packet after a gap still waits for the missing one (or for aiortc's own
    handling of the loss), so frames stay in order. Use on audio only (a video frame spans several packets)."""
    _release_early(receiver, pop_origin_packet)


def pop_origin_packet(buffer: JitterBuffer) -> JitterFrame | None:
    """The packet at the buffer's origin as a one-packet frame (removed from the buffer), else None."""
    origin = buffer._origin
    if origin is None:
        return None
    packet: Any = buffer._packets[origin % buffer.capacity]
    if packet is None:
        return None
    buffer.remove(1)
    return JitterFrame(data=packet._data, timestamp=packet.timestamp)


async def request_keyframe(receiver: Any) -> bool:
    """Send a PLI to every source ``receiver`` hears; False when none is known yet."""
    sources = receiver.getSynchronizationSources()
    for source in sources:
        await receiver._send_rtcp_pli(source.source)
    return bool(sources)


def on_keyframe_request(sender: Any, callback: Callable[[], None]) -> None:
    """Call ``callback`` (instead of flagging the unused encoder) when ``sender``'s peer asks for a keyframe."""
    sender._send_keyframe = callback


def is_coroutine_method(obj: Any, name: str) -> bool:
    """Whether ``obj.name`` is a coroutine function (used by the hook test)."""
    return asyncio.iscoroutinefunction(getattr(obj, name, None))
