"""Turn an analysis report into a complete report: scores and evidence-linked recommendations added."""

from __future__ import annotations

import copy
from typing import Any

from inference.coaching.engine import RuleSet, recommend
from inference.scoring.config import ScoringConfig
from inference.scoring.scores import score_report


def complete_report(
    analysis: dict[str, Any], config: ScoringConfig | None = None, rules: RuleSet | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return ``(report, scores)``: a copy of ``analysis`` with ``"scores"`` and ``"recommendations"`` added.

    Recommendations come from :func:`inference.coaching.engine.recommend` (``rules`` default: ``rules.json``).
    ``scores`` is the same dict as ``report["scores"]`` (what the database stores next to the report).
    """
    config = config or ScoringConfig.default()
    report = copy.deepcopy(analysis)
    scores = score_report(report, config)
    report["scores"] = scores
    report["recommendations"] = recommend(report, scores, rules)
    return report, scores
