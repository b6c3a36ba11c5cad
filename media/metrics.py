"""Prometheus metrics of the media plane (default registry, served by the server's ``/metrics``)."""

from __future__ import annotations

from collections.abc import Iterable

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
WORD_LATENCY = Histogram(
    "podium_word_latency_seconds",
    "End of a spoken word (media time) to the send of the speech message committing it",
    buckets=(0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0),
)
POSE_INFERENCE_SECONDS = Histogram(
    "podium_pose_inference_seconds",
    "Pose estimation time of one live video frame inside its worker process",
    buckets=(0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5),
)
ASR_SECONDS = Histogram(
    "podium_asr_seconds",
    "Wall time of one live speech-recognition call (worker round trip), by transcript kind (interim, final)",
    ["kind"],
    buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0, 5.0),
)


def observe_word_latency(words: Iterable[tuple[str, float, float]], media_now_s: float) -> None:
    """Record, for each newly committed ``(text, start_s, end_s)`` word, how long after its end it was sent."""
    for _, _, end_s in words:
        WORD_LATENCY.observe(max(0.0, media_now_s - end_s))
