"""WHEP viewers of a live session (draft-ietf-wish-whep: the viewer sends the offer).

A :class:`WhepViewer` owns one peer connection sending the publisher's audio and video as forwarded encoded
frames (:mod:`media.forward`) and, when the viewer opens a ``feedback`` data channel, the session's feedback
messages; :meth:`WhepViewer.close` releases all of it. :class:`ViewerSet` holds a session's viewers, caps
their number and closes them with the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.rtcdatachannel import RTCDataChannel

from media.config import IceServer
from media.errors import MediaError, NoUsableCodec, SdpInvalid, SessionClosed
from media.fanout import FanoutHub
from media.forward import ForwardedTrack, ForwardHub
from media.forward_hook import on_keyframe_request
from media.sdp import AUDIO_CODECS, VIDEO_CODECS, _parse_sections
from media.sdp import validate_offer as _validate_size_and_syntax

log = logging.getLogger(__name__)

FEEDBACK_LABEL = "feedback"


class TooManyViewers(MediaError):
    code = "too_many_viewers"
    http_status = 429


@dataclass(frozen=True)
class ViewerConfig:
    """Limits of one session's viewers."""

    max_viewers: int = 10
    ice_servers: tuple[IceServer, ...] = ()
    max_sdp_bytes: int = 64 * 1024
    video_queue_frames: int = 30
    audio_queue_frames: int = 50
    feedback_max_buffered_bytes: int = 64 * 1024


def validate_viewer_offer(sdp: str, max_bytes: int) -> dict[str, frozenset[str]]:
    """The codecs (by kind: ``audio``, ``video``) a viewer's offer can receive among those we forward; the same
    errors as a WHIP offer (too large, unparsable, no usable codec naming what was offered)."""
    with contextlib.suppress(NoUsableCodec):  # a viewer's sections are recvonly, which the publisher check refuses
        _validate_size_and_syntax(sdp, max_bytes)
    wanted = {"audio": AUDIO_CODECS, "video": VIDEO_CODECS}
    sections = _parse_sections(sdp)
    offered: dict[str, frozenset[str]] = {}
    for s in sections:
        if s.kind in wanted and s.port != 0 and s.direction in ("recvonly", "sendrecv"):
            codecs = frozenset(c for c in s.codecs if c in wanted[s.kind])
            if codecs:
                offered[s.kind] = offered.get(s.kind, frozenset()) | codecs
    if not offered:
        raise NoUsableCodec(f"no usable media: need to receive audio (opus) or video (VP8/H264); {_offered(sections)}")
    return offered


def _offered(sections: list[Any]) -> str:
    return "offered: " + ("; ".join(f"{s.kind} [{', '.join(s.codecs)}] {s.direction}" for s in sections) or "nothing")


def receivable_kinds(offered: dict[str, frozenset[str]], forward: ForwardHub) -> frozenset[str]:
    """The publisher's tracks the viewer can receive as they are (in the publisher's codec, when known yet)."""
    kinds = {
        kind
        for kind, codecs in offered.items()
        if kind in forward.kinds and (forward.codecs.get(kind) is None or forward.codecs[kind] in codecs)
    }
    if not kinds:
        sending = ", ".join(f"{k}/{forward.codecs.get(k, '?')}" for k in sorted(forward.kinds)) or "nothing yet"
        offer = ", ".join(f"{k} [{', '.join(sorted(c))}]" for k, c in sorted(offered.items()))
        raise NoUsableCodec(f"the speaker sends {sending}, which this offer cannot receive (offered: {offer})")
    return frozenset(kinds)


def _preferences(kind: str, codec: str | None) -> list[Any]:
    """Sender capabilities restricted to the publisher's codec (with RTX for video), so no transcoding is needed."""
    codecs = RTCRtpSender.getCapabilities(kind).codecs
    if codec is None:
        return []
    chosen = [c for c in codecs if c.mimeType.lower() == f"{kind}/{codec}"]
    return chosen + [c for c in codecs if c.mimeType.lower() == f"{kind}/rtx"] if chosen else []


