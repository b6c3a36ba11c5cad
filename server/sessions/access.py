"""Who may read or publish a practice session."""

from __future__ import annotations

from aiohttp import web

from server.errors import NotFound
from server.keys import DB
from storage.models import PracticeSession, Role, User
from storage.repositories import SessionRepository


async def load_owned_session(request: web.Request, user: User) -> PracticeSession:
    """The session named in the path if ``user`` owns it (or is an admin); 404 otherwise, so ids don't leak."""
    async with request.app[DB]() as db:
        session = await SessionRepository(db).get(request.match_info["session_id"])
    if session is None or (session.owner_id != user.id and user.role is not Role.ADMIN):
        raise NotFound("no such session")
    return session
