"""Configuration of the media plane, built by the server from its settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class IceServer:
    """One STUN/TURN server, as in ``RTCIceServer``."""

    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None


@dataclass(frozen=True)
class MediaConfig:
    """Everything a :class:`~media.live_session.LiveSession` and :class:`~media.workers.MediaWorkers` need."""

    ice_servers: tuple[IceServer, ...] = ()
    max_sdp_bytes: int = 64 * 1024
    pose_fps: float = 10.0
    pose_max_edge: int = 320
    pose_model_path: Path | None = None
    pose_workers: int = 1
    speech_workers: int = 1
    speech_queue_max: int = 4
    voice_window_s: float = 3.0
    voice_vad_mode: int = 2
    voice_max_utterance_s: float = 4.0
    voice_min_pause_s: float = 0.5
    no_media_timeout_s: float = 10.0
    max_duration_s: float = 3600.0
    feedback_max_msgs_per_s: float = 10.0
    feedback_max_buffered_bytes: int = 64 * 1024
    subscriber_queue_max: int = 100
    recordings_dir: Path = field(default_factory=lambda: Path("var/recordings"))
    recorder_queue_max: int = 4096
