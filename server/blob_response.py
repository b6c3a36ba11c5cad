"""Serve a blob over HTTP with single range requests (200, 206, 416), streamed from any blob store.

The range rules follow aiohttp's ``FileResponse`` (RFC 9110): ``bytes=a-b``, ``bytes=a-`` and ``bytes=-n``;
a start at or past the end, or an unparsable or multi-part range, is 416 with ``Content-Range: bytes */size``.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from storage.blobs import BlobStore


@dataclass(frozen=True)
class ByteRange:
    """Bytes ``[start, end)`` of a representation of ``size`` bytes; ``partial`` when a Range asked for them."""

    start: int
    end: int
    size: int
    partial: bool


class RangeNotSatisfiable(Exception):
    """The Range header cannot be served for this size."""


def byte_range(request: web.BaseRequest, size: int) -> ByteRange:
    """The bytes to send for ``request``'s Range header (all of them when there is none)."""
    if "Range" not in request.headers:
        return ByteRange(0, size, size, partial=False)
    try:
        rng = request.http_range
    except ValueError as exc:
        raise RangeNotSatisfiable(str(exc)) from exc
    start, stop = rng.start, rng.stop
    if start is None:
        return ByteRange(0, size, size, partial=False)
    if start < 0 and stop is None:
        start = max(0, size + start)
        end = size
    else:
        end = min(stop if stop is not None else size, size)
    if start >= size:
        raise RangeNotSatisfiable(f"range starts at {start}, the blob has {size} bytes")
    return ByteRange(start, end, size, partial=True)


async def blob_response(
    request: web.Request, store: BlobStore, key: str, headers: dict[str, str]
) -> web.StreamResponse:
    """Stream blob ``key`` (or the requested range of it) to the client."""
    size = await store.size(key)
    try:
        rng = byte_range(request, size)
    except RangeNotSatisfiable:
        return web.Response(status=416, headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})
    response = web.StreamResponse(status=206 if rng.partial else 200, headers=headers)
    response.headers["Accept-Ranges"] = "bytes"
    if rng.partial:
        response.headers["Content-Range"] = f"bytes {rng.start}-{rng.end - 1}/{size}"
    response.content_length = rng.end - rng.start
    await response.prepare(request)
    if request.method != "HEAD":
        async for chunk in store.read_range(key, rng.start, rng.end):
            await response.write(chunk)
    await response.write_eof()
    return response
