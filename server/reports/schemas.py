"""Request and response bodies of the report, progress and goal endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from inference.report.model import Report
from server.sessions.schemas import SessionOut


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
    """A session with its complete report (scores, recommendations, timelines); stored reports of older
    versions are served upgraded to the current ``schema_version``."""

    session: SessionOut
    schema_version: int = Field(description="the report's schema version (the same as report.schema_version)")
    created_at: datetime
    report: Report


class ProgressOut(BaseModel):
    """History, trends, personal bests, goals, milestones and the latest session against the previous ones."""

    sessions: int
    history: list[dict[str, Any]]
    trends: dict[str, Any]
    personal_bests: dict[str, Any]
    goals: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    latest_vs_previous: dict[str, Any]
