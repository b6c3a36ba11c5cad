"""CSV exports of a report.

``rows=metrics`` (default): one row per scored dimension and per flat metric, columns
``kind, name, score, value, unit, reason`` (``kind`` is ``overall``, ``dimension`` or ``metric``).

``rows=timeline``: one row per speech timeline window (the whole recording in body-timeline steps when there
is no speech), columns ``start_s, end_s, word_count, wpm, volume_dbfs, pitch_variation_st, fillers,
person_visible_ratio, facing_ratio, posture, gesture`` — body values summarise the body-timeline entries in
the window (``posture``/``gesture``: the most frequent label); empty cells where not measured.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

METRIC_COLUMNS = ("kind", "name", "score", "value", "unit", "reason")
TIMELINE_COLUMNS = (
    "start_s",
    "end_s",
    "word_count",
    "wpm",
    "volume_dbfs",
    "pitch_variation_st",
    "fillers",
    "person_visible_ratio",
    "facing_ratio",
    "posture",
    "gesture",
)


def _write(columns: Sequence[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
    return out.getvalue()


def metrics_csv(scores: Mapping[str, Any]) -> str:
    """The ``rows=metrics`` CSV of a ``scores`` section."""
    rows: list[dict[str, Any]] = [{"kind": "overall", "name": "overall", "score": scores.get("overall")}]
    for name, dim in (scores.get("dimensions") or {}).items():
        rows.append({"kind": "dimension", "name": name, **dim})
    for name, value in (scores.get("metrics") or {}).items():
        rows.append({"kind": "metric", "name": name, "value": value})
    return _write(METRIC_COLUMNS, rows)


def _windows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    speech = report.get("speech") or {}
    windows = [dict(w) for w in speech.get("timeline") or ()]
    if windows:
        return windows
    body = report.get("body") or {}
    entries = list(body.get("timeline") or ())
    step = float(entries[1]["t_s"]) - float(entries[0]["t_s"]) if len(entries) > 1 else 0.5
    return [{"start_s": e["t_s"], "end_s": round(float(e["t_s"]) + step, 3)} for e in entries]


def _mode(values: list[Any]) -> Any:
    values = [v for v in values if v is not None]
    return Counter(values).most_common(1)[0][0] if values else None


def timeline_csv(report: Mapping[str, Any]) -> str:
    """The ``rows=timeline`` CSV of a report."""
    fillers = [float(f["start_s"]) for f in (report.get("speech") or {}).get("fillers") or ()]
    body = list((report.get("body") or {}).get("timeline") or ())
    rows = []
    for w in _windows(report):
        start, end = float(w["start_s"]), float(w["end_s"])
        inside = [e for e in body if start <= float(e["t_s"]) < end]
        visible = [e for e in inside if e.get("person_visible")]
        facing = [bool(e["facing_camera"]) for e in visible if e.get("facing_camera") is not None]
        row = dict(w)
        row["fillers"] = sum(start <= t < end for t in fillers) if report.get("speech") else None
        row["person_visible_ratio"] = round(len(visible) / len(inside), 3) if inside else None
        row["facing_ratio"] = round(sum(facing) / len(facing), 3) if facing else None
        row["posture"] = _mode([e.get("posture") for e in visible])
        row["gesture"] = _mode([e.get("gesture") for e in visible])
        rows.append(row)
    return _write(TIMELINE_COLUMNS, rows)
