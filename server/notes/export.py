"""Notes as they appear in the report's JSON export."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.keys import DB
from server.notes.schemas import note_out
from storage.notes import NoteRepository


async def notes_for_export(app: web.Application, session_id: str) -> list[dict[str, Any]]:
    """The session's notes in media-time order, JSON-ready."""
    async with app[DB]() as db:
        rows = await NoteRepository(db).for_session(session_id)
    return [note_out(r).model_dump(mode="json") for r in rows]
