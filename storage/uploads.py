"""Rows of resumable (tus) uploads: creation, offset bookkeeping, completion and removal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Upload, utcnow


class UploadRepository:
    """Uploads by id and owner. Every write commits."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def create(self, owner_id: str, length: int, filename: str, metadata: dict[str, str]) -> Upload:
        upload = Upload(owner_id=owner_id, length=length, offset=0, filename=filename, upload_metadata=metadata)
        self._db.add(upload)
        await self._db.commit()
        return upload

    async def get(self, upload_id: str) -> Upload | None:
        return await self._db.get(Upload, upload_id)

    async def get_owned(self, upload_id: str, owner_id: str) -> Upload | None:
        """The upload if ``owner_id`` owns it; ``None`` for unknown ids and other users' uploads alike."""
        upload = await self.get(upload_id)
        return upload if upload is not None and upload.owner_id == owner_id else None

    async def set_offset(self, upload: Upload, offset: int) -> None:
        if not 0 <= offset <= upload.length:
            raise ValueError(f"offset {offset} outside 0..{upload.length}")
        upload.offset = offset
        self._db.add(upload)
        await self._db.commit()

    async def complete(self, upload: Upload, session_id: str) -> None:
        """Mark the upload finished and link the practice session made from it."""
        upload.offset = upload.length
        upload.session_id = session_id
        upload.completed_at = utcnow()
        self._db.add(upload)
        await self._db.commit()

    async def delete(self, upload: Upload) -> None:
        merged = await self._db.merge(upload)
        await self._db.delete(merged)
        await self._db.commit()

    async def incomplete_before(self, cutoff: datetime) -> Sequence[Upload]:
        """Unfinished uploads created before ``cutoff`` (candidates for expiry)."""
        query = select(Upload).where(Upload.completed_at.is_(None), Upload.created_at < cutoff)
        return (await self._db.scalars(query)).all()

    async def count_open(self, owner_id: str, created_after: datetime) -> int:
        """Unfinished uploads of ``owner_id`` created after ``created_after`` (older ones have expired)."""
        query = select(func.count()).where(
            Upload.owner_id == owner_id, Upload.completed_at.is_(None), Upload.created_at > created_after
        )
        return int(await self._db.scalar(query) or 0)
