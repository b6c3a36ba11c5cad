"""Per-dimension scores (0–100) from the ``speech`` and ``body`` sections of an analysis report.

Every function is pure and returns a :class:`DimensionScore`; ``score`` is None, with a ``reason``, when the
report has no data for the dimension (no audio track, no speech, no video, no person in view).

* **pace** — words per minute on a trapezoid (:class:`~inference.scoring.config.PaceConfig`), blended with the
  mean trapezoid score of the timeline windows that have enough words (a steady good pace beats a good average).
* **fillers** — (non-lexical fillers + ``lexical_weight`` × lexical fillers) per minute, linear from 100 to 0.
* **pauses** — pauses per minute of talk on a trapezoid, minus a penalty per long silence per 5 minutes.
* **volume** — speech level (dBFS) on a trapezoid, scaled down by the share of clipped frames.
* **vocal_variety** — pitch spread (semitones) blended with loudness spread (dB).
* **posture** — mean credit of the body-timeline entries with a visible person (classifier label credit, or
  geometry without the classifier).
* **gestures** — mean credit per visible entry (classifier gesture label, or gesture activity/fidgeting).
* **facing** — share of visible entries facing the camera.
* **framing** — share of all body-timeline entries whose framing is ``ok`` (leaving the frame counts against).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from inference.report.body import Body, BodySample
from inference.report.speech import Speech
from inference.scoring.config import Band, ScoringConfig


@dataclass(frozen=True)
class DimensionScore:
    """One dimension: ``score`` 0–100 (None without data, then ``reason`` says why) and its headline value."""

    score: float | None
    value: float | None = None
    unit: str = ""
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (scores rounded to 0.1)."""
        return {
            "score": None if self.score is None else round(self.score, 1),
            "value": None if self.value is None else round(self.value, 3),
            "unit": self.unit,
            "reason": self.reason,
        }


def trapezoid(x: float, band: Band) -> float:
    """0..1: 0 outside ``[zero_low, zero_high]``, 1 inside ``[ideal_low, ideal_high]``, linear between."""
    if band.ideal_low <= x <= band.ideal_high:
        return 1.0
    if x < band.ideal_low:
        return ramp(x, band.zero_low, band.ideal_low)
    return ramp(x, band.zero_high, band.ideal_high)


def ramp(x: float, zero_at: float, full_at: float) -> float:
    """0..1, linear from 0 at ``zero_at`` to 1 at ``full_at`` (either direction), clamped."""
    if zero_at == full_at:
        return 1.0 if x == full_at else 0.0
    return min(1.0, max(0.0, (x - zero_at) / (full_at - zero_at)))


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def speech_unavailable(speech: Speech | None, config: ScoringConfig) -> str | None:
    """Why the speech dimensions cannot be scored, or None when they can."""
    if speech is None:
        return "no audio track analysed"
    words = speech.word_count
    if words == 0:
        return "no speech detected"
    if words < config.min_words:
        return f"too little speech to judge ({words} words)"
    return None


def body_unavailable(body: Body | None, config: ScoringConfig) -> str | None:
    """Why the body dimensions cannot be scored, or None when they can."""
    if body is None:
        return "no video analysed (audio-only recording)"
    if not body.frames_analyzed:
        return "no video frames analysed"
    visible = len(_visible_entries(body))
    if visible == 0:
        return "no person visible in the video"
    if visible < config.min_visible_entries:
        return "the person was visible too briefly to judge"
    return None


def score_pace(speech: Speech, config: ScoringConfig) -> DimensionScore:
    """Pace from ``speech.wpm`` and the per-window ``wpm`` of ``speech.timeline``."""
    cfg = config.pace
    wpm = _finite(speech.wpm)
    if wpm is None or wpm <= 0:
        return DimensionScore(None, unit="wpm", reason="no measurable pace")
    overall = trapezoid(wpm, cfg)
    windows = [v for w in speech.timeline if (v := _finite(w.wpm)) is not None and w.word_count >= cfg.min_window_words]
    if windows and cfg.window_share > 0:
        steady = sum(trapezoid(v, cfg) for v in windows) / len(windows)
        overall = (1 - cfg.window_share) * overall + cfg.window_share * steady
    return DimensionScore(100 * overall, wpm, "wpm")


