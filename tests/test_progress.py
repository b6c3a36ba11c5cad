"""Progress: trends, personal bests, goals, milestones and comparison with the previous average."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inference.scoring.progress import (
    GoalSpec,
    SessionPoint,
    compare_with_previous,
    evaluate_goal,
    milestones,
    progress_summary,
    slope,
    trend,
)
from inference.scoring.scores import score_report
from inference.scoring.synthetic import synthetic_report

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def point(i: int, **kw: object) -> SessionPoint:
    return SessionPoint(f"s{i}", T0 + timedelta(days=i), score_report(synthetic_report(120, **kw)), f"talk {i}")  # type: ignore[arg-type]


@pytest.fixture
def improving() -> list[SessionPoint]:
    return [point(i, fillers_per_min=fpm, wpm=w) for i, (fpm, w) in enumerate([(9, 200), (7, 190), (5, 175), (2, 150)])]


def test_slope() -> None:
    assert slope([1, 2, 3, 4]) == pytest.approx(1.0)
    assert slope([5]) == 0.0
    assert slope([4, 2, 0]) == pytest.approx(-2.0)


def test_trends_follow_the_better_side(improving: list[SessionPoint]) -> None:
    fillers = trend(improving, "fillers_per_min")
    assert fillers is not None and fillers["direction"] == "improving" and fillers["slope"] < 0
    assert trend(improving, "fillers")["direction"] == "improving"  # type: ignore[index]
    assert trend(improving, "wpm")["direction"] == "changing"  # type: ignore[index]
    assert trend(improving[::-1], "overall")["direction"] == "declining"  # type: ignore[index]
    assert trend(improving[:1], "overall")["direction"] == "steady"  # type: ignore[index]
    assert trend(improving, "posture")["direction"] == "steady"  # type: ignore[index]
    assert trend(improving, "fillers_per_min", last_n=2)["sessions"] == 2  # type: ignore[index]


def test_goal_achieved_only_after_it_was_set(improving: list[SessionPoint]) -> None:
    goal = GoalSpec("fillers_per_min", "lte", 6.0, created_at=T0 + timedelta(hours=1))
    result = evaluate_goal(goal, improving)
    assert result["achieved"] and result["achieved_session_id"] == "s2" and result["met_now"]
    late = GoalSpec("fillers_per_min", "lte", 6.0, created_at=T0 + timedelta(days=10))
    assert not evaluate_goal(late, improving)["achieved"]
    never = GoalSpec("overall", "gte", 101)
    assert not evaluate_goal(never, improving)["achieved"]
    empty = evaluate_goal(GoalSpec("posture", "gte", 50), [])
    assert empty["current"] is None and not empty["achieved"] and not empty["met_now"]


def test_comparison_with_previous_average(improving: list[SessionPoint]) -> None:
    cmp = compare_with_previous(improving, "s3", last_n=3)
    assert cmp["fillers_per_min"]["previous_mean"] == pytest.approx(7.0, abs=0.1)
    assert cmp["fillers_per_min"]["delta"] == pytest.approx(-5.0, abs=0.1)
    assert cmp["fillers_per_min"]["better"] is True
    assert cmp["wpm"]["better"] is None
    assert compare_with_previous(improving, "s0") == {}
    assert compare_with_previous(improving, "missing") == {}


def test_milestones_and_bests(improving: list[SessionPoint]) -> None:
    goal = GoalSpec("fillers_per_min", "lte", 3.0)
    events = milestones(improving, [goal])
    kinds = [e["kind"] for e in events]
    assert kinds.count("sessions") == 1
    assert "personal_best" in kinds and "goal" in kinds
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    summary = progress_summary(list(reversed(improving)), [goal])
    assert [h["session_id"] for h in summary["history"]] == ["s0", "s1", "s2", "s3"]
    assert summary["personal_bests"]["fillers_per_min"]["session_id"] == "s3"
    assert summary["goals"][0]["achieved_session_id"] == "s3"
    assert summary["latest_vs_previous"]["overall"]["better"] is True


def test_empty_history() -> None:
    summary = progress_summary([], [GoalSpec("overall", "gte", 80)])
    assert summary["sessions"] == 0 and summary["trends"] == {} and summary["milestones"] == []
    assert summary["goals"][0]["current"] is None
