"""Request and response bodies of the sessions API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from storage.models import PracticeSession, SessionSource, SessionState


class CreateSession(BaseModel):
    title: str = Field("", max_length=200)


class SessionOut(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: str
    title: str
    source: SessionSource
    state: SessionState
    failure_reason: str | None
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    whip_url: str
    events_url: str
    overall_score: float | None = Field(
        None, description="overall score (0-100) of the latest report; null before analysis or when unscored"
    )


class SessionList(BaseModel):
    items: list[SessionOut]
    limit: int
    offset: int


def session_out(session: PracticeSession, overall_score: float | None = None) -> SessionOut:
    base = f"/api/v1/sessions/{session.id}"
    return SessionOut(
        id=session.id,
        title=session.title,
        source=session.source,
        state=session.state,
        failure_reason=session.failure_reason,
        created_at=session.created_at,
        started_at=session.started_at,
        ended_at=session.ended_at,
        whip_url=f"{base}/whip",
        events_url=f"{base}/events",
        overall_score=overall_score,
    )
