"""The ``scores`` and ``recommendations`` sections (written by :mod:`inference.scoring`, :mod:`inference.coaching`)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from inference.report.base import Part


class DimensionScore(Part):
    """``score`` 0–100, null when there was no data (``reason`` says why); ``value`` is the headline measure."""

    score: float | None = None
    value: float | None = None
    unit: str = ""
    reason: str | None = None


class Dimensions(Part):
    """One score per dimension, in display order."""

    pace: DimensionScore = Field(default_factory=DimensionScore)
    fillers: DimensionScore = Field(default_factory=DimensionScore)
    pauses: DimensionScore = Field(default_factory=DimensionScore)
    volume: DimensionScore = Field(default_factory=DimensionScore)
    vocal_variety: DimensionScore = Field(default_factory=DimensionScore)
    posture: DimensionScore = Field(default_factory=DimensionScore)
    gestures: DimensionScore = Field(default_factory=DimensionScore)
    facing: DimensionScore = Field(default_factory=DimensionScore)
    framing: DimensionScore = Field(default_factory=DimensionScore)

    def items(self) -> Iterator[tuple[str, DimensionScore]]:
        """``(name, score)`` of every dimension, named ones first (display order), then any extra ones."""
        for name in type(self).model_fields:
            yield name, getattr(self, name)
        for name, value in (self.model_extra or {}).items():
            yield name, value if isinstance(value, DimensionScore) else DimensionScore.model_validate(value)

    def get(self, name: str) -> DimensionScore | None:
        """The score of dimension ``name``, or None when the report has no such dimension."""
        return next((score for dim, score in self.items() if dim == name), None)


class Scores(Part):
    """The overall score (weighted mean of the scored dimensions), each dimension, and flat metrics."""

    version: int = 1
    overall: float | None = None
    dimensions: Dimensions = Field(default_factory=Dimensions)
    excluded: dict[str, str] = Field(default_factory=dict, description="dimension → why it has no score")
    weights: dict[str, float] = Field(default_factory=dict)
    metrics: dict[str, float | None] = Field(
        default_factory=dict, description="flat metrics goals and trends refer to (see GET /api/v1/goals)"
    )


class Moment(Part):
    """A moment of the talk a recommendation cites; ``at`` is the human label (``1:05–1:40``)."""

    start_s: float
    end_s: float
    at: str = ""
    detail: str = ""


class Recommendation(Part):
    """A prioritised tip with a practice exercise and the moments that triggered it."""

    id: str
    dimension: str
    priority: float
    rank: int
    title: str
    advice: str
    exercise: str
    evidence: list[Moment] = Field(default_factory=list)
