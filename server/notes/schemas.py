"""Request and response bodies of the notes API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from storage.notes import NoteRow

TAG = Field(None, max_length=32, description="optional label, e.g. pace or posture")


class CreateNote(BaseModel):
    t_s: float | None = Field(
        None, ge=0, le=86400, description="media time in seconds; default: now, in a live session"
    )
    text: str = Field(min_length=1, max_length=2000)
    tag: str | None = TAG


class UpdateNote(BaseModel):
    t_s: float | None = Field(None, ge=0, le=86400)
    text: str | None = Field(None, min_length=1, max_length=2000)
    tag: str | None = Field(None, max_length=32, description="an empty string removes the tag")


class NoteOut(BaseModel):
    id: str
    session_id: str
    t_s: float
    text: str
    tag: str | None
    author_id: str
    author: str = Field(description="the author's email")
    created_at: datetime
    updated_at: datetime | None


class NoteList(BaseModel):
    items: list[NoteOut] = Field(description="in media-time order")


def note_out(row: NoteRow) -> NoteOut:
    n = row.note
    return NoteOut(
        id=n.id,
        session_id=n.session_id,
        t_s=n.media_time_s,
        text=n.text,
        tag=n.tag,
        author_id=n.author_id,
        author=row.author_email,
        created_at=n.created_at,
        updated_at=n.updated_at,
    )
