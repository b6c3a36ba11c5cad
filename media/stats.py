"""Counters of one live session's pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SessionStats:
    """Counters of one session's pipelines."""

    audio_frames: int = 0
    video_frames: int = 0
    video_analysed: int = 0
    video_dropped: int = 0
    video_skipped: int = 0
    pose_errors: int = 0
    utterances: int = 0
    utterances_dropped: int = 0
    interim_transcripts: int = 0
    finals_skipped: int = 0
    finals_joined: int = 0
    speech_errors: int = 0
    feedback_sent: int = 0
    feedback_dropped: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
