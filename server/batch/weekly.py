"""Aggregate metrics per ISO week (pure): sessions, analysed sessions, recorded minutes and scores."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from statistics import fmean


@dataclass(frozen=True)
class SessionFacts:
    """What the export needs of one session."""

    created_at: datetime
    source: str
    analysed: bool
    duration_s: float | None
    overall: float | None


@dataclass(frozen=True)
class WeekMetrics:
    week: str
    sessions: int
    live_sessions: int
    upload_sessions: int
    analysed_sessions: int
    recorded_minutes: float
    mean_overall_score: float | None


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _week(label: str, facts: list[SessionFacts]) -> WeekMetrics:
    scores = [f.overall for f in facts if f.overall is not None]
    return WeekMetrics(
        week=label,
        sessions=len(facts),
        live_sessions=sum(f.source == "live" for f in facts),
        upload_sessions=sum(f.source == "upload" for f in facts),
        analysed_sessions=sum(f.analysed for f in facts),
        recorded_minutes=round(sum(f.duration_s or 0.0 for f in facts) / 60, 2),
        mean_overall_score=round(fmean(scores), 2) if scores else None,
    )


def weekly_metrics(facts: Iterable[SessionFacts]) -> list[WeekMetrics]:
    """One row per ISO week that has sessions, oldest first."""
    by_week: dict[str, list[SessionFacts]] = {}
    for fact in facts:
        by_week.setdefault(iso_week(fact.created_at), []).append(fact)
    return [_week(label, by_week[label]) for label in sorted(by_week)]


def to_csv(rows: list[WeekMetrics]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[f.name for f in fields(WeekMetrics)], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in asdict(row).items()})
    return out.getvalue()
