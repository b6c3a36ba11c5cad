"""Configuration of the media plane, built by the server from its settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from media.recording_caps import RecordingCaps


@dataclass(frozen=True)
class IceServer:
    """One STUN/TURN server, as in ``RTCIceServer``."""

    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None


@dataclass(frozen=True)
class MediaConfig:
    """Everything a :class:`~media.live_session.LiveSession` and :class:`~media.workers.MediaWorkers` need.

    Speech: utterances are cut by VAD at ``voice_max_utterance_s`` at most; while one is still being spoken it is
    transcribed again whenever it has grown by ``speech_interim_step_s`` (once it is ``speech_interim_min_s``
    long; a step of 0 turns interim transcripts off); an interim word is sent once two passes agree on it or
    ``speech_commit_after_s`` of audio follows it. Finished utterances waiting together are transcribed in one pass
    of up to ``speech_join_max_s`` seconds (0: one pass each); at most ``speech_backlog_max_s`` seconds of them wait
    (beyond that the oldest is dropped and counted).
    ``speech_schedule="deadline"``: all sessions' passes take turns on the speech worker through one
    :class:`~media.asr_service.AsrService` (``"direct"``: each session calls the worker on its own), with the
    interim step growing with the sessions speaking when ``speech_adaptive_interim``; the speech worker runs
    ``speech_worker_nice`` steps below normal CPU priority. Passes of up to ``speech_batch_max`` sessions waiting
    at once run as one batched Whisper call on the worker (1: one call per pass). ``standby_pose`` /
    ``standby_speech`` keep a warmed spare worker of that kind that takes over at once when one dies.
    ``audio_release_at_once``: each received audio packet reaches the pipeline, the recorder and viewers as it
    arrives (False: aiortc's jitter buffer holds four 20 ms frames back first).
    """

    ice_servers: tuple[IceServer, ...] = ()
    max_sdp_bytes: int = 64 * 1024
    pose_fps: float = 10.0
    pose_max_edge: int = 320
    pose_model_path: Path | None = None
    pose_workers: int = 1
    speech_workers: int = 1
    standby_pose: bool = False
    standby_speech: bool = False
    speech_backlog_max_s: float = 120.0
    speech_join_max_s: float = 20.0
    voice_window_s: float = 3.0
    voice_vad_mode: int = 2
    voice_max_utterance_s: float = 6.0
    speech_interim_step_s: float = 0.3
    speech_interim_min_s: float = 0.8
    speech_commit_after_s: float = 1.0
    speech_schedule: str = "deadline"
    speech_adaptive_interim: bool = True
    speech_worker_nice: int = 10
    speech_batch_max: int = 4
    voice_min_pause_s: float = 0.5
    audio_release_at_once: bool = True
    no_media_timeout_s: float = 10.0
    max_duration_s: float = 3600.0
    feedback_max_msgs_per_s: float = 30.0
    feedback_max_buffered_bytes: int = 64 * 1024
    subscriber_queue_max: int = 100
    recordings_dir: Path = field(default_factory=lambda: Path("var/recordings"))
    recorder_queue_max: int = 4096
    recording_caps: RecordingCaps = field(default_factory=RecordingCaps)
