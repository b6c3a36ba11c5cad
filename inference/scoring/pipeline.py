"""Turn an analysis report into a complete report: scores and evidence-linked recommendations added."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inference.coaching.engine import RuleSet, recommend
from inference.report.model import Report
from inference.report.scores import Recommendation, Scores
from inference.report.upgrade import load_report
from inference.scoring.config import ScoringConfig
from inference.scoring.scores import score_report


def complete_report(
    analysis: Report | Mapping[str, Any], config: ScoringConfig | None = None, rules: RuleSet | None = None
) -> tuple[Report, dict[str, Any]]:
    """Return ``(report, scores)``: the typed ``analysis`` (any stored version) with ``scores`` and
    ``recommendations`` filled in (the input is not changed).

    Recommendations come from :func:`inference.coaching.engine.recommend` (``rules`` default: ``rules.json``).
    ``scores`` is the JSON form of ``report.scores`` (what the database stores next to the report).
    """
    config = config or ScoringConfig.default()
    report = load_report(analysis)
    scores = score_report(report, config)
    tips = recommend(report, scores, rules)
    update = {
        "scores": Scores.model_validate(scores),
        "recommendations": [Recommendation.model_validate(t) for t in tips],
    }
    return report.model_copy(update=update), scores
