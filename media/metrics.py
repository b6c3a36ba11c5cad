"""Prometheus metrics of the media plane (default registry, served by the server's ``/metrics``)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

FEEDBACK_LATENCY = Histogram(
    "podium_feedback_latency_seconds",
    "Media time of the analysed sample to the time its feedback message was sent",
    ["type"],
    buckets=(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0),
)
FEEDBACK_MESSAGES = Counter("podium_feedback_messages_total", "Feedback messages by outcome", ["type", "outcome"])
VIDEO_FRAMES = Counter(
    "podium_video_frames_total", "Received video frames by outcome (analysed, dropped, skipped)", ["outcome"]
)
AUDIO_FRAMES = Counter("podium_audio_frames_total", "Received audio frames")
LIVE_SESSIONS = Gauge("podium_live_sessions", "Live sessions currently open")
SESSIONS_ENDED = Counter("podium_live_sessions_ended_total", "Live sessions ended, by reason", ["reason"])
ASR_SECONDS = Histogram(
    "podium_asr_seconds",
    "Wall time of one live speech-recognition call (worker round trip), by transcript kind (interim, final)",
    ["kind"],
    buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0, 5.0),
)
