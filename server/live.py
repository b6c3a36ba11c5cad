"""The live media plane inside the app: config from settings, worker pools, the session registry, persistence."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from inference.asr.whisper import LIVE_FILLER_PROMPT, WhisperSpeechAnalyzer
from inference.assets.pose_models import bundle_path
from inference.assets.whisper_model import is_whisper_model_ready, whisper_model_dir
from media.config import IceServer, MediaConfig
from media.live_session import LiveSession
from media.recording_caps import RecordingCaps
from media.session_registry import LiveSessionRegistry
from media.standby import physical_memory_bytes, resolve_standby
from media.workers import MediaWorkers, SpeechFactory
from server.analysis.runner import enqueue_analysis
from server.errors import ApiError
from server.keys import BLOBS, DB, SETTINGS
from server.recovery import recordings_dir, remove_marker, start_recovery, stop_recovery
from server.sessions.publish_slots import PUBLISH_SLOTS, PublishSlots
from server.settings import Settings
from storage.models import Recording, SessionState
from storage.repositories import RecordingRepository, SessionRepository

log = logging.getLogger(__name__)

LIVE = web.AppKey("live", LiveSessionRegistry)


def media_config(settings: Settings) -> MediaConfig:
    """The media plane's configuration, derived from the server's settings."""
    pose_path = bundle_path(settings.pose_model, settings.models_dir)  # type: ignore[arg-type]
    if not pose_path.exists():
        log.warning("pose model %s missing (run `podium models`): live pose feedback disabled", pose_path)
    standby = resolve_standby(settings.standby_workers, settings.workers, physical_memory_bytes())
    return MediaConfig(
        ice_servers=tuple(IceServer(urls=(url,)) for url in settings.ice_servers),
        max_sdp_bytes=settings.max_sdp_bytes,
        pose_fps=settings.pose_fps,
        pose_model_path=pose_path if pose_path.exists() else None,
        pose_workers=settings.workers,
        standby_pose=standby.pose,
        standby_speech=standby.speech,
        no_media_timeout_s=settings.no_media_timeout_s,
        speech_interim_step_s=settings.live_asr_interim_s,
        speech_batch_max=settings.live_asr_batch_max,
        max_duration_s=settings.session_max_s,
        recordings_dir=recordings_dir(settings.data_dir),
        recording_caps=RecordingCaps(max_bytes=settings.max_recording_bytes, max_kbps=settings.max_recording_kbps),
    )


def speech_factory(settings: Settings) -> SpeechFactory | None:
    """A picklable builder of the live ASR for the speech worker, or None when disabled or not prepared."""
    model_dir = whisper_model_dir(settings.models_dir)
    if not settings.live_asr:
        return None
    if not is_whisper_model_ready(model_dir):
        log.warning("Whisper model %s missing (run `podium models`): live speech feedback disabled", model_dir)
        return None
    return functools.partial(
        WhisperSpeechAnalyzer,
        model_dir,
        cpu_threads=2,
        temperature=(0.0,),
        initial_prompt=LIVE_FILLER_PROMPT,
        repetition_penalty=1.1,
    )


async def persist_ended_session(app: web.Application, live: LiveSession) -> None:
    """Store the recording in the blob store, add its row, move the session to ``ended`` and queue its analysis."""
    result = live.result
    await asyncio.to_thread(remove_marker, recordings_dir(app[SETTINGS].data_dir), live.session_id)
    async with app[DB]() as db:
        sessions = SessionRepository(db)
        session = await sessions.get(live.session_id)
        if session is None:
            return
        recording = result.recording if result is not None else None
        if recording is not None and await RecordingRepository(db).for_session(session.id):
            log.error("session %s already has a recording; not storing another one over it", session.id)
            recording = None
        if recording is not None and recording.path is not None and recording.path.exists():
            key = f"recordings/{session.id}/{recording.path.name}"
            info = await app[BLOBS].put_file(key, recording.path, sha256=recording.sha256)
            row = Recording(
                session_id=session.id,
                blob_key=key,
                container="matroska",
                audio_codec=recording.codecs.get("audio"),
                video_codec=recording.codecs.get("video"),
                duration_s=recording.duration_s,
                bytes=info.size,
                sha256=info.sha256,
            )
            await RecordingRepository(db).add(row)
        if session.state in (SessionState.CREATED, SessionState.LIVE):
            await sessions.move(session, SessionState.ENDED)
    if recording is not None and session.state is SessionState.ENDED:
        try:
            await enqueue_analysis(app, session.id)
        except ApiError as exc:
            log.warning("analysis of session %s not started: %s", session.id, exc.message)


async def live_ctx(app: web.Application) -> AsyncIterator[None]:
    """Own the worker pools and every live session; close them all at shutdown."""
    settings = app[SETTINGS]
    config = media_config(settings)
    workers = MediaWorkers(config, speech_factory=speech_factory(settings))
    slots = app[PUBLISH_SLOTS] = PublishSlots(settings.live_sessions_per_user, settings.live_sessions_per_node)

    async def on_ended(session: LiveSession) -> None:
        slots.give_back(session.session_id)
        await persist_ended_session(app, session)

    registry = LiveSessionRegistry(config, workers, on_session_ended=on_ended)
    app[LIVE] = registry
    if settings.preload_models:
        await workers.warm_up()
    recovery = start_recovery(app)
    try:
        yield
    finally:
        await stop_recovery(recovery)
        await registry.close_all("shutdown")
        workers.shutdown()
