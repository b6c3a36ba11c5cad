"""Shares: a speaker's sessions (one, or all of them) shared with a coach, and what a user may read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import PracticeSession, SessionState, Share, SharePermission, User

AccessLevel = Literal["owner", "admin", "comment", "view"]
"""What a user may do on a session."""

RANK = {SharePermission.VIEW: 1, SharePermission.COMMENT: 2}


class DuplicateShare(Exception):
    """The coach already has a share of that session (or of all the owner's sessions)."""


@dataclass(frozen=True)
class ShareRow:
    """A share with the emails of both sides."""

    share: Share
    owner_email: str
    coach_email: str


@dataclass(frozen=True)
class SharedSession:
    """A session a user may read: ``access`` is ``owner``, ``comment`` or ``view``."""

    session: PracticeSession
    owner_email: str
    access: AccessLevel


def strongest(permissions: Sequence[SharePermission]) -> SharePermission | None:
    """The widest of ``permissions`` (comment over view), or None when empty."""
    return max(permissions, key=RANK.__getitem__, default=None)


class ShareRepository:
    """Create, find, change and revoke shares."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def create(self, owner_id: str, coach_id: str, session_id: str | None, permission: SharePermission) -> Share:
        if await self._existing(owner_id, coach_id, session_id) is not None:
            raise DuplicateShare(session_id or "all")
        share = Share(owner_id=owner_id, coach_id=coach_id, session_id=session_id, permission=permission)
        self._db.add(share)
        try:
            await self._db.commit()
        except IntegrityError as exc:
            await self._db.rollback()
            raise DuplicateShare(session_id or "all") from exc
        return share

    async def _existing(self, owner_id: str, coach_id: str, session_id: str | None) -> Share | None:
        query = select(Share).where(Share.owner_id == owner_id, Share.coach_id == coach_id)
        query = query.where(Share.session_id.is_(None) if session_id is None else Share.session_id == session_id)
        return await self._db.scalar(query)

    async def get(self, share_id: str) -> Share | None:
        return await self._db.get(Share, share_id)

    async def set_permission(self, share: Share, permission: SharePermission) -> Share:
        share.permission = permission
        await self._db.commit()
        return share

    async def delete(self, share: Share) -> None:
        await self._db.delete(share)
        await self._db.commit()

    async def given_by(self, owner_id: str) -> list[ShareRow]:
        return await self._rows(Share.owner_id == owner_id)

    async def given_to(self, coach_id: str) -> list[ShareRow]:
        return await self._rows(Share.coach_id == coach_id)

    async def _rows(self, condition: object) -> list[ShareRow]:
        owner, coach = aliased(User), aliased(User)
        query = (
            select(Share, owner.email, coach.email)
            .join(owner, owner.id == Share.owner_id)
            .join(coach, coach.id == Share.coach_id)
            .where(condition)  # type: ignore[arg-type]
            .order_by(Share.created_at, Share.id)
        )
        return [ShareRow(s, o, c) for s, o, c in (await self._db.execute(query)).all()]

    async def between(self, owner_id: str, coach_id: str) -> list[Share]:
        """Every share ``owner_id`` gave ``coach_id``."""
        query = select(Share).where(Share.owner_id == owner_id, Share.coach_id == coach_id)
        return list(await self._db.scalars(query))

    async def permission_for(self, session: PracticeSession, coach_id: str) -> SharePermission | None:
        """The widest permission ``coach_id`` holds on ``session`` (its own share or an all-sessions share)."""
        query = select(Share.permission).where(
            Share.coach_id == coach_id,
            Share.owner_id == session.owner_id,
            or_(Share.session_id == session.id, Share.session_id.is_(None)),
        )
        return strongest(list(await self._db.scalars(query)))


async def list_readable_sessions(
    db: AsyncSession,
    user_id: str,
    limit: int = 50,
    offset: int = 0,
    *,
    states: Sequence[SessionState] = (),
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> list[SharedSession]:
    """The user's own sessions and those shared with them, newest first, with the same filters as
    :func:`storage.reports.list_sessions`."""
    shares = (await db.scalars(select(Share).where(Share.coach_id == user_id))).all()
    whole_owners = [s.owner_id for s in shares if s.session_id is None]
    shared_ids = [s.session_id for s in shares if s.session_id is not None]
    query = (
        select(PracticeSession, User.email)
        .join(User, User.id == PracticeSession.owner_id)
        .where(
            or_(
                PracticeSession.owner_id == user_id,
                PracticeSession.owner_id.in_(whole_owners),
                PracticeSession.id.in_(shared_ids),
            )
        )
    )
    if states:
        query = query.where(PracticeSession.state.in_(list(states)))
    if created_from is not None:
        query = query.where(PracticeSession.created_at >= created_from)
    if created_to is not None:
        query = query.where(PracticeSession.created_at < created_to)
    query = query.order_by(PracticeSession.created_at.desc(), PracticeSession.id).limit(limit).offset(offset)
    rows = (await db.execute(query)).all()
    return [SharedSession(s, email, _access(s, user_id, shares)) for s, email in rows]


def _access(session: PracticeSession, user_id: str, shares: Sequence[Share]) -> AccessLevel:
    if session.owner_id == user_id:
        return "owner"
    held = [s.permission for s in shares if s.owner_id == session.owner_id and s.session_id in (None, session.id)]
    best = strongest(held)
    return "comment" if best is SharePermission.COMMENT else "view"
