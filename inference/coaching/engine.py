"""The rules engine: run every rule of ``rules.json`` over a report and rank the tips it produces.

A rule names a detector from :data:`~inference.coaching.detectors.DETECTORS`, its ``params`` (thresholds),
the dimension it improves, a base ``priority`` and templates (``title``, ``advice``, ``exercise``) filled with
the finding's values. A tip's priority is ``priority × (1 + severity) × (1 + (100 − dimension score) / 100)``,
so tips about larger problems in weaker dimensions come first. Tips of the same dimension with the same
title are kept once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from inference.coaching.detectors import DETECTORS, Finding
from inference.report.model import Report
from inference.report.upgrade import load_report

RULES_PATH = Path(__file__).with_name("rules.json")


class Rule(BaseModel):
    """One coaching rule (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    dimension: str
    priority: float = Field(gt=0)
    detector: str
    params: dict[str, Any]
    title: str
    advice: str
    exercise: str

    @field_validator("detector")
    @classmethod
    def _known_detector(cls, value: str) -> str:
        if value not in DETECTORS:
            raise ValueError(f"unknown detector {value!r}")
        return value


class RuleSet(BaseModel):
    """The rules and how many tips a report gets at most."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_tips: int = Field(6, ge=1)
    rules: tuple[Rule, ...]

    @classmethod
    def default(cls) -> RuleSet:
        """The rules in ``rules.json``."""
        return _load_default()

    @classmethod
    def from_file(cls, path: Path) -> RuleSet:
        """Rules from a JSON file laid out like ``rules.json``."""
        return cls.model_validate(json.loads(Path(path).read_text()))


@lru_cache(maxsize=1)
def _load_default() -> RuleSet:
    return RuleSet.from_file(RULES_PATH)


def _fill(template: str, values: Mapping[str, Any]) -> str:
    return template.format_map(values)


def _tip(rule: Rule, finding: Finding, dimension_score: float | None) -> dict[str, Any]:
    weakness = 1.0 + (100.0 - dimension_score) / 100.0 if dimension_score is not None else 1.0
    return {
        "id": rule.id,
        "dimension": rule.dimension,
        "priority": round(rule.priority * (1.0 + finding.severity) * weakness, 3),
        "title": _fill(rule.title, finding.values),
        "advice": _fill(rule.advice, finding.values),
        "exercise": _fill(rule.exercise, finding.values),
        "evidence": [e.to_dict() for e in finding.evidence],
    }


def recommend(
    report: Report | Mapping[str, Any], scores: Mapping[str, Any] | None = None, rules: RuleSet | None = None
) -> list[dict[str, Any]]:
    """Prioritised tips for one analysis report, best first, each with ``rank`` (1 = most important),
    ``advice``, ``exercise`` and a non-empty ``evidence`` list (``start_s``, ``end_s``, ``at``, ``detail``).

    ``scores`` is the report's ``scores`` section (weights tips towards weak dimensions); optional. ``report``
    may be a stored report dict of any version.
    """
    report = load_report(report)
    rules = rules or RuleSet.default()
    dims = (scores or {}).get("dimensions") or {}
    tips: list[dict[str, Any]] = []
    for rule in rules.rules:
        finding = DETECTORS[rule.detector](report, rule.params)
        if finding is None or not finding.evidence:
            continue
        tips.append(_tip(rule, finding, (dims.get(rule.dimension) or {}).get("score")))
    tips.sort(key=lambda t: -t["priority"])
    kept: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for tip in tips:
        key = (tip["dimension"], tip["title"])
        if key in seen:
            continue
        seen.add(key)
        kept.append(tip | {"rank": len(kept) + 1})
        if len(kept) >= rules.max_tips:
            break
    return kept


def dimensions_with_tips(tips: Sequence[Mapping[str, Any]]) -> set[str]:
    """The dimensions the tips address."""
    return {str(t["dimension"]) for t in tips}
