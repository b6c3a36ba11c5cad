"""Request and response bodies of the shares API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from storage.models import SharePermission
from storage.shares import ShareRow


class CreateShare(BaseModel):
    coach_email: str = Field(min_length=3, max_length=320, description="the coach's account email")
    session_id: str | None = Field(None, max_length=32, description="one session of mine; omit for all of them")
    permission: SharePermission = SharePermission.VIEW


class UpdateShare(BaseModel):
    permission: SharePermission


class ShareOut(BaseModel):
    id: str
    owner_email: str
    coach_email: str
    session_id: str | None = Field(description="null: every session of the owner, present and future")
    permission: SharePermission
    created_at: datetime


class ShareLists(BaseModel):
    given: list[ShareOut] = Field(description="shares I gave")
    received: list[ShareOut] = Field(description="shares given to me")


def share_out(row: ShareRow) -> ShareOut:
    s = row.share
    return ShareOut(
        id=s.id,
        owner_email=row.owner_email,
        coach_email=row.coach_email,
        session_id=s.session_id,
        permission=s.permission,
        created_at=s.created_at,
    )
