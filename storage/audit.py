"""The audit trail: who did what to which target, when and from where."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent


class AuditRepository:
    """Append and read audit events (newest first)."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def record(
        self, actor_id: str | None, action: str, target: str, ip: str | None, details: dict[str, Any] | None = None
    ) -> AuditEvent:
        event = AuditEvent(actor_id=actor_id, action=action, target=target[:200], ip=ip, details=details or {})
        self._db.add(event)
        await self._db.commit()
        return event

    async def recent(
        self, limit: int = 100, offset: int = 0, *, action: str | None = None, actor_id: str | None = None
    ) -> Sequence[AuditEvent]:
        query = select(AuditEvent)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        if actor_id is not None:
            query = query.where(AuditEvent.actor_id == actor_id)
        query = query.order_by(AuditEvent.created_at.desc(), AuditEvent.id).limit(limit).offset(offset)
        return (await self._db.scalars(query)).all()
