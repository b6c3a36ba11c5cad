"""A raw HTTP/1.1 client over an asyncio socket: headers and body written in separate pieces, with pauses.

aiohttp's own client writes a request in one go; these helpers make the server see a body split across TCP
segments, a body that stalls, or a connection that never finishes its headers.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PAUSE_S = 0.05
"""Gap between pieces: long enough for the server to read what arrived before the next piece is sent."""


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request_head(method: str, path: str, headers: dict[str, str], body_length: int | None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body_length is not None:
        lines.append(f"Content-Length: {body_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def open_raw(port: int | None) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A TCP connection to ``127.0.0.1:port`` (a test server's port) with Nagle off, so each write is a segment."""
    assert port is not None, "the server is not listening"
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return reader, writer


async def write_pieces(writer: asyncio.StreamWriter, pieces: Sequence[bytes], pause_s: float = PAUSE_S) -> None:
    """Write each piece as its own segment, pausing between them."""
    for index, piece in enumerate(pieces):
        if index:
            await asyncio.sleep(pause_s)
        writer.write(piece)
        await writer.drain()


async def read_response(reader: asyncio.StreamReader, timeout_s: float = 10.0) -> RawResponse:
    """Read one response to the end of the connection (requests carry ``Connection: close``)."""
    async with asyncio.timeout(timeout_s):
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        length = headers.get("content-length")
        body = await reader.readexactly(int(length)) if length is not None else await reader.read()
    return RawResponse(int(status_line.split()[1]), headers, body)


def split(body: bytes, parts: int) -> list[bytes]:
    """``body`` cut into ``parts`` roughly equal pieces."""
    size = max(1, -(-len(body) // parts))
    return [body[i : i + size] for i in range(0, len(body), size)]


async def send_in_pieces(
    port: int | None, method: str, path: str, headers: dict[str, str], body: bytes, parts: int = 4
) -> RawResponse:
    """Send the headers, then ``body`` in ``parts`` pieces with pauses; return the response."""
    reader, writer = await open_raw(port)
    try:
        await write_pieces(writer, [request_head(method, path, headers, len(body)), *split(body, parts)])
        return await read_response(reader)
    finally:
        writer.close()
