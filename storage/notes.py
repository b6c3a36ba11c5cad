"""Coaches' timed notes on a session (media time in seconds)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CoachNote, PracticeSession, User, utcnow


@dataclass(frozen=True)
class NoteRow:
    """A note with its author's email."""

    note: CoachNote
    author_email: str


class NoteRepository:
    """Add, list, edit and delete notes."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def add(self, session_id: str, author_id: str, t_s: float, text: str, tag: str | None) -> CoachNote:
        note = CoachNote(session_id=session_id, author_id=author_id, media_time_s=t_s, text=text, tag=tag)
        self._db.add(note)
        await self._db.commit()
        return note

    async def get(self, session_id: str, note_id: str) -> CoachNote | None:
        note = await self._db.get(CoachNote, note_id)
        return note if note is not None and note.session_id == session_id else None

    async def for_session(self, session_id: str) -> list[NoteRow]:
        """The session's notes in media-time order."""
        query = (
            select(CoachNote, User.email)
            .join(User, User.id == CoachNote.author_id)
            .where(CoachNote.session_id == session_id)
            .order_by(CoachNote.media_time_s, CoachNote.created_at, CoachNote.id)
        )
        return [NoteRow(n, e) for n, e in (await self._db.execute(query)).all()]

    async def update(
        self, note: CoachNote, *, t_s: float | None = None, text: str | None = None, tag: str | None = None
    ) -> CoachNote:
        if t_s is not None:
            note.media_time_s = t_s
        if text is not None:
            note.text = text
        if tag is not None:
            note.tag = tag or None
        note.updated_at = utcnow()
        await self._db.commit()
        return note

    async def delete(self, note: CoachNote) -> None:
        await self._db.delete(note)
        await self._db.commit()


async def set_live_notes(db: AsyncSession, session_id: str, enabled: bool) -> PracticeSession | None:
    """Turn the delivery of notes to the speaker during the live session on or off."""
    session = await db.get(PracticeSession, session_id)
    if session is not None:
        session.live_notes = enabled
        await db.commit()
    return session
