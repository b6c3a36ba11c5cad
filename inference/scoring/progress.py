"""Progress over a user's sessions: history, trends, personal bests, goals, milestones and comparisons.

Pure functions over :class:`SessionPoint` (one scored session each, oldest first). Metrics are those of
:data:`inference.scoring.scores.METRICS`: ``overall``, a dimension name (its score) or a flat metric such as
``fillers_per_min``; "better" follows each metric's direction (``higher``/``lower``; ``none`` has no best).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from inference.report.scores import Scores
from inference.scoring.config import DIMENSIONS
from inference.scoring.scores import METRICS, metric_value

Comparator = Literal["lte", "gte"]
TREND_METRICS: tuple[str, ...] = ("overall", *DIMENSIONS, "wpm", "fillers_per_min", "pitch_variation_st")
SCORE_MILESTONES: tuple[int, ...] = (50, 70, 85, 95)
SESSION_MILESTONES: tuple[int, ...] = (1, 5, 10, 25, 50, 100)
STEADY_SLOPE = 0.5
"""|slope| below this (units per session) is ``steady``."""


@dataclass(frozen=True)
class SessionPoint:
    """One analysed session: when, which, and its ``scores`` section (a stored scores dict is validated once)."""

    session_id: str
    at: datetime
    scores: Scores
    title: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.scores, Scores):
            object.__setattr__(self, "scores", Scores.model_validate(self.scores))

    def value(self, metric: str) -> float | None:
        """The session's value of ``metric`` (None when not measured)."""
        return metric_value(self.scores, metric)


@dataclass(frozen=True)
class GoalSpec:
    """A target on one metric: ``value <= target`` (``lte``) or ``value >= target`` (``gte``)."""

    metric: str
    comparator: Comparator
    target: float
    created_at: datetime | None = None

    def met_by(self, value: float | None) -> bool:
        """Whether ``value`` meets the goal (never for a missing value)."""
        if value is None:
            return False
        return value <= self.target if self.comparator == "lte" else value >= self.target


def _iso(at: datetime) -> str:
    return at.isoformat()


def _better(metric: str, a: float, b: float) -> bool:
    """Whether ``a`` is strictly better than ``b`` for ``metric``."""
    direction = METRICS.get(metric, "none")
    return a > b if direction == "higher" else a < b if direction == "lower" else False


