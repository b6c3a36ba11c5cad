"""Request and response bodies of the sessions API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from storage.models import PracticeSession, SessionSource, SessionState


class CreateSession(BaseModel):
    title: str = Field("", max_length=200)


class SessionOut(BaseModel):
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


class SessionList(BaseModel):
    items: list[SessionOut]
    limit: int
    offset: int


def session_out(session: PracticeSession) -> SessionOut:
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
    )
