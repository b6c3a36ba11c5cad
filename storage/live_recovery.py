"""Queries of the start-up recovery of live sessions whose server died (see ``server/recovery.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AnalysisJob, PracticeSession, Recording, SessionState, utcnow


class LiveRecoveryRepository:
    """Finds sessions left ``live`` and ends them as ``interrupted``, at most once whoever else tries."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def live_session_ids(self) -> Sequence[str]:
        """Every session the database believes is being published right now."""
        query = select(PracticeSession.id).where(PracticeSession.state == SessionState.LIVE)
        return (await self._db.scalars(query.order_by(PracticeSession.created_at))).all()

    async def interrupt(self, session_id: str) -> bool:
        """Compare-and-set ``live → interrupted`` in the current transaction (not committed); False if it was not live.

        The caller adds the recovered recording in the same transaction and commits, so a session is recovered
        once even when two servers (or two restarts) try at the same time.
        """
        result = await self._db.execute(
            update(PracticeSession)
            .where(PracticeSession.id == session_id, PracticeSession.state == SessionState.LIVE)
            .values(state=SessionState.INTERRUPTED, ended_at=utcnow())
        )
        return bool(getattr(result, "rowcount", 0))

    async def interrupted_without_analysis(self) -> Sequence[str]:
        """Interrupted sessions with a recording whose analysis never got queued (the server died again)."""
        has_recording = exists().where(Recording.session_id == PracticeSession.id)
        has_job = exists().where(AnalysisJob.session_id == PracticeSession.id)
        query = select(PracticeSession.id).where(
            PracticeSession.state == SessionState.INTERRUPTED, has_recording, ~has_job
        )
        return (await self._db.scalars(query)).all()
