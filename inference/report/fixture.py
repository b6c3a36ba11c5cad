"""A realistic, complete, deterministic report for the web app: its committed fixture and its budget benchmark.

:func:`fixture_report` builds on :func:`inference.scoring.synthetic.synthetic_report` (timelines, fillers,
pauses, body samples, alerts) and adds what a real analysis writes besides: words and transcript, filler
sources, hedges, repeated phrases, statistics, every body feature with classifier confidences, provenance;
then scores and recommendations (with the moments they cite) come from the real scoring and coaching code.

``python -m inference.report.fixture --out web/src/api/fixtures/report.json`` writes the committed fixture (the
``GET /api/v1/sessions/{id}/report`` body: ``session`` + ``report``); ``--minutes 60`` a long one for the
browser budget benchmark.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from inference.report.model import Report
from inference.report.upgrade import dump_report
from inference.scoring.pipeline import complete_report
from inference.scoring.synthetic import synthetic_report

FIXTURE_MINUTES = 2.0
SESSION_ID = "0f5c2a9e7b1d4c3a8e6f9b2d1c4a7e3f"
STARTED_AT = datetime(2026, 11, 30, 9, 0, 2, tzinfo=UTC)
_SCRIPT = (
    "today we look at how our team shipped the new release faster than planned and what we learned about "
    "testing early listening to customers and keeping the scope small enough to finish every sprint"
)
_VOCABULARY = tuple(_SCRIPT.split())
_ALERT_MESSAGES = {"fidgeting": "Your hands are fidgeting", "not_facing": "Face your audience"}
_HEDGES = ("I think", "maybe", "sort of")
_REPEATED = "at the end of the day"
_STAT_FIELDS = (
    "shoulder_tilt_deg",
    "head_tilt_deg",
    "torso_lean_deg",
    "yaw",
    "shoulder_width",
    "gesture_activity",
    "sway",
    "fidgeting",
    "left_hand_height",
    "right_hand_height",
)


def _pace(t: float) -> float:
    """Words per minute over the talk: a calm start, a rushed stretch in the middle, a steady end."""
    return 190.0 if 0.4 <= t / 60.0 % 3.0 / 3.0 < 0.55 else 140.0 + 10.0 * math.sin(t / 37.0)


def _in_any(t: float, spans: Sequence[dict[str, Any]]) -> bool:
    return any(s["start_s"] - 0.2 <= t <= s["end_s"] + 0.2 for s in spans)


def _words(speech: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """Words spread over each timeline window (their count is the window's), skipping pauses and fillers."""
    blocked = speech["pauses"] + speech["fillers"]
    words: list[dict[str, Any]] = []
    for window in speech["timeline"]:
        count = int(window["word_count"])
        if count == 0:
            continue
        step = (window["end_s"] - window["start_s"]) / count
        for i in range(count):
            start = window["start_s"] + i * step
            if _in_any(start, blocked):
                continue
            text = rng.choice(_VOCABULARY)
            end = start + min(0.3, 0.8 * step)
            words.append({"text": text, "start_s": round(start, 3), "end_s": round(end, 3), "filler": False})
    for f in speech["fillers"]:
        words.append({"text": f["text"], "start_s": f["start_s"], "end_s": f["end_s"], "filler": True})
    words.sort(key=lambda w: w["start_s"])
    for w in words:
        w["probability"] = round(0.55 + 0.45 * rng.random(), 3)
    return words


def _recount(speech: dict[str, Any], spoken: Sequence[dict[str, Any]]) -> None:
    """Word counts and paces of the talk and of each window from the words actually placed."""
    for window in speech["timeline"]:
        count = sum(window["start_s"] <= w["start_s"] < window["end_s"] for w in spoken)
        span = window["end_s"] - window["start_s"]
        window["word_count"] = count
        window["wpm"] = round(count * 60.0 / span, 1) if count and span > 0 else None
    talk_s = spoken[-1]["end_s"] - spoken[0]["start_s"] if spoken else 0.0
    speech["word_count"] = len(spoken)
    speech["speaking_time_s"] = round(talk_s, 2)
    speech["wpm"] = round(len(spoken) * 60.0 / talk_s, 1) if talk_s > 0 else None


def _phrases_at(words: Sequence[dict[str, Any]], every: int, texts: Sequence[str]) -> list[dict[str, Any]]:
    spoken = [w for w in words if not w["filler"]]
    return [
        {"text": texts[i % len(texts)], "start_s": w["start_s"], "end_s": round(w["end_s"] + 0.4, 3)}
        for i, w in enumerate(spoken[every // 2 :: every])
    ]


def _complete_speech(speech: dict[str, Any], duration_s: float, rng: random.Random) -> None:
    for i, f in enumerate(speech["fillers"]):
        f["source"] = ("asr", "both", "acoustic")[i % 3]
        f["confidence"] = round(0.6 + 0.35 * rng.random(), 3)
    words = _words(speech, rng)
    speech["words"] = words
    _recount(speech, [w for w in words if not w["filler"]])
    speech["transcript"] = " ".join(w["text"] for w in words)
    speech["hedges"] = _phrases_at(words, 90, _HEDGES)
    starts = [w["start_s"] for w in _phrases_at(words, max(40, len(words) // 4), (_REPEATED,))]
    speech["repeated_phrases"] = [{"phrase": _REPEATED, "count": len(starts), "starts_s": starts}] if starts else []
    fillers = speech["fillers"]
    stats = speech["filler_stats"]
    stats["percent_of_words"] = round(100.0 * len(fillers) / max(1, speech["word_count"]), 2)
    stats["by_source"] = {s: sum(f["source"] == s for f in fillers) for s in ("asr", "acoustic", "both")}
    stats["acoustic_detector"] = True
    lengths = [p["duration_s"] for p in speech["pauses"]]
    speech["pause_stats"] = {
        "count": len(lengths),
        "total_s": round(sum(lengths), 2),
        "mean_s": round(sum(lengths) / len(lengths), 2) if lengths else 0.0,
        "longest_s": max(lengths, default=0.0),
        "per_minute": round(len(lengths) * 60.0 / duration_s, 2),
    }
    speech["volume"] |= {"median_dbfs": -20.4, "p90_dbfs": -15.8, "too_quiet": False, "too_loud": False}
    speech["volume"] |= {"flat": False, "erratic": False}
    speech["speech_ratio"] = 0.81


def _complete_body(body: dict[str, Any], rng: random.Random) -> None:
    body["sample_fps"] = 5.0
    for alert in body["alerts"]:
        alert["message"] = _ALERT_MESSAGES.get(alert["code"], alert["message"])
    for e in body["timeline"]:
        if not e["person_visible"]:
            e |= {f: None for f in _STAT_FIELDS} | {"hands_visible": 0, "posture_confidence": None}
            e["gesture_confidence"] = None
            continue
        t = e["t_s"]
        e["shoulder_tilt_deg"] = round(2.0 * math.sin(t / 9.0) + rng.uniform(-0.5, 0.5), 3)
        e["head_tilt_deg"] = round(3.0 * math.sin(t / 13.0), 3)
        e["torso_lean_deg"] = round(1.5 * math.cos(t / 11.0), 3)
        e["yaw"] = round(0.1 * math.sin(t / 7.0), 3)
        e["shoulder_width"] = round(0.32 + 0.01 * math.sin(t / 20.0), 3)
        e["gesture_activity"] = round(abs(0.6 * math.sin(t / 5.0)) + 0.05, 3)
        e["sway"] = round(0.03 + 0.02 * abs(math.sin(t / 17.0)), 3)
        e["left_hand_height"] = round(0.1 * math.sin(t / 4.0), 3)
        e["right_hand_height"] = round(0.1 * math.cos(t / 4.0), 3)
        e["hands_visible"] = 2 if math.sin(t / 6.0) > -0.5 else 1
        e["posture_confidence"] = round(0.7 + 0.29 * rng.random(), 3)
        e["gesture_confidence"] = round(0.6 + 0.39 * rng.random(), 3)
    body["stats"] = _body_stats(body["timeline"])


def _summary(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)
    return {
        "mean": round(sum(values) / len(values), 3),
        "median": round(ordered[len(ordered) // 2], 3),
        "p90": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3),
        "abs_mean": round(sum(abs(v) for v in values) / len(values), 3),
    }


def _shares(labels: list[str]) -> dict[str, float]:
    return {k: round(labels.count(k) / len(labels), 3) for k in sorted(set(labels))} if labels else {}


def _body_stats(timeline: list[dict[str, Any]]) -> dict[str, Any]:
    shown = [e for e in timeline if e["person_visible"]]
    stats: dict[str, Any] = {f: _summary([e[f] for e in shown if e[f] is not None]) for f in _STAT_FIELDS}
    facing = [e["facing_camera"] for e in shown if e["facing_camera"] is not None]
    stats["facing_camera_ratio"] = round(sum(facing) / len(facing), 3) if facing else None
    stats["arms_crossed_ratio"] = 0.02
    stats["hands_visible_ratio"] = round(sum(e["hands_visible"] > 0 for e in shown) / len(shown), 3) if shown else None
    stats["framing"] = _shares([e["framing"] for e in shown])
    stats["posture"] = _shares([e["posture"] for e in shown])
    stats["gesture"] = _shares([e["gesture"] for e in shown])
    return stats


def _models() -> list[dict[str, Any]]:
    def digest(name: str) -> str:
        return hashlib.sha256(f"podium example weights: {name}".encode()).hexdigest()

    return [
        {"name": "whisper", "version": "whisper-base", "sha256": digest("whisper"), "detail": "int8, cpu, beam 5"},
        {"name": "filler_cnn", "version": "filler_cnn.keras", "sha256": digest("filler_cnn"), "detail": None},
        {"name": "pose", "version": "pose_landmarker_full.task", "sha256": digest("pose"), "detail": "mediapipe"},
        {"name": "body_classifier", "version": "body_model.pt", "sha256": digest("body"), "detail": None},
    ]


def fixture_report(minutes: float = FIXTURE_MINUTES, seed: int = 7) -> Report:
    """A complete, scored report of a ``minutes``-long talk with video (deterministic for a given seed)."""
    duration = round(minutes * 60.0, 3)
    rng = random.Random(seed)
    base = synthetic_report(
        duration,
        wpm=_pace,
        fillers_per_min=4.0,
        lexical_fillers_per_min=1.5,
        pauses_per_min=4.0,
        long_silences_at=tuple(t for t in (duration * 0.3, duration * 0.7) if t + 4.0 < duration),
        pitch_variation_st=2.2,
        person_visible=lambda t: not duration * 0.5 <= t < duration * 0.5 + 6.0,
        posture=lambda t: "slouched_leaning" if duration * 0.6 <= t < duration * 0.6 + 20.0 else "upright",
        gesture=lambda t: "fidgeting" if duration * 0.2 <= t < duration * 0.2 + 15.0 else "purposeful",
        facing=lambda t: not duration * 0.8 <= t < duration * 0.8 + 12.0,
        framing=lambda t: "too_close" if duration * 0.9 <= t < duration * 0.9 + 5.0 else "ok",
        alerts=(
            (duration * 0.2, duration * 0.2 + 15.0, "fidgeting"),
            (duration * 0.8, duration * 0.8 + 12.0, "not_facing"),
        ),
    )
    _complete_speech(base["speech"], duration, rng)
    _complete_body(base["body"], rng)
    base |= {
        "schema_version": 2,
        "generator": {"name": "podium", "version": "0.1.0"},
        "source": {
            "file": "team-update.webm",
            "container": "matroska,webm",
            "size_bytes": int(duration * 180_000),
            "declared_duration_s": duration,
            "audio_codec": "opus",
            "video_codec": "vp8",
            "width": 640,
            "height": 480,
        },
        "models": _models(),
        "timing": {
            "analysis_s": round(duration * 0.2, 3),
            "real_time_factor": 0.2,
            "stages_s": {"probe": 0.05, "decode_audio": round(duration * 0.002, 3), "body": round(duration * 0.1, 3)},
        },
        "warnings": [],
    }
    report, _ = complete_report(base)
    return report


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def fixture_response(minutes: float = FIXTURE_MINUTES, seed: int = 7) -> dict[str, Any]:
    """The ``GET /api/v1/sessions/{id}/report`` body (``session`` + ``report``) of :func:`fixture_report`."""
    report = fixture_report(minutes, seed)
    base = f"/api/v1/sessions/{SESSION_ID}"
    session = {
        "id": SESSION_ID,
        "title": "Team update rehearsal" if minutes == FIXTURE_MINUTES else f"{minutes:g}-minute rehearsal",
        "source": "upload",
        "state": "analyzed",
        "failure_reason": None,
        "created_at": _iso(STARTED_AT - timedelta(seconds=2)),
        "started_at": _iso(STARTED_AT),
        "ended_at": _iso(STARTED_AT + timedelta(seconds=report.duration_s)),
        "whip_url": f"{base}/whip",
        "events_url": f"{base}/events",
        "overall_score": report.scores.overall if report.scores is not None else None,
    }
    return {
        "session": session,
        "schema_version": report.schema_version,
        "created_at": _iso(STARTED_AT + timedelta(seconds=report.duration_s + 60.0)),
        "report": dump_report(report),
    }


def fixture_text(minutes: float = FIXTURE_MINUTES, seed: int = 7) -> str:
    """:func:`fixture_response` as indented JSON with a final newline (the committed file's exact text)."""
    return json.dumps(fixture_response(minutes, seed), indent=1, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--minutes", type=float, default=FIXTURE_MINUTES, help="length of the talk")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    text = fixture_text(args.minutes, args.seed)
    if args.out is None:
        print(text, end="")
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
