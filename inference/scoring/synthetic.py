"""Synthetic analysis reports (the shape :func:`media.offline.analyze.analyze_file` returns) for tests and demos.

Only the fields scoring and coaching read are filled in, with deterministic values derived from the arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def synthetic_report(
    duration_s: float = 120.0,
    *,
    wpm: float | Callable[[float], float] = 145.0,
    fillers_per_min: float = 1.0,
    filler_text: str = "um",
    lexical_fillers_per_min: float = 0.0,
    pauses_per_min: float = 5.0,
    long_silences_at: tuple[float, ...] = (),
    volume_dbfs: float = -20.0,
    pitch_variation_st: float | None = 4.5,
    speech: bool = True,
    video: bool = True,
    person_visible: bool | Callable[[float], bool] = True,
    posture: str | Callable[[float], str] | None = "upright",
    gesture: str | Callable[[float], str] | None = "purposeful",
    facing: bool | Callable[[float], bool] = True,
    framing: str | Callable[[float], str] = "ok",
    alerts: tuple[tuple[float, float, str], ...] = (),
    window_s: float = 10.0,
    body_hz: float = 2.0,
) -> dict[str, Any]:
    """A report of a ``duration_s`` talk. Callables get a time in seconds and say what happens then
    (e.g. ``wpm=lambda t: 190 if t > 100 else 140``). ``alerts`` are ``(start_s, end_s, code)``."""
    report: dict[str, Any] = {
        "schema_version": 1,
        "duration_s": duration_s,
        "has_audio": True,
        "has_video": video,
        "speech": _speech(
            duration_s,
            wpm,
            fillers_per_min,
            filler_text,
            lexical_fillers_per_min,
            pauses_per_min,
            long_silences_at,
            volume_dbfs,
            pitch_variation_st,
            window_s,
        )
        if speech
        else _silent_speech(duration_s),
        "body": None,
    }
    if video:
        report["body"] = _body(duration_s, person_visible, posture, gesture, facing, framing, alerts, body_hz)
    return report


def _at(value: Any, t: float) -> Any:
    return value(t) if callable(value) else value


def _events(duration_s: float, per_min: float, offset: float = 0.0) -> list[float]:
    count = round(per_min * duration_s / 60.0)
    if count <= 0:
        return []
    step = duration_s / count
    return [round(min(duration_s - 0.5, offset + step * (i + 0.5)), 3) for i in range(count)]


def _speech(
    duration_s: float,
    wpm: float | Callable[[float], float],
    fillers_per_min: float,
    filler_text: str,
    lexical_per_min: float,
    pauses_per_min: float,
    long_silences_at: tuple[float, ...],
    volume_dbfs: float,
    pitch_st: float | None,
    window_s: float,
) -> dict[str, Any]:
    timeline: list[dict[str, Any]] = []
    words = 0
    start = 0.0
    while start < duration_s:
        end = min(duration_s, start + window_s)
        rate = float(_at(wpm, (start + end) / 2))
        count = round(rate * (end - start) / 60.0)
        words += count
        timeline.append(
            {
                "start_s": round(start, 3),
                "end_s": round(end, 3),
                "word_count": count,
                "wpm": round(rate, 1) if count else None,
                "volume_dbfs": volume_dbfs,
                "pitch_hz": 180.0,
                "pitch_variation_st": pitch_st,
                "speech_ratio": 0.8,
            }
        )
        start = end
    fillers = [
        {"text": filler_text, "start_s": t, "end_s": t + 0.4, "source": "asr", "confidence": 0.9}
        for t in _events(duration_s, fillers_per_min)
    ]
    lexical = [{"text": "like", "start_s": t, "end_s": t + 0.3} for t in _events(duration_s, lexical_per_min, 0.7)]
    pauses = [{"start_s": t, "end_s": t + 1.2, "duration_s": 1.2} for t in _events(duration_s, pauses_per_min, 0.3)]
    pauses += [{"start_s": t, "end_s": t + 4.0, "duration_s": 4.0} for t in long_silences_at]
    pauses.sort(key=lambda p: p["start_s"])
    return {
        "wpm": round(words * 60.0 / duration_s, 1) if duration_s > 0 else None,
        "word_count": words,
        "speaking_time_s": duration_s,
        "transcript": "",
        "words": [],
        "fillers": fillers,
        "filler_stats": {
            "count": len(fillers),
            "per_minute": round(len(fillers) * 60.0 / duration_s, 2) if duration_s else 0.0,
            "by_text": {filler_text: len(fillers)} if fillers else {},
        },
        "lexical_fillers": lexical,
        "hedges": [],
        "repeated_phrases": [],
        "pauses": pauses,
        "long_silences": [{"start_s": t, "end_s": t + 4.0} for t in long_silences_at],
        "volume_dbfs": volume_dbfs,
        "volume": {"level_dbfs": volume_dbfs, "variation_db": 3.0, "clipped_ratio": 0.0},
        "pitch_hz": 180.0 if pitch_st is not None else None,
        "pitch_variation_st": pitch_st,
        "monotone": None if pitch_st is None else pitch_st <= 1.5,
        "timeline": timeline,
    }


def _silent_speech(duration_s: float) -> dict[str, Any]:
    return {
        "wpm": 0.0,
        "word_count": 0,
        "speaking_time_s": 0.0,
        "transcript": "",
        "words": [],
        "fillers": [],
        "filler_stats": {"count": 0, "per_minute": 0.0, "by_text": {}},
        "lexical_fillers": [],
        "hedges": [],
        "repeated_phrases": [],
        "pauses": [],
        "long_silences": [],
        "volume_dbfs": None,
        "volume": None,
        "pitch_hz": None,
        "pitch_variation_st": None,
        "monotone": None,
        "timeline": [],
    }


def _body(
    duration_s: float,
    person_visible: bool | Callable[[float], bool],
    posture: str | Callable[[float], str] | None,
    gesture: str | Callable[[float], str] | None,
    facing: bool | Callable[[float], bool],
    framing: str | Callable[[float], str],
    alerts: tuple[tuple[float, float, str], ...],
    hz: float,
) -> dict[str, Any]:
    timeline: list[dict[str, Any]] = []
    n = max(1, int(duration_s * hz))
    for i in range(n):
        t = round(i / hz, 3)
        shown = bool(_at(person_visible, t))
        timeline.append(
            {
                "t_s": t,
                "person_visible": shown,
                "shoulder_tilt_deg": 1.0 if shown else None,
                "head_tilt_deg": 2.0 if shown else None,
                "sway": 0.05 if shown else None,
                "gesture_activity": 0.5 if shown else None,
                "fidgeting": 0.01 if shown else None,
                "framing": _at(framing, t) if shown else "not_visible",
                "facing_camera": bool(_at(facing, t)) if shown else None,
                "posture": (_at(posture, t) if shown else "absent") if posture is not None else None,
                "gesture": (_at(gesture, t) if shown else "absent") if gesture is not None else None,
            }
        )
    visible = sum(e["person_visible"] for e in timeline)
    events: list[dict[str, Any]] = []
    for start, end, code in alerts:
        events.append({"t_s": start, "code": code, "state": "fired", "message": code})
        events.append({"t_s": end, "code": code, "state": "cleared", "message": code})
    events.sort(key=lambda e: e["t_s"])
    return {
        "frames_analyzed": n * 3,
        "person_visible_ratio": round(visible / n, 4),
        "classifier": posture is not None,
        "stats": {},
        "timeline": timeline,
        "alerts": events,
    }