def fillers_per_minute(speech: Speech, config: ScoringConfig) -> float:
    """Weighted fillers per minute of talk (lexical fillers count ``lexical_weight`` each)."""
    minutes = _talk_minutes(speech)
    if minutes <= 0:
        return 0.0
    fillers = speech.filler_stats.count or len(speech.fillers)
    lexical = len(speech.lexical_fillers)
    return (fillers + config.fillers.lexical_weight * lexical) / minutes


def _talk_minutes(speech: Speech) -> float:
    talk_s = _finite(speech.speaking_time_s) or 0.0
    return talk_s / 60.0


def score_fillers(speech: Speech, config: ScoringConfig) -> DimensionScore:
    """Fillers from ``speech.filler_stats.count``, ``speech.lexical_fillers`` and ``speech.speaking_time_s``."""
    if _talk_minutes(speech) <= 0:
        return DimensionScore(None, unit="per min", reason="no talk span")
    rate = fillers_per_minute(speech, config)
    cfg = config.fillers
    return DimensionScore(100 * ramp(rate, cfg.zero_per_min, cfg.full_per_min), rate, "per min")


def score_pauses(speech: Speech, config: ScoringConfig) -> DimensionScore:
    """Pauses from ``speech.pauses``, ``speech.long_silences`` and ``speech.speaking_time_s``."""
    talk_s = _finite(speech.speaking_time_s) or 0.0
    if talk_s < config.min_speaking_s_for_pauses:
        return DimensionScore(None, unit="per min", reason=f"talk too short to judge pausing ({talk_s:.0f} s)")
    per_min = len(speech.pauses) * 60.0 / talk_s
    long_count = len(speech.long_silences)
    penalty = config.pauses.long_silence_penalty * long_count * 300.0 / talk_s
    return DimensionScore(max(0.0, 100 * trapezoid(per_min, config.pauses) - penalty), per_min, "per min")


def score_volume(speech: Speech, config: ScoringConfig) -> DimensionScore:
    """Volume from ``speech.volume_dbfs`` and ``speech.volume.clipped_ratio``."""
    level = _finite(speech.volume_dbfs)
    if level is None:
        return DimensionScore(None, unit="dBFS", reason="no speech level measured")
    clipped = _finite(speech.volume.clipped_ratio if speech.volume else None) or 0.0
    clip_factor = ramp(clipped, config.volume.clipped_ratio_zero, 0.0)
    return DimensionScore(100 * trapezoid(level, config.volume) * clip_factor, level, "dBFS")


def score_vocal_variety(speech: Speech, config: ScoringConfig) -> DimensionScore:
    """Vocal variety from ``speech.pitch_variation_st`` and ``speech.volume.variation_db``."""
    cfg = config.vocal_variety
    spread = _finite(speech.pitch_variation_st)
    if spread is None:
        return DimensionScore(None, unit="st", reason="no voiced speech to measure pitch")
    pitch = ramp(spread, cfg.zero_st, cfg.full_st)
    loud_var = _finite(speech.volume.variation_db if speech.volume else None)
    if loud_var is None:
        return DimensionScore(100 * pitch, spread, "st")
    loud = ramp(loud_var, cfg.flat_db, cfg.lively_db)
    return DimensionScore(100 * (cfg.pitch_share * pitch + (1 - cfg.pitch_share) * loud), spread, "st")


def _visible_entries(body: Body) -> list[BodySample]:
    return [e for e in body.timeline if e.person_visible]


def _mean_credit(entries: Sequence[BodySample], credit: Callable[[BodySample], float | None]) -> float | None:
    values = [c for e in entries if (c := credit(e)) is not None]
    return sum(values) / len(values) if values else None