class WhepViewer:
    """One viewer's peer connection: forwarded tracks, the feedback channel and one idempotent :meth:`close`."""

    def __init__(
        self,
        viewer_id: str,
        user_id: str,
        forward: ForwardHub,
        feedback: FanoutHub,
        config: ViewerConfig,
        on_closed: Callable[[WhepViewer], None] | None = None,
    ) -> None:
        self.viewer_id = viewer_id
        self.user_id = user_id
        self._forward = forward
        self._feedback = feedback
        self._config = config
        self._close_listeners: list[Callable[[WhepViewer], None]] = [on_closed] if on_closed is not None else []
        self._pc: RTCPeerConnection | None = None
        self._tracks: list[ForwardedTrack] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self.closed = asyncio.Event()
        self.close_reason: str | None = None
        self.feedback_sent = 0
        self.answer_sdp: str | None = None

    async def accept_offer(self, sdp: str) -> str:
        """Validate the viewer's offer, attach the forwarded tracks and return the answer (ICE gathered)."""
        kinds = receivable_kinds(validate_viewer_offer(sdp, self._config.max_sdp_bytes), self._forward)
        ice = [RTCIceServer(list(s.urls), s.username, s.credential) for s in self._config.ice_servers]
        pc = self._pc = RTCPeerConnection(RTCConfiguration(iceServers=ice))
        pc.on("datachannel", self._on_datachannel)
        pc.on("connectionstatechange", self._on_connection_state)
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            for transceiver in pc.getTransceivers():
                if transceiver.kind in kinds and transceiver.sender.track is None:
                    self._attach(transceiver)
            await pc.setLocalDescription(await pc.createAnswer())
        except (ValueError, AssertionError) as exc:
            await self.close("bad_offer")
            raise SdpInvalid(f"offer rejected: {exc}") from exc
        self.answer_sdp = str(pc.localDescription.sdp)
        return self.answer_sdp

    def _attach(self, transceiver: Any) -> None:
        kind = transceiver.kind
        size = self._config.video_queue_frames if kind == "video" else self._config.audio_queue_frames
        track = ForwardedTrack(self._forward.subscribe(kind, size))
        self._tracks.append(track)
        preferences = _preferences(kind, self._forward.codecs.get(kind))
        if preferences:
            transceiver.setCodecPreferences(preferences)
        assert self._pc is not None
        sender = self._pc.addTrack(track)
        on_keyframe_request(sender, lambda: self._forward.request_keyframe(kind))

    @property
    def dropped_frames(self) -> int:
        return sum(t.frames.dropped for t in self._tracks)

    async def close(self, reason: str = "closed") -> None:
        """Stop sending and close the peer connection (idempotent)."""
        if self.close_reason is not None:
            await self.closed.wait()
            return
        self.close_reason = reason
        for listener in self._close_listeners:
            listener(self)
        try:
            for track in self._tracks:
                track.stop()
            current = asyncio.current_task()
            tasks = [t for t in self._tasks if t is not current]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self._pc is not None:
                with contextlib.suppress(Exception):
                    await self._pc.close()
        finally:
            self.closed.set()

    def on_close(self, listener: Callable[[WhepViewer], None]) -> None:
        """Call ``listener`` once the viewer starts closing (at once if it already has)."""
        if self.close_reason is not None:
            listener(self)
        else:
            self._close_listeners.append(listener)

    def request_close(self, reason: str) -> None:
        """Close from a synchronous callback (revoked share, failed connection); the task is owned by the viewer."""
        if self.close_reason is None:
            self._spawn(self.close(reason), "close")

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=f"whep-{self.viewer_id}:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_connection_state(self) -> None:
        assert self._pc is not None
        if self._pc.connectionState in ("failed", "closed"):
            self.request_close("ice_failed" if self._pc.connectionState == "failed" else "peer_closed")

    def _on_datachannel(self, channel: RTCDataChannel) -> None:
        if channel.label == FEEDBACK_LABEL:
            self._spawn(self._pump_feedback(channel), "feedback")

    async def _pump_feedback(self, channel: RTCDataChannel) -> None:
        async with self._feedback.subscribe() as subscription:
            async for text in subscription:
                if channel.readyState != "open":
                    continue
                if channel.bufferedAmount <= self._config.feedback_max_buffered_bytes:
                    with contextlib.suppress(Exception):
                        channel.send(text)
                        self.feedback_sent += 1


class ViewerSet:
    """A live session's WHEP viewers: at most ``max_viewers``; all closed with the session."""

    def __init__(self, forward: ForwardHub, feedback: FanoutHub, config: ViewerConfig | None = None) -> None:
        self.config = config or ViewerConfig()
        self._forward = forward
        self._feedback = feedback
        self._viewers: dict[str, WhepViewer] = {}
        self._closed = False

    def __len__(self) -> int:
        return len(self._viewers)

    def get(self, viewer_id: str) -> WhepViewer | None:
        return self._viewers.get(viewer_id)

    def of_user(self, user_id: str) -> list[WhepViewer]:
        return [v for v in self._viewers.values() if v.user_id == user_id]

    async def start(self, viewer_id: str, user_id: str, offer_sdp: str, max_viewers: int | None = None) -> WhepViewer:
        """Add a viewer from its offer (``viewer.answer_sdp`` is the answer); the slot is taken before any
        ``await``, so concurrent offers never exceed the cap."""
        if self._closed:
            raise SessionClosed("the session has ended")
        limit = self.config.max_viewers if max_viewers is None else max_viewers
        if len(self._viewers) >= limit:
            raise TooManyViewers(f"this session already has {limit} viewers")
        viewer = WhepViewer(viewer_id, user_id, self._forward, self._feedback, self.config, self._discard)
        self._viewers[viewer_id] = viewer
        try:
            await viewer.accept_offer(offer_sdp)
        except BaseException:
            await viewer.close("bad_offer")
            raise
        return viewer

    async def close_all(self, reason: str) -> None:
        self._closed = True
        await asyncio.gather(*(v.close(reason) for v in list(self._viewers.values())), return_exceptions=True)

    def _discard(self, viewer: WhepViewer) -> None:
        if self._viewers.get(viewer.viewer_id) is viewer:
            del self._viewers[viewer.viewer_id]