def slope(values: Sequence[float]) -> float:
    """Least-squares slope of ``values`` against their index (units per session); 0 for fewer than two."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den


def trend(points: Sequence[SessionPoint], metric: str, last_n: int = 5) -> dict[str, Any] | None:
    """Slope of ``metric`` over the last ``last_n`` sessions that measured it, with ``direction``
    (``improving``/``declining``/``steady``, or ``changing`` for metrics without a better side)."""
    values = [v for p in points if (v := p.value(metric)) is not None][-last_n:]
    if not values:
        return None
    s = slope(values)
    better = METRICS.get(metric, "none")
    if len(values) < 2 or abs(s) < STEADY_SLOPE:
        direction = "steady"
    elif better == "none":
        direction = "changing"
    else:
        direction = "improving" if (s > 0) == (better == "higher") else "declining"
    return {
        "slope": round(s, 3),
        "direction": direction,
        "sessions": len(values),
        "latest": values[-1],
        "mean": round(sum(values) / len(values), 3),
    }


def personal_bests(points: Sequence[SessionPoint], metrics: Iterable[str] = TREND_METRICS) -> dict[str, Any]:
    """Best value of each metric that has a better side, with the session and date where it was reached."""
    bests: dict[str, Any] = {}
    for metric in metrics:
        if METRICS.get(metric, "none") == "none":
            continue
        best: tuple[float, SessionPoint] | None = None
        for p in points:
            v = p.value(metric)
            if v is not None and (best is None or _better(metric, v, best[0])):
                best = (v, p)
        if best is not None:
            bests[metric] = {"value": best[0], "session_id": best[1].session_id, "at": _iso(best[1].at)}
    return bests


def evaluate_goal(goal: GoalSpec, points: Sequence[SessionPoint]) -> dict[str, Any]:
    """The goal with the latest value, whether the latest session meets it, and the first session (on or
    after the goal was set) that met it."""
    measured = [(p, v) for p in points if (v := p.value(goal.metric)) is not None]
    current = measured[-1][1] if measured else None
    since = [(p, v) for p, v in measured if goal.created_at is None or p.at >= goal.created_at]
    first = next(((p, v) for p, v in since if goal.met_by(v)), None)
    return {
        "metric": goal.metric,
        "comparator": goal.comparator,
        "target": goal.target,
        "current": current,
        "met_now": goal.met_by(current),
        "achieved": first is not None,
        "achieved_at": _iso(first[0].at) if first else None,
        "achieved_session_id": first[0].session_id if first else None,
    }


def compare_with_previous(
    points: Sequence[SessionPoint], session_id: str, last_n: int = 5, metrics: Iterable[str] = TREND_METRICS
) -> dict[str, Any]:
    """Each metric of session ``session_id`` against the mean of up to ``last_n`` earlier sessions:
    ``value``, ``previous_mean``, ``delta`` and ``better`` (None where there is no better side)."""
    index = next((i for i, p in enumerate(points) if p.session_id == session_id), None)
    if index is None:
        return {}
    session, earlier = points[index], points[:index]
    out: dict[str, Any] = {}
    for metric in metrics:
        value = session.value(metric)
        previous = [v for p in earlier if (v := p.value(metric)) is not None][-last_n:]
        if value is None or not previous:
            continue
        mean = sum(previous) / len(previous)
        delta = value - mean
        better = None if METRICS.get(metric, "none") == "none" else _better(metric, value, mean)
        out[metric] = {
            "value": value,
            "previous_mean": round(mean, 3),
            "previous_sessions": len(previous),
            "delta": round(delta, 3),
            "better": better,
        }
    return out


def milestones(points: Sequence[SessionPoint], goals: Sequence[GoalSpec] = ()) -> list[dict[str, Any]]:
    """Milestones in time order: session counts, overall score thresholds first crossed, personal bests
    beaten (after the first session) and goals achieved."""
    events: list[dict[str, Any]] = []

    def add(p: SessionPoint, kind: str, text: str, **extra: Any) -> None:
        events.append({"kind": kind, "at": _iso(p.at), "session_id": p.session_id, "text": text, **extra})

    best_overall: float | None = None
    for i, p in enumerate(points, start=1):
        if i in SESSION_MILESTONES:
            add(p, "sessions", f"{i} session{'s' if i > 1 else ''} analysed", count=i)
        overall = p.value("overall")
        if overall is not None:
            for threshold in SCORE_MILESTONES:
                if overall >= threshold and (best_overall is None or best_overall < threshold):
                    add(p, "overall_score", f"Overall score reached {threshold}", threshold=threshold)
            if best_overall is not None and overall > best_overall:
                add(p, "personal_best", f"New best overall score: {overall:.0f}", metric="overall", value=overall)
            best_overall = overall if best_overall is None else max(best_overall, overall)
    for goal in goals:
        result = evaluate_goal(goal, points)
        if result["achieved"]:
            p = next(p for p in points if p.session_id == result["achieved_session_id"])
            op = "≤" if goal.comparator == "lte" else "≥"
            add(p, "goal", f"Goal reached: {goal.metric} {op} {goal.target:g}", metric=goal.metric)
    events.sort(key=lambda e: e["at"])
    return events


def history_entry(p: SessionPoint) -> dict[str, Any]:
    """One row of the history: the session, its overall and dimension scores and its flat metrics."""
    dims = p.scores.dimensions
    return {
        "session_id": p.session_id,
        "title": p.title,
        "at": _iso(p.at),
        "overall": p.value("overall"),
        "scores": {d: score.score if (score := dims.get(d)) is not None else None for d in DIMENSIONS},
        "metrics": dict(p.scores.metrics),
    }


def progress_summary(points: Sequence[SessionPoint], goals: Sequence[GoalSpec] = (), last_n: int = 5) -> dict[str, Any]:
    """Everything the progress page shows: ``history``, ``trends``, ``personal_bests``, ``goals``,
    ``milestones`` and ``latest_vs_previous`` (the latest session against the ``last_n`` before it)."""
    points = sorted(points, key=lambda p: p.at)
    trends = {m: t for m in TREND_METRICS if (t := trend(points, m, last_n)) is not None}
    return {
        "sessions": len(points),
        "history": [history_entry(p) for p in points],
        "trends": trends,
        "personal_bests": personal_bests(points),
        "goals": [evaluate_goal(g, points) for g in goals],
        "milestones": milestones(points, goals),
        "latest_vs_previous": compare_with_previous(points, points[-1].session_id, last_n) if points else {},
    }
