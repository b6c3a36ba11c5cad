"""Repositories: the only place that builds queries for the server and the analysis jobs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PracticeSession, Recording, Role, SessionSource, SessionState, User, utcnow
from storage.session_states import check_transition


class DuplicateEmail(Exception):
    """A user with that email already exists."""


class UserRepository:
    """Users by id and email."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def create(self, email: str, password_hash: str, role: Role = Role.SPEAKER, *, consent: bool = False) -> User:
        """A new account; ``consent`` stamps the moment the person agreed to being recorded (else it stays unset)."""
        user = User(
            email=email.lower(), password_hash=password_hash, role=role, consent_at=utcnow() if consent else None
        )
        self._db.add(user)
        try:
            await self._db.commit()
        except IntegrityError as exc:
            await self._db.rollback()
            raise DuplicateEmail(email) from exc
        return user

    async def by_email(self, email: str) -> User | None:
        return await self._db.scalar(select(User).where(User.email == email.lower()))

    async def by_id(self, user_id: str) -> User | None:
        return await self._db.get(User, user_id)

    async def count(self) -> int:
        return int(await self._db.scalar(select(func.count()).select_from(User)) or 0)

    async def set_consent(self, user_id: str, given: bool) -> User | None:
        """Record (keeping the first moment) or withdraw consent to recording; the updated user, or ``None``."""
        user = await self._db.get(User, user_id)
        if user is None:
            return None
        if not given:
            user.consent_at = None
        elif user.consent_at is None:
            user.consent_at = utcnow()
        await self._db.commit()
        return user


class SessionRepository:
    """Practice sessions and their state machine."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def create(self, owner_id: str, title: str, source: SessionSource) -> PracticeSession:
        session = PracticeSession(owner_id=owner_id, title=title, source=source, state=SessionState.CREATED)
        self._db.add(session)
        await self._db.commit()
        return session

    async def get(self, session_id: str) -> PracticeSession | None:
        return await self._db.get(PracticeSession, session_id)

    async def list_for_owner(self, owner_id: str, limit: int = 50, offset: int = 0) -> Sequence[PracticeSession]:
        query = (
            select(PracticeSession)
            .where(PracticeSession.owner_id == owner_id)
            .order_by(PracticeSession.created_at.desc())
            .limit(limit)
            .offset(offset)
        )
        return (await self._db.scalars(query)).all()

    async def live_ids_of(self, owner_id: str) -> list[str]:
        """Ids of the owner's sessions that are live now (on any node)."""
        query = select(PracticeSession.id).where(
            PracticeSession.owner_id == owner_id, PracticeSession.state == SessionState.LIVE
        )
        return list((await self._db.scalars(query)).all())

    async def move(self, session: PracticeSession, target: SessionState, reason: str | None = None) -> None:
        """Apply a state transition (validated) with its timestamp, and commit."""
        check_transition(session.state, target)
        session.state = target
        now = utcnow()
        if target is SessionState.LIVE:
            session.started_at = now
        elif target is SessionState.ENDED:
            session.ended_at = now
        elif target is SessionState.ANALYZED:
            session.analyzed_at = now
        elif target is SessionState.FAILED:
            session.failure_reason = reason
        await self._db.commit()


class RecordingRepository:
    """Recordings of sessions."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def add(self, recording: Recording) -> Recording:
        self._db.add(recording)
        await self._db.commit()
        return recording

    async def for_session(self, session_id: str) -> Sequence[Recording]:
        return (await self._db.scalars(select(Recording).where(Recording.session_id == session_id))).all()
