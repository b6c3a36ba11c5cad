"""The aiortc internals that forwarding encoded media relies on, in one place (tests/test_whep_hooks.py fails
loudly when an aiortc upgrade changes any of them).

- receive side: every depacketised encoded frame goes through the receiver's private decoder queue
  (``put((codec, JitterFrame))`` on the event loop); :func:`tap_encoded_frames` wraps that ``put``;
- :func:`request_keyframe` sends an RTCP PLI to the publisher through the receiver's private ``_send_rtcp_pli``;
- send side: a viewer's PLI/FIR calls ``RTCRtpSender._send_keyframe()``, which only flags its (unused) encoder;
  :func:`on_keyframe_request` replaces it on one sender instance. ``RTCRtpSender`` packetises an ``av.Packet``
  returned by the track's ``recv()`` with the codec's ``pack()`` (no encoding), which is how frames are relayed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

EncodedSink = Callable[[str, int, bytes, int], None]
"""``(codec name lower case, clock rate, frame bytes, RTP timestamp)``."""

DECODER_QUEUE_ATTR = "_RTCRtpReceiver__decoder_queue"


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
