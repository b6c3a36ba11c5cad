"""Request and response bodies of the report, progress and goal endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class GoalIn(BaseModel):
    """A target on one metric (see ``GET /api/v1/goals`` for the metric names)."""

    model_config = ConfigDict(extra="forbid")

    comparator: Literal["lte", "gte"]
    target: float = Field(allow_inf_nan=False)


class GoalOut(BaseModel):
    metric: str
    comparator: str
    target: float
    created_at: datetime
    achieved_at: datetime | None


class GoalList(BaseModel):
    items: list[GoalOut]
    metrics: dict[str, str] = Field(description="metric name → which direction is better (higher/lower/none)")


class ReportOut(BaseModel):
    """A session with its complete report (scores, recommendations, timelines)."""

    session: dict[str, Any]
    schema_version: int
    created_at: datetime
    report: dict[str, Any]


class ProgressOut(BaseModel):
    """History, trends, personal bests, goals, milestones and the latest session against the previous ones."""

    sessions: int
    history: list[dict[str, Any]]
    trends: dict[str, Any]
    personal_bests: dict[str, Any]
    goals: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    latest_vs_previous: dict[str, Any]
