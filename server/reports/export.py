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
from collections.abc import Sequence
from typing import Any

from inference.report.model import Report
from inference.report.scores import Scores

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


def metrics_csv(scores: Scores) -> str:
    """The ``rows=metrics`` CSV of a ``scores`` section."""
    rows: list[dict[str, Any]] = [{"kind": "overall", "name": "overall", "score": scores.overall}]
    for name, dim in scores.dimensions.items():
        rows.append({"kind": "dimension", "name": name, **dim.model_dump()})
    for name, value in scores.metrics.items():
        rows.append({"kind": "metric", "name": name, "value": value})
    return _write(METRIC_COLUMNS, rows)


def _windows(report: Report) -> list[dict[str, Any]]:
    if report.speech is not None and report.speech.timeline:
        return [w.model_dump() for w in report.speech.timeline]
    entries = report.body.timeline if report.body is not None else []
    step = entries[1].t_s - entries[0].t_s if len(entries) > 1 else 0.5
    return [{"start_s": e.t_s, "end_s": round(e.t_s + step, 3)} for e in entries]


def _mode(values: list[Any]) -> Any:
    values = [v for v in values if v is not None]
    return Counter(values).most_common(1)[0][0] if values else None


def timeline_csv(report: Report) -> str:
    """The ``rows=timeline`` CSV of a report."""
    fillers = [f.start_s for f in report.speech.fillers] if report.speech is not None else []
    body = report.body.timeline if report.body is not None else []
    rows = []
    for w in _windows(report):
        start, end = float(w["start_s"]), float(w["end_s"])
        inside = [e for e in body if start <= e.t_s < end]
        visible = [e for e in inside if e.person_visible]
        facing = [e.facing_camera for e in visible if e.facing_camera is not None]
        row = dict(w)
        row["fillers"] = sum(start <= t < end for t in fillers) if report.speech is not None else None
        row["person_visible_ratio"] = round(len(visible) / len(inside), 3) if inside else None
        row["facing_ratio"] = round(sum(facing) / len(facing), 3) if facing else None
        row["posture"] = _mode([e.posture for e in visible])
        row["gesture"] = _mode([e.gesture for e in visible])
        rows.append(row)
    return _write(TIMELINE_COLUMNS, rows)
