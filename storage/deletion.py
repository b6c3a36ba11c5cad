"""Deleting what a user owns: the database rows in one transaction; the caller then removes the blobs it is
told about (rows first, so a failure can leave at worst an unreferenced blob, never a row without its file)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PracticeSession, Recording, Upload, User


async def delete_session_rows(db: AsyncSession, session_id: str) -> list[str]:
    """Delete a session with its recordings, reports, analysis job, notes and shares (foreign keys cascade);
    return the blob keys of its recordings."""
    keys = list(await db.scalars(select(Recording.blob_key).where(Recording.session_id == session_id)))
    await db.execute(delete(PracticeSession).where(PracticeSession.id == session_id))
    await db.commit()
    return keys


async def delete_user_rows(db: AsyncSession, user_id: str) -> tuple[list[str], list[str]]:
    """Delete a user with everything they own (sessions and their rows, goals, uploads, shares and notes they
    wrote); return ``(recording blob keys, upload ids)`` for the caller to remove from storage."""
    session_ids = select(PracticeSession.id).where(PracticeSession.owner_id == user_id)
    keys = list(await db.scalars(select(Recording.blob_key).where(Recording.session_id.in_(session_ids))))
    upload_ids = list(await db.scalars(select(Upload.id).where(Upload.owner_id == user_id)))
    await db.execute(delete(PracticeSession).where(PracticeSession.owner_id == user_id))
    await db.execute(delete(User).where(User.id == user_id))
    await db.commit()
    return keys, upload_ids


async def delete_recordings_before(db: AsyncSession, cutoff: datetime) -> list[str]:
    """Delete the recording rows created before ``cutoff`` (reports stay); return their blob keys."""
    keys = list(await db.scalars(select(Recording.blob_key).where(Recording.created_at < cutoff)))
    if keys:
        await db.execute(delete(Recording).where(Recording.blob_key.in_(keys)))
        await db.commit()
    return keys
