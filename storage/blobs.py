"""Blob storage: an interface and a local-filesystem implementation.

Writes stream into a hidden partial file and become visible under their key only when committed
(an atomic rename), so a reader never sees a half-written blob as complete. Blob files are mode 0600 and the
directories the store creates 0700.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Protocol, Self

from storage.private_files import FILE_MODE, create_private, private_dirs

_PARTIAL_DIR = ".partial"
READ_CHUNK = 256 * 1024


class BlobError(Exception):
    """Base class for blob storage errors."""


class BlobNotFound(BlobError):
    """No committed blob under that key."""


class InvalidBlobKey(BlobError):
    """A key that is empty, absolute or escapes the store."""


class BlobNotLocal(BlobError):
    """The store keeps blobs elsewhere (S3): read them with ``read_range`` or ``download`` instead."""


@dataclass(frozen=True)
class BlobInfo:
    """A committed blob."""

    key: str
    size: int
    sha256: str


@dataclass(frozen=True)
class BlobEntry:
    """A committed blob as listed (for retention and backups)."""

    key: str
    size: int
    modified: datetime


class BlobWriter(Protocol):
    """A streaming write that is invisible until :meth:`commit`."""

    async def write(self, data: bytes) -> None: ...

    async def commit(self) -> BlobInfo: ...

    async def abort(self) -> None: ...


class BlobStore(Protocol):
    """Where recordings and uploads live."""

    def writer(self, key: str) -> BlobWriter: ...

    async def put_file(self, key: str, source: Path, sha256: str | None = None) -> BlobInfo: ...

    async def info(self, key: str) -> BlobInfo: ...

    async def size(self, key: str) -> int: ...

    def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Bytes ``[start, end)`` of a committed blob, in chunks."""
        ...

    async def download(self, key: str, dest: Path) -> None:
        """Copy a committed blob to the local file ``dest`` (a worker's temporary file)."""
        ...

    async def list_blobs(self, prefix: str = "") -> list[BlobEntry]: ...

    def local_path(self, key: str) -> Path:
        """The blob's file on this machine; :class:`BlobNotLocal` for remote stores."""
        ...

    async def delete(self, key: str) -> None: ...


def _validate_key(key: str) -> str:
    parts = Path(key).parts
    if not key or Path(key).is_absolute() or ".." in parts or (parts and parts[0] == _PARTIAL_DIR):
        raise InvalidBlobKey(f"invalid blob key: {key!r}")
    return key


def _sha256_of(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class LocalBlobWriter:
    """Streams into ``<root>/.partial/<random>`` and renames into place on commit."""

    def __init__(self, root: Path, key: str) -> None:
        self._final = root / _validate_key(key)
        self._key = key
        self._partial = private_dirs(root / _PARTIAL_DIR) / uuid.uuid4().hex
        self._fh: BinaryIO | None = create_private(self._partial)
        self._digest = hashlib.sha256()
        self._size = 0

    async def write(self, data: bytes) -> None:
        if self._fh is None:
            raise BlobError("writer is closed")
        self._digest.update(data)
        self._size += len(data)
        await asyncio.to_thread(self._fh.write, data)

    async def commit(self) -> BlobInfo:
        if self._fh is None:
            raise BlobError("writer is closed")
        fh, self._fh = self._fh, None
        await asyncio.to_thread(self._finish, fh)
        return BlobInfo(self._key, self._size, self._digest.hexdigest())

    def _finish(self, fh: BinaryIO) -> None:
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        private_dirs(self._final.parent)
        os.replace(self._partial, self._final)

    async def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self._partial.unlink(missing_ok=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None or self._fh is not None:
            await self.abort()


class LocalBlobStore:
    """Blob store on a local directory."""

    def __init__(self, root: Path) -> None:
        self.root = private_dirs(root)

    def writer(self, key: str) -> LocalBlobWriter:
        return LocalBlobWriter(self.root, key)

    def local_path(self, key: str) -> Path:
        return self.root / _validate_key(key)

    async def put_file(self, key: str, source: Path, sha256: str | None = None) -> BlobInfo:
        """Move (or copy across devices) a finished local file into the store atomically.

        ``sha256`` is the file's digest when the caller already computed it while writing; otherwise it is computed.
        """
        final = self.local_path(key)
        partial = private_dirs(self.root / _PARTIAL_DIR) / uuid.uuid4().hex
        private_dirs(final.parent)
        await asyncio.to_thread(shutil.move, source, partial)
        os.chmod(partial, FILE_MODE)
        sha = sha256 if sha256 is not None else await asyncio.to_thread(_sha256_of, partial)
        size = partial.stat().st_size
        os.replace(partial, final)
        return BlobInfo(key, size, sha)

    async def info(self, key: str) -> BlobInfo:
        path = self.local_path(key)
        if not path.is_file():
            raise BlobNotFound(key)
        sha = await asyncio.to_thread(_sha256_of, path)
        return BlobInfo(key, path.stat().st_size, sha)

    async def size(self, key: str) -> int:
        path = self.local_path(key)
        if not path.is_file():
            raise BlobNotFound(key)
        return path.stat().st_size

    async def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        path = self.local_path(key)
        try:
            fh = await asyncio.to_thread(path.open, "rb")
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise BlobNotFound(key) from exc
        try:
            await asyncio.to_thread(fh.seek, start)
            remaining = end - start
            while remaining > 0:
                chunk = await asyncio.to_thread(fh.read, min(READ_CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
        finally:
            fh.close()

    async def download(self, key: str, dest: Path) -> None:
        path = self.local_path(key)
        if not path.is_file():
            raise BlobNotFound(key)
        await asyncio.to_thread(shutil.copyfile, path, dest)

    async def list_blobs(self, prefix: str = "") -> list[BlobEntry]:
        return await asyncio.to_thread(self._list, prefix)

    def _list(self, prefix: str) -> list[BlobEntry]:
        entries = []
        for path in self.root.rglob("*"):
            key = path.relative_to(self.root).as_posix()
            if key.startswith(_PARTIAL_DIR + "/") or not key.startswith(prefix) or not path.is_file():
                continue
            st = path.stat()
            entries.append(BlobEntry(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC)))
        return sorted(entries, key=lambda e: e.key)

    async def delete(self, key: str) -> None:
        self.local_path(key).unlink(missing_ok=True)