def posture_credit(entry: BodySample, config: ScoringConfig) -> float | None:
    """0..1 for one visible body-timeline entry (label credit, else geometry); None without any measure."""
    cfg = config.posture
    label = entry.posture
    if label is not None and label in cfg.label_credit:
        return cfg.label_credit[label]
    tilt = _finite(entry.shoulder_tilt_deg)
    head = _finite(entry.head_tilt_deg)
    sway = _finite(entry.sway)
    if tilt is None and head is None:
        return None
    good = (
        (tilt is None or abs(tilt) <= cfg.max_tilt_deg)
        and (head is None or abs(head) <= cfg.max_head_tilt_deg)
        and (sway is None or sway <= cfg.max_sway)
    )
    return 1.0 if good else 0.0


def gesture_credit(entry: BodySample, config: ScoringConfig) -> float | None:
    """0..1 for one visible body-timeline entry (label credit, else activity and fidgeting)."""
    cfg = config.gestures
    label = entry.gesture
    if label is not None and label in cfg.label_credit:
        return cfg.label_credit[label]
    activity = _finite(entry.gesture_activity)
    if activity is None:
        return None
    fidget = _finite(entry.fidgeting)
    if fidget is not None and fidget > cfg.max_fidgeting:
        return 0.0
    band = Band(
        zero_low=cfg.zero_activity,
        ideal_low=cfg.ideal_activity_low,
        ideal_high=cfg.ideal_activity_high,
        zero_high=cfg.zero_activity_high,
    )
    return trapezoid(activity, band)


def score_posture(body: Body, config: ScoringConfig) -> DimensionScore:
    """Posture over the visible entries of ``body.timeline``; value = share of entries with full credit."""
    entries = _visible_entries(body)
    credits = [c for e in entries if (c := posture_credit(e, config)) is not None]
    if not credits:
        return DimensionScore(None, unit="share", reason="no posture measured")
    good = sum(c >= 1.0 for c in credits) / len(credits)
    return DimensionScore(100 * sum(credits) / len(credits), good, "share")


def score_gestures(body: Body, config: ScoringConfig) -> DimensionScore:
    """Gestures over the visible entries of ``body.timeline``; value = mean gesture activity."""
    entries = _visible_entries(body)
    mean = _mean_credit(entries, lambda e: gesture_credit(e, config))
    if mean is None:
        return DimensionScore(None, unit="sw/s", reason="no gestures measured")
    activity = [v for e in entries if (v := _finite(e.gesture_activity)) is not None]
    value = sum(activity) / len(activity) if activity else None
    return DimensionScore(100 * mean, value, "sw/s")


def score_facing(body: Body, config: ScoringConfig) -> DimensionScore:
    """Share of visible ``body.timeline`` entries with ``facing_camera`` true."""
    flags = [e.facing_camera for e in _visible_entries(body) if e.facing_camera is not None]
    if not flags:
        return DimensionScore(None, unit="share", reason="head orientation not measured")
    share = sum(flags) / len(flags)
    return DimensionScore(100 * share, share, "share")


def score_framing(body: Body, config: ScoringConfig) -> DimensionScore:
    """Share of all ``body.timeline`` entries framed ``ok`` (out of frame counts as badly framed)."""
    entries = body.timeline
    if not entries:
        return DimensionScore(None, unit="share", reason="no video timeline")
    share = sum(e.framing == "ok" for e in entries) / len(entries)
    return DimensionScore(100 * share, share, "share")


SPEECH_SCORERS: dict[str, Callable[[Speech, ScoringConfig], DimensionScore]] = {
    "pace": score_pace,
    "fillers": score_fillers,
    "pauses": score_pauses,
    "volume": score_volume,
    "vocal_variety": score_vocal_variety,
}
BODY_SCORERS: dict[str, Callable[[Body, ScoringConfig], DimensionScore]] = {
    "posture": score_posture,
    "gestures": score_gestures,
    "facing": score_facing,
    "framing": score_framing,
}
