"""One live publisher: peer connection, per-track pipelines, feedback channel, recording, one ``close``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import av
import numpy as np
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcdatachannel import RTCDataChannel

from inference.voice.analyzer import VoiceAnalyzer
from media import metrics
from media.config import MediaConfig
from media.errors import AlreadyPublishing, SdpInvalid, SessionClosed
from media.fanout import FanoutHub, Subscription
from media.feedback import AlertFeedback, Feedback, SessionFeedback, pose_feedback, voice_feedback
from media.forward import ForwardHub
from media.forward_hook import release_audio_frames_at_once, release_frames_on_marker
from media.ratelimit import FeedbackScheduler
from media.recorder import AUDIO_FRAME_S, VIDEO_FRAME_S, Recorder, RecordingResult
from media.recording_caps import BitrateMeter, over_cap
from media.sampler import LatestSlot, RateSampler, fit_within
from media.sdp import OfferSummary, validate_offer
from media.speech_pipeline import SpeechPipeline
from media.stats import SessionStats
from media.timestamps import FrameRebaser
from media.whep import ViewerConfig, ViewerSet
from media.workers import MediaWorkers

log = logging.getLogger(__name__)

OFFER_REJECTED = (ValueError, AssertionError, LookupError, TypeError, AttributeError, RuntimeError)
"""What aiortc raises on an offer it cannot parse or answer (``StopIteration`` inside its parser surfaces as
``RuntimeError``; an ``a=fmtp`` or ``a=rtcp-fb`` for a payload type without ``a=rtpmap`` does that): a 400."""

FEEDBACK_LABEL = "feedback"
LATEST_BUDGET_FACTOR = 1.5
"""Voice and pose messages may each go 1.5× as often as they are produced, so jitter never holds one back."""
VOICE_FPS = 10.0


@dataclass(frozen=True)
class SessionResult:
    """What a finished session leaves behind (available as ``LiveSession.result`` after close)."""

    session_id: str
    end_reason: str
    duration_s: float
    recording: RecordingResult
    stats: SessionStats


OnEnded = Callable[["LiveSession"], Awaitable[None]]


class LiveSession:
    """Owns one publisher's peer connection and everything it starts; :meth:`close` releases all of it."""

    def __init__(
        self,
        session_id: str,
        config: MediaConfig,
        workers: MediaWorkers,
        on_ended: OnEnded | None = None,
    ) -> None:
        self.session_id = session_id
        self.config = config
        self.workers = workers
        self._on_ended = on_ended
        self.ended = asyncio.Event()
        self.end_reason: str | None = None
        self.result: SessionResult | None = None
        self.offer: OfferSummary | None = None
        self.answer_sdp: str | None = None
        self.stats = SessionStats()
        self.hub = FanoutHub(config.subscriber_queue_max)
        self.forward = ForwardHub()
        self.viewers = ViewerSet(
            self.forward, self.hub, ViewerConfig(ice_servers=config.ice_servers, max_sdp_bytes=config.max_sdp_bytes)
        )
        self._scheduler = FeedbackScheduler(
            rate=config.feedback_max_msgs_per_s,
            latest_rates={"voice": LATEST_BUDGET_FACTOR * VOICE_FPS, "pose": LATEST_BUDGET_FACTOR * config.pose_fps},
        )
        self._fb_wakeup = asyncio.Event()
        self._channel: RTCDataChannel | None = None
        self._pc: RTCPeerConnection | None = None
        self._recorder: Recorder | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False
        self._close_task: asyncio.Task[None] | None = None
        self._created = time.monotonic()
        self._t0: float | None = None
        self._wall_origin = math.inf
        self._last_media = self._created
        metrics.LIVE_SESSIONS.inc()

    # ---- public API ----

    async def accept_offer(self, sdp: str) -> str:
        """Validate ``sdp``, start receiving and return the answer SDP (after ICE gathering completes)."""
        if self._closing:
            raise SessionClosed("session is closed")
        if self._pc is not None:
            raise AlreadyPublishing("this session already has a publisher")
        self.offer = validate_offer(sdp, self.config.max_sdp_bytes)
        ice = [RTCIceServer(list(s.urls), s.username, s.credential) for s in self.config.ice_servers]
        pc = self._pc = RTCPeerConnection(RTCConfiguration(iceServers=ice))
        self._recorder = Recorder(self.config.recordings_dir / f"{self.session_id}.mkv", self.config.recorder_queue_max)
        pc.on("track", self._on_track)
        pc.on("datachannel", self._on_datachannel)
        pc.on("connectionstatechange", self._on_connection_state)
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
        except OFFER_REJECTED as exc:
            await self.close("bad_offer")
            raise SdpInvalid(f"offer rejected: {exc}") from exc
        self._spawn(self._feedback_sender(), "feedback")
        self._spawn(self._watchdog(), "watchdog")
        self.answer_sdp = pc.localDescription.sdp
        return self.answer_sdp

    def subscribe(self, maxsize: int | None = None) -> Subscription:
        """Observe the feedback stream (same messages as the data channel); use ``async with``/``async for``."""
        return self.hub.subscribe(maxsize)

    def emit(self, msg: Feedback) -> None:
        """Queue a feedback message (rate-limited, also fanned out to subscribers)."""
        if not self._closing:
            self._scheduler.offer(msg)
            self._fb_wakeup.set()

    def send_note(self, msg: Feedback, to_publisher: bool) -> None:
        """Send a coach's note at once (notes are rare, not rate-limited): to every observer and viewer, and to the
        publisher's data channel when ``to_publisher``."""
        if self._closing:
            return
        if to_publisher:
            self._send_now(msg)
        else:
            self.hub.publish(msg.to_json())

    def media_time(self) -> float:
        """Current media time: seconds since media time 0 reached us by the fastest path seen (0 before media)."""
        return 0.0 if self._t0 is None else time.monotonic() - self._wall_origin

    async def close(self, reason: str = "closed") -> None:
        """End the session (idempotent): stop tasks, close the peer connection, finalize the recording."""
        if self._closing:
            if self._close_task is not None and self._close_task is not asyncio.current_task():
                await asyncio.shield(self._close_task)
            await self.ended.wait()
            return
        self._closing = True
        self.end_reason = reason
        if self._close_task is None:
            self._close_task = asyncio.current_task()  # type: ignore[assignment]
        try:
            self._send_now(SessionFeedback(t_s=self.media_time(), state="ended", reason=reason))
            current = asyncio.current_task()
            tasks = [t for t in self._tasks if t is not current]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.viewers.close_all(reason)
            self.forward.close()
            if self._pc is not None:
                with contextlib.suppress(Exception):
                    await self._pc.close()
            recording = (
                await self._recorder.close()
                if self._recorder is not None
                else RecordingResult(None, 0.0, {}, 0, None, 0, 0)
            )
            if self._pc is not None and self.workers.pose_enabled:
                with contextlib.suppress(Exception):
                    await self.workers.release_pose_stream(self.session_id)
            self.result = SessionResult(
                session_id=self.session_id,
                end_reason=reason,
                duration_s=time.monotonic() - self._created,
                recording=recording,
                stats=self.stats,
            )
        finally:
            self.hub.close()
            metrics.LIVE_SESSIONS.dec()
            metrics.SESSIONS_ENDED.labels(reason).inc()
            self.ended.set()
        if self._on_ended is not None:
            try:
                await self._on_ended(self)
            except Exception:
                log.exception("on_ended callback failed for session %s", self.session_id)

    # ---- internals ----

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        task = asyncio.create_task(coro, name=f"{self.session_id}:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("session %s task %s failed", self.session_id, task.get_name(), exc_info=task.exception())
            self._request_close("internal_error")

    def _request_close(self, reason: str) -> None:
        if not self._closing and self._close_task is None:
            self._close_task = asyncio.create_task(self.close(reason), name=f"{self.session_id}:close")

    def _on_connection_state(self) -> None:
        assert self._pc is not None
        state = self._pc.connectionState
        if state == "connected":
            self.emit(SessionFeedback(t_s=self.media_time(), state="live"))
        elif state in ("failed", "closed"):
            self._request_close("ice_failed" if state == "failed" else "peer_closed")

    def _on_datachannel(self, channel: RTCDataChannel) -> None:
        if channel.label == FEEDBACK_LABEL:
            self._channel = channel

    def _on_track(self, track: MediaStreamTrack) -> None:
        assert self._pc is not None and self._recorder is not None
        for transceiver in self._pc.getTransceivers():
            if transceiver.receiver.track is track:
                if track.kind == "video":  # viewers, recorder and pose get a frame at its last packet
                    release_frames_on_marker(transceiver.receiver)
                elif self.config.audio_release_at_once:  # and an audio frame as it arrives, not 80 ms later
                    release_audio_frames_at_once(transceiver.receiver)
                self._recorder.expect(track.kind)
                self._recorder.tap_receiver(transceiver.receiver, track.kind)
                self.forward.attach(transceiver.receiver, track.kind)
        if track.kind == "audio":
            self._spawn(self._audio_pipeline(track), "audio")
        elif track.kind == "video":
            slot: LatestSlot[tuple[av.VideoFrame, float]] = LatestSlot()
            self._spawn(self._video_reader(track, slot), "video-reader")
            if self.workers.pose_enabled:
                self._spawn(self._pose_analyser(slot), "pose")

    def _clock(
        self, frame: av.AudioFrame | av.VideoFrame, origin: list[float], rebaser: FrameRebaser | None = None
    ) -> float:
        """Media time of ``frame``: pts relative to the track's first frame plus the track's start offset.

        ``frame.pts`` is rebased in place first, so timestamp jumps and wrap-around never reach the analysis.
        """
        now = time.monotonic()
        self._last_media = now
        if rebaser is not None and frame.pts is not None and frame.time_base:
            frame.pts = rebaser.rebase(frame.pts, frame.time_base)
        pts_s = float(frame.pts * frame.time_base) if frame.pts is not None and frame.time_base else now
        if not origin:
            # A frame is complete only when its last sample arrived: anchor its end, not its start, to now.
            duration = frame.samples / frame.sample_rate if isinstance(frame, av.AudioFrame) else 0.0
            if self._t0 is None:
                self._t0 = now - duration
            origin += [pts_s, now - duration - self._t0]
        t_s = pts_s - origin[0] + origin[1]
        end = t_s + (frame.samples / frame.sample_rate if isinstance(frame, av.AudioFrame) else 0.0)
        # Latency is measured against the earliest-arriving frame seen so far, never a late first one.
        self._wall_origin = min(self._wall_origin, now - end)
        return t_s

    async def _recv_frames(self, track: MediaStreamTrack) -> Any:
        while True:
            try:
                yield await track.recv()
            except MediaStreamError:
                return

    async def _audio_pipeline(self, track: MediaStreamTrack) -> None:
        cfg = self.config
        voice = VoiceAnalyzer(
            window_s=cfg.voice_window_s,
            vad_mode=cfg.voice_vad_mode,
            max_utterance_s=cfg.voice_max_utterance_s,
            min_pause_s=cfg.voice_min_pause_s,
        )
        resampler = av.AudioResampler(format="s16", layout="mono", rate=16000)
        sampler = RateSampler(VOICE_FPS)
        origin: list[float] = []
        rebaser = FrameRebaser(AUDIO_FRAME_S)
        was_monotone = False
        speech: SpeechPipeline | None = None
        if self.workers.speech is not None:
            speech = SpeechPipeline(cfg, self.workers.transcribe, self.emit, self.stats)
            self._spawn(speech.run(voice), "speech")
        async for frame in self._recv_frames(track):
            self.stats.audio_frames += 1
            metrics.AUDIO_FRAMES.inc()
            t_s = self._clock(frame, origin, rebaser)
            base_pts = frame.pts
            for out in resampler.resample(frame):
                if out.pts is not None and out.time_base and base_pts is not None and frame.time_base:
                    t_out = t_s + float(out.pts * out.time_base) - float(base_pts * frame.time_base)
                else:
                    t_out = t_s
                voice.push(out.to_ndarray().reshape(-1), max(0.0, t_out))
            if sampler.due(voice.t_end):
                summary = voice.summary()
                self.emit(voice_feedback(summary))
                if summary.monotone and not was_monotone:
                    self.emit(AlertFeedback(t_s=summary.t_s, code="monotone", message="Vary your pitch"))
                was_monotone = summary.monotone
            if speech is not None:
                speech.offer(voice)

    async def _video_reader(self, track: MediaStreamTrack, slot: LatestSlot[tuple[av.VideoFrame, float]]) -> None:
        origin: list[float] = []
        rebaser = FrameRebaser(VIDEO_FRAME_S)
        sized = False
        try:
            async for frame in self._recv_frames(track):
                self.stats.video_frames += 1
                t_s = self._clock(frame, origin, rebaser)
                if not sized and self._recorder is not None:
                    self._recorder.set_video_size(frame.width, frame.height)
                    sized = True
                if slot.put((frame, t_s)):
                    self.stats.video_dropped += 1
                    metrics.VIDEO_FRAMES.labels("dropped").inc()
        finally:
            slot.close()

    async def _pose_analyser(self, slot: LatestSlot[tuple[av.VideoFrame, float]]) -> None:
        sampler = RateSampler(self.config.pose_fps)
        while (item := await slot.get()) is not None:
            frame, t_s = item
            if not sampler.due(t_s):
                self.stats.video_skipped += 1
                metrics.VIDEO_FRAMES.labels("skipped").inc()
                continue
            width, height = fit_within(frame.width, frame.height, self.config.pose_max_edge)
            image = await asyncio.to_thread(to_rgb, frame, width, height)
            try:
                result, infer_ms, body = await self.workers.estimate_pose(image, t_s, self.session_id)
            except Exception:
                self.stats.pose_errors += 1
                log.exception("pose estimation failed in session %s", self.session_id)
                continue
            self.stats.video_analysed += 1
            metrics.VIDEO_FRAMES.labels("analysed").inc()
            metrics.POSE_INFERENCE_SECONDS.observe(infer_ms / 1000.0)
            self.emit(pose_feedback(result, infer_ms, body))
            for event in body.alerts:
                self.emit(AlertFeedback(t_s=event.t_s, code=event.code, message=event.message, state=event.state))

    async def _watchdog(self) -> None:
        cfg = self.config
        meter = BitrateMeter(cfg.recording_caps.window_s)
        while True:
            await asyncio.sleep(min(0.5, cfg.no_media_timeout_s / 4))
            now = time.monotonic()
            if now - self._last_media > cfg.no_media_timeout_s:
                self._request_close("no_media")
                return
            if now - self._created > cfg.max_duration_s:
                self._request_close("max_duration")
                return
            received = self._recorder.bytes_received if self._recorder is not None else 0
            reason = over_cap(cfg.recording_caps, received, meter.sample(now, received))
            if reason is not None:
                log.warning("session %s ended: %s (%d bytes received)", self.session_id, reason, received)
                self._request_close(reason)
                return

    async def _feedback_sender(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._scheduler.pending:
                self._fb_wakeup.clear()
                await self._fb_wakeup.wait()
            wait = self._scheduler.wait_time(loop.time())
            if wait > 0:
                await asyncio.sleep(wait)
            msg = self._scheduler.pop(loop.time())
            if msg is not None:
                self._send_now(msg)

    def _send_now(self, msg: Feedback) -> None:
        text = msg.to_json()
        channel = self._channel
        sent = False
        if channel is not None and channel.readyState == "open":
            if channel.bufferedAmount <= self.config.feedback_max_buffered_bytes:
                with contextlib.suppress(Exception):
                    channel.send(text)
                    sent = True
            else:
                self.stats.feedback_dropped += 1
                metrics.FEEDBACK_MESSAGES.labels(msg.type, "dropped_buffer").inc()
        self.hub.publish(text)
        if sent:
            self.stats.feedback_sent += 1
            metrics.FEEDBACK_MESSAGES.labels(msg.type, "sent").inc()
        if self._t0 is not None and msg.type in ("voice", "pose", "speech"):
            latency = self.media_time() - msg.t_s
            metrics.FEEDBACK_LATENCY.labels(msg.type).observe(max(0.0, latency))
            metrics.observe_word_latency(getattr(msg, "words", ()), self.media_time())
            samples = self.stats.latencies.setdefault(msg.type, [])
            if len(samples) < 100_000:
                samples.append(latency)


def to_rgb(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """``frame`` scaled to ``width``×``height`` as an ``H×W×3`` uint8 RGB array."""
    return frame.reformat(width=width, height=height, format="rgb24").to_ndarray()
