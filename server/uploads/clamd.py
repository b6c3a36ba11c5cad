"""A ClamAV client: stream a file to ``clamd`` (``INSTREAM``) over asyncio and read its verdict.

The file is read in a thread and written to the socket chunk by chunk, so a large upload never blocks the event
loop nor sits in memory. Any failure to get a verdict (clamd down, timeout, a clamd-side error such as its
``StreamMaxLength``) is :class:`ScannerUnavailable`, so callers can fail closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

CHUNK_BYTES = 1 << 20
_REPLY_LIMIT = 4096
_END_OF_STREAM = struct.pack(">I", 0)


class ScannerUnavailable(Exception):
    """No verdict: clamd could not be reached, timed out or answered with an error."""


@dataclass(frozen=True)
class ClamdAddress:
    """Where clamd listens: a Unix socket path, or a TCP host and port."""

    unix_path: str | None = None
    host: str | None = None
    port: int | None = None


@dataclass(frozen=True)
class Verdict:
    """clamd's answer: clean, or the name of the signature it found."""

    clean: bool
    signature: str | None = None


def parse_clamd_url(url: str) -> ClamdAddress:
    """``unix:///run/clamav/clamd.ctl`` or ``tcp://127.0.0.1:3310`` → a :class:`ClamdAddress` (ValueError else)."""
    parts = urlsplit(url)
    if parts.scheme == "unix" and parts.path:
        return ClamdAddress(unix_path=parts.path)
    if parts.scheme == "tcp" and parts.hostname:
        try:
            port = parts.port or 3310
        except ValueError as exc:
            raise ValueError(f"bad clamd port in {url!r}") from exc
        return ClamdAddress(host=parts.hostname, port=port)
    raise ValueError(f"clamd address must be unix:///path/to/clamd.sock or tcp://host:port, not {url!r}")


def parse_reply(reply: bytes) -> Verdict:
    """Read clamd's ``stream: OK`` / ``stream: <name> FOUND`` reply; an ``... ERROR`` reply raises."""
    text = reply.rstrip(b"\0\r\n").decode("utf-8", errors="replace").strip()
    _, _, result = text.rpartition(": ") if text.startswith("stream:") else ("", "", text)
    if result == "OK":
        return Verdict(clean=True)
    if result.endswith(" FOUND"):
        return Verdict(clean=False, signature=result.removesuffix(" FOUND").strip() or "unknown")
    raise ScannerUnavailable(f"clamd answered {text!r}")


async def scan_file(address: ClamdAddress, path: Path, timeout_s: float) -> Verdict:
    """Stream ``path`` to clamd and return its verdict within ``timeout_s`` (else :class:`ScannerUnavailable`)."""
    try:
        async with asyncio.timeout(timeout_s):
            reply = await _instream(address, path)
    except TimeoutError as exc:
        raise ScannerUnavailable(f"clamd gave no verdict within {timeout_s:g} s") from exc
    except (OSError, EOFError, asyncio.LimitOverrunError) as exc:
        raise ScannerUnavailable(f"clamd is unreachable: {exc}") from exc
    return parse_reply(reply)


async def _open(address: ClamdAddress) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    if address.unix_path is not None:
        return await asyncio.open_unix_connection(address.unix_path, limit=_REPLY_LIMIT)
    return await asyncio.open_connection(address.host, address.port, limit=_REPLY_LIMIT)


async def _instream(address: ClamdAddress, path: Path) -> bytes:
    reader, writer = await _open(address)
    try:
        writer.write(b"zINSTREAM\0")
        # clamd stops reading when it refuses the stream (e.g. over its StreamMaxLength): then read why
        with contextlib.suppress(ConnectionError):
            await _send_file(writer, path)
        return await reader.readuntil(b"\0")
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def _send_file(writer: asyncio.StreamWriter, path: Path) -> None:
    fh: BinaryIO = await asyncio.to_thread(path.open, "rb")
    try:
        while chunk := await asyncio.to_thread(fh.read, CHUNK_BYTES):
            writer.write(struct.pack(">I", len(chunk)))
            writer.write(chunk)
            await writer.drain()
    finally:
        fh.close()
    writer.write(_END_OF_STREAM)
    await writer.drain()
