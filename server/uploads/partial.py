"""Partial upload files on disk: append a streamed request body at a known offset, file I/O off the event loop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from aiohttp import ClientPayloadError, web

from server.errors import RequestTimeout
from server.keys import SETTINGS
from storage.private_files import FILE_MODE, private_dirs

INTERRUPTIONS: tuple[type[BaseException], ...] = (ConnectionError, ClientPayloadError, asyncio.IncompleteReadError)
"""What reading a request body raises when the client goes away mid-body."""


class ChunkTooLarge(Exception):
    """The body carried more bytes than the upload has left; nothing of it was kept."""


class UploadBusy(Exception):
    """Another request is already writing this upload."""


@dataclass(frozen=True)
class AppendResult:
    """How many bytes of a body were stored, and whether the body ended early (client gone, or stalled)."""

    written: int
    interrupted: bool
    stalled: RequestTimeout | None = None


class PartialFiles:
    """``<root>/<upload_id>.part`` files. At most one writer per upload within this process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._writing: set[str] = set()

    def path(self, upload_id: str) -> Path:
        if not upload_id.isalnum():
            raise ValueError(f"invalid upload id {upload_id!r}")
        return self.root / f"{upload_id}.part"

    async def create(self, upload_id: str) -> Path:
        path = self.path(upload_id)
        await asyncio.to_thread(_touch, path)
        return path

    async def remove(self, upload_id: str) -> None:
        await asyncio.to_thread(self.path(upload_id).unlink, True)

    @contextmanager
    def exclusive(self, upload_id: str) -> Iterator[None]:
        """Hold the upload for one writer; raise :class:`UploadBusy` when another holds it."""
        if upload_id in self._writing:
            raise UploadBusy(upload_id)
        self._writing.add(upload_id)
        try:
            yield
        finally:
            self._writing.discard(upload_id)

    async def append(self, upload_id: str, offset: int, body: AsyncIterator[bytes], limit: int) -> AppendResult:
        """Write ``body`` at ``offset`` (dropping anything past ``offset`` first), at most ``limit`` bytes.

        A body that ends early, or stalls (``body`` raises :class:`RequestTimeout`), keeps what arrived (tus lets
        the client resume from there). A body longer than ``limit`` raises :class:`ChunkTooLarge` and leaves the
        file as it was at ``offset``.
        """
        fh = await asyncio.to_thread(_open_at, self.path(upload_id), offset)
        written = 0
        interrupted = False
        stalled: RequestTimeout | None = None
        try:
            try:
                async for chunk in body:
                    if written + len(chunk) > limit:
                        await asyncio.to_thread(_truncate, fh, offset)
                        raise ChunkTooLarge(f"body exceeds the {limit} bytes left in the upload")
                    await asyncio.to_thread(fh.write, chunk)
                    written += len(chunk)
            except INTERRUPTIONS:
                interrupted = True
            except RequestTimeout as exc:
                interrupted, stalled = True, exc
        finally:
            await asyncio.to_thread(_close, fh)
        return AppendResult(written, interrupted, stalled)


def _touch(path: Path) -> None:
    private_dirs(path.parent)
    path.touch(mode=FILE_MODE, exist_ok=False)


def _open_at(path: Path, offset: int) -> BinaryIO:
    fh = path.open("r+b")
    _truncate(fh, offset)
    return fh


def _truncate(fh: BinaryIO, offset: int) -> None:
    fh.seek(offset)
    fh.truncate()


def _close(fh: BinaryIO) -> None:
    fh.flush()
    os.fsync(fh.fileno())
    fh.close()


_stores: dict[Path, PartialFiles] = {}


def partial_files(app: web.Application) -> PartialFiles:
    """The partial-file store of ``app`` (``<data_dir>/uploads``), one per directory in this process."""
    root = app[SETTINGS].data_dir / "uploads"
    return _stores.setdefault(root, PartialFiles(root))
