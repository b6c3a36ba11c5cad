"""Who may read, comment on or change a practice session: its owner, coaches it is shared with, admins.

A coach's share gives ``view`` (read everything) or ``comment`` (also write notes); writes (delete, re-analyse,
publish) stay with the owner. Without access the answer is 404, so ids don't leak; a ``view`` share asking to
comment gets 403. An admin reaching someone else's session passes every check and leaves an audit event.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from aiohttp import web

from server.errors import Forbidden, NotFound
from server.keys import DB
from storage.audit import AuditRepository
from storage.models import PracticeSession, Role, SharePermission, User
from storage.repositories import SessionRepository
from storage.shares import AccessLevel, ShareRepository

ADMIN_ACCESS_ACTION = "admin.session_access"


class Need(enum.IntEnum):
    """The permission a handler needs, weakest first."""

    VIEW = 1
    COMMENT = 2
    OWNER = 3


_GRANTED = {SharePermission.VIEW: Need.VIEW, SharePermission.COMMENT: Need.COMMENT}


@dataclass(frozen=True)
class SessionAccess:
    """A session with what the user may do on it (``access``: owner, admin, comment or view)."""

    session: PracticeSession
    access: AccessLevel

    @property
    def is_owner(self) -> bool:
        return self.access == "owner"


async def load_session(request: web.Request, user: User, need: Need = Need.VIEW) -> SessionAccess:
    """The session named in the path if ``user`` holds ``need`` on it; 404 without access, 403 when a share is
    too weak (a ``view`` coach writing a note, never for owner-only actions, which stay 404)."""
    session_id = request.match_info["session_id"]
    async with request.app[DB]() as db:
        session = await SessionRepository(db).get(session_id)
        if session is None:
            raise NotFound("no such session")
        if session.owner_id == user.id:
            return SessionAccess(session, "owner")
        if user.role is Role.ADMIN:
            details = {"method": request.method, "path": request.path, "owner_id": session.owner_id}
            await AuditRepository(db).record(user.id, ADMIN_ACCESS_ACTION, session.id, request.remote, details)
            return SessionAccess(session, "admin")
        permission = None if need is Need.OWNER else await ShareRepository(db).permission_for(session, user.id)
    if permission is None:
        raise NotFound("no such session")
    if _GRANTED[permission] < need:
        raise Forbidden(f"this session is shared with you to {permission.value} only", code="share_forbids")
    return SessionAccess(session, "comment" if permission is SharePermission.COMMENT else "view")


async def load_owned_session(request: web.Request, user: User) -> PracticeSession:
    """The session named in the path if ``user`` owns it (or is an admin); 404 otherwise, so ids don't leak."""
    return (await load_session(request, user, Need.OWNER)).session


async def load_readable_session(request: web.Request, user: User) -> PracticeSession:
    """The session named in the path if ``user`` owns it, it is shared with them, or they are an admin."""
    return (await load_session(request, user, Need.VIEW)).session
