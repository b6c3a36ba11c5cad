"""Read side of analysis reports (latest per session, a user's scored history, filtered session lists) and
the goals repository. Reports are written by :class:`storage.jobs.ReportRepository`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AnalysisReport, Goal, PracticeSession, Recording, SessionState, utcnow


class ReportReader:
    """Reports of sessions and of a user's sessions."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def latest(self, session_id: str) -> AnalysisReport | None:
        """The report with the highest schema version of a session, or None before analysis."""
        query = (
            select(AnalysisReport)
            .where(AnalysisReport.session_id == session_id)
            .order_by(AnalysisReport.schema_version.desc())
            .limit(1)
        )
        return await self._db.scalar(query)

    async def history(self, owner_id: str, limit: int = 500) -> list[tuple[PracticeSession, AnalysisReport]]:
        """The owner's analysed sessions with their latest report, oldest first (at most ``limit``, newest)."""
        query = (
            select(PracticeSession, AnalysisReport)
            .join(AnalysisReport, AnalysisReport.session_id == PracticeSession.id)
            .where(PracticeSession.owner_id == owner_id)
            .order_by(PracticeSession.created_at.desc(), AnalysisReport.schema_version.desc())
        )
        seen: set[str] = set()
        rows: list[tuple[PracticeSession, AnalysisReport]] = []
        for session, report in (await self._db.execute(query)).all():
            if session.id in seen:
                continue
            seen.add(session.id)
            rows.append((session, report))
            if len(rows) >= limit:
                break
        return rows[::-1]


async def list_sessions(
    db: AsyncSession,
    owner_id: str,
    limit: int = 50,
    offset: int = 0,
    *,
    states: Sequence[SessionState] = (),
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> Sequence[PracticeSession]:
    """The owner's sessions, newest first, optionally only in ``states`` and created in
    ``[created_from, created_to)``."""
    query = select(PracticeSession).where(PracticeSession.owner_id == owner_id)
    if states:
        query = query.where(PracticeSession.state.in_(list(states)))
    if created_from is not None:
        query = query.where(PracticeSession.created_at >= created_from)
    if created_to is not None:
        query = query.where(PracticeSession.created_at < created_to)
    query = query.order_by(PracticeSession.created_at.desc()).limit(limit).offset(offset)
    return (await db.scalars(query)).all()


async def overall_scores(db: AsyncSession, session_ids: Sequence[str]) -> dict[str, float | None]:
    """The overall score of each session's latest report (highest schema version); sessions without a report
    are missing, an unscored report gives None. One query; the score is read from the JSON in the database."""
    if not session_ids:
        return {}
    overall = AnalysisReport.scores["overall"].as_float()
    query = (
        select(AnalysisReport.session_id, overall)
        .where(AnalysisReport.session_id.in_(list(session_ids)))
        .order_by(AnalysisReport.session_id, AnalysisReport.schema_version)
    )
    return {session_id: score for session_id, score in (await db.execute(query)).all()}


async def media_durations(db: AsyncSession, session_ids: Sequence[str]) -> dict[str, float]:
    """The media duration (seconds) of each session: its recording's, else (recording deleted past retention)
    its latest report's ``duration_s``; sessions with neither are missing. Two queries."""
    if not session_ids:
        return {}
    recorded = (
        select(Recording.session_id, func.max(Recording.duration_s))
        .where(Recording.session_id.in_(list(session_ids)), Recording.duration_s > 0)
        .group_by(Recording.session_id)
    )
    durations = {sid: float(d) for sid, d in (await db.execute(recorded)).all() if d is not None}
    missing = [sid for sid in session_ids if sid not in durations]
    if missing:
        reported = (
            select(AnalysisReport.session_id, AnalysisReport.report["duration_s"].as_float())
            .where(AnalysisReport.session_id.in_(missing))
            .order_by(AnalysisReport.session_id, AnalysisReport.schema_version)
        )
        for sid, d in (await db.execute(reported)).all():
            if d is not None and d > 0:
                durations[sid] = float(d)
    return durations


async def list_sessions_scored(
    db: AsyncSession, owner_id: str, limit: int = 50, offset: int = 0, **filters: Any
) -> list[tuple[PracticeSession, float | None]]:
    """:func:`list_sessions` (same filters) with each session's overall score (None before analysis)."""
    sessions = await list_sessions(db, owner_id, limit, offset, **filters)
    scores = await overall_scores(db, [s.id for s in sessions])
    return [(s, scores.get(s.id)) for s in sessions]


class GoalRepository:
    """A user's goals, one per metric."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def for_user(self, user_id: str) -> Sequence[Goal]:
        query = select(Goal).where(Goal.user_id == user_id).order_by(Goal.created_at, Goal.metric)
        return (await self._db.scalars(query)).all()

    async def get(self, user_id: str, metric: str) -> Goal | None:
        return await self._db.scalar(select(Goal).where(Goal.user_id == user_id, Goal.metric == metric))

    async def put(self, user_id: str, metric: str, comparator: str, target: float) -> tuple[Goal, bool]:
        """Create or replace the goal on ``metric``; returns ``(goal, created)``. A changed goal starts over
        (``created_at`` now, ``achieved_at`` cleared)."""
        for _ in range(2):
            goal = await self.get(user_id, metric)
            created = goal is None
            if goal is None:
                goal = Goal(user_id=user_id, metric=metric, comparator=comparator, target=target)
                self._db.add(goal)
            elif (goal.comparator, goal.target) != (comparator, target):
                goal.comparator, goal.target = comparator, target
                goal.created_at, goal.achieved_at = utcnow(), None
            try:
                await self._db.commit()
                return goal, created
            except IntegrityError:
                await self._db.rollback()
        raise RuntimeError(f"could not store the goal {metric!r}")

    async def delete(self, user_id: str, metric: str) -> bool:
        """Remove the goal; False when there was none."""
        result: Any = await self._db.execute(delete(Goal).where(Goal.user_id == user_id, Goal.metric == metric))
        await self._db.commit()
        return bool(result.rowcount)

    async def mark_achieved(self, goal: Goal, at: datetime) -> None:
        """Record when the goal was first met (once)."""
        if goal.achieved_at is None:
            goal.achieved_at = at
            await self._db.commit()
