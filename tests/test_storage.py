from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import create_engine, session_factory
from storage.models import Recording, Role, SessionSource, SessionState
from storage.repositories import DuplicateEmail, RecordingRepository, SessionRepository, UserRepository
from storage.session_states import InvalidTransition, check_transition


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(database_url)
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()


async def test_users_are_unique_by_case_insensitive_email(db: AsyncSession, request: pytest.FixtureRequest) -> None:
    email = f"{request.node.name[-12:]}@Example.com".replace("[", "").replace("]", "")
    users = UserRepository(db)
    user = await users.create(email, "hash", Role.COACH)
    assert (await users.by_email(email.upper())) is not None
    assert user.role is Role.COACH
    with pytest.raises(DuplicateEmail):
        await users.create(email.lower(), "hash")


async def test_session_lifecycle_and_recording(db: AsyncSession, request: pytest.FixtureRequest) -> None:
    owner = await UserRepository(db).create(f"owner-{id(request)}@example.com", "hash")
    sessions = SessionRepository(db)
    session = await sessions.create(owner.id, "Keynote", SessionSource.LIVE)
    await sessions.move(session, SessionState.LIVE)
    await sessions.move(session, SessionState.ENDED)
    assert session.started_at is not None and session.ended_at is not None
    with pytest.raises(InvalidTransition):
        await sessions.move(session, SessionState.LIVE)
    recording = Recording(
        session_id=session.id, blob_key=f"rec/{session.id}.mkv", container="matroska", sha256="0" * 64, bytes=5
    )
    await RecordingRepository(db).add(recording)
    assert [r.id for r in await RecordingRepository(db).for_session(session.id)] == [recording.id]
    assert [s.id for s in await sessions.list_for_owner(owner.id)] == [session.id]


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (SessionState.CREATED, SessionState.LIVE, True),
        (SessionState.LIVE, SessionState.ENDED, True),
        (SessionState.ENDED, SessionState.ANALYZING, True),
        (SessionState.ANALYZING, SessionState.ANALYZED, True),
        (SessionState.ANALYZING, SessionState.FAILED, True),
        (SessionState.FAILED, SessionState.ANALYZING, True),
        (SessionState.CREATED, SessionState.ANALYZED, False),
        (SessionState.ANALYZED, SessionState.LIVE, False),
        (SessionState.ENDED, SessionState.LIVE, False),
    ],
)
def test_state_machine(current: SessionState, target: SessionState, allowed: bool) -> None:
    if allowed:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            check_transition(current, target)
