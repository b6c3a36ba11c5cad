"""Local files for blobs, for code that needs paths (the account export's zip writer): a local store's own files,
or copies downloaded from a remote store (S3) into a private temporary directory that is removed on exit."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import shutil
import uuid
from pathlib import Path
from types import TracebackType
from typing import Self

from storage.blobs import BlobNotFound, BlobNotLocal, BlobStore
from storage.private_files import private_dirs


class BlobStaging:
    """``path(key)`` now, ``await fetch()`` before the paths are read; missing blobs stay absent."""

    def __init__(self, store: BlobStore, parent: Path) -> None:
        self._store = store
        self._dir = parent / f".staging-{uuid.uuid4().hex}"
        self._remote: dict[str, Path] = {}

    def path(self, key: str) -> Path:
        try:
            return self._store.local_path(key)
        except BlobNotLocal:
            staged = self._dir / hashlib.sha256(key.encode()).hexdigest()[:32]
            self._remote[key] = staged
            return staged

    async def fetch(self) -> None:
        if not self._remote:
            return
        await asyncio.to_thread(private_dirs, self._dir)
        for key, staged in self._remote.items():
            with contextlib.suppress(BlobNotFound):
                await self._store.download(key, staged)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(shutil.rmtree, self._dir, True)
