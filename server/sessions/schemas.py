"""Request and response bodies of the sessions API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from storage.models import PracticeSession, SessionSource, SessionState
from storage.shares import AccessLevel as Access


class CreateSession(BaseModel):
    title: str = Field("", max_length=200)


class UpdateSession(BaseModel):
    live_notes: bool | None = Field(None, description="false: coaches' notes no longer reach me while I speak")


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
    whep_url: str = Field("", description="watch it live (WHEP) while it is live")
    access: Access = Field("owner", description="what I may do: owner, admin, comment (notes) or view")
    owner_email: str | None = Field(None, description="the speaker who owns it")
    live_notes: bool = Field(True, description="whether coaches' notes reach the speaker during the session")
    duration_s: float | None = Field(
        None, description="length of the recording (media seconds); null before anything was recorded"
    )


class SessionList(BaseModel):
    items: list[SessionOut]
    limit: int
    offset: int


def session_out(
    session: PracticeSession,
    overall_score: float | None = None,
    *,
    access: Access = "owner",
    owner_email: str | None = None,
    duration_s: float | None = None,
) -> SessionOut:
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
        whep_url=f"{base}/whep",
        access=access,
        owner_email=owner_email,
        live_notes=session.live_notes is not False,
        duration_s=duration_s,
    )
