"""Request body and query parsing with pydantic, raising typed errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from server.bounded_int import NotABoundedInt, parse_bounded_int
from server.errors import BadRequest, PayloadTooLarge, RequestTimeout, UnsupportedMediaType, ValidationFailed
from server.keys import SETTINGS

M = TypeVar("M", bound=BaseModel)


def int_query(request: web.Request, name: str, default: int, minimum: int, maximum: int) -> int:
    """The query parameter ``name`` as an integer in ``[minimum, maximum]`` (``default`` when absent), else 400."""
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        return parse_bounded_int(raw, minimum, maximum)
    except NotABoundedInt as exc:
        raise BadRequest(f"query parameter {name} must be an integer between {minimum} and {maximum}") from exc


async def read_chunk(request: web.Request, max_bytes: int) -> bytes:
    """The next bytes of the body (at most ``max_bytes``; ``b""`` at its end), or 408 when none come in time."""
    timeout_s = request.app[SETTINGS].body_read_timeout_s
    try:
        async with asyncio.timeout(timeout_s):
            return await request.content.read(max_bytes)
    except TimeoutError as exc:
        # aiohttp closes the connection after the answer, the body being unfinished.
        raise RequestTimeout(f"request body stalled: no bytes for {timeout_s:g} s") from exc


async def body_chunks(request: web.Request, chunk_bytes: int) -> AsyncIterator[bytes]:
    """The body in chunks of at most ``chunk_bytes`` as they arrive; 408 when a chunk does not come in time."""
    while chunk := await read_chunk(request, chunk_bytes):
        yield chunk


async def read_body(request: web.Request, content_type: str, max_bytes: int) -> bytes:
    """Check the content type and read the whole body (until its end), at most ``max_bytes``, or raise 415/413/408.

    One ``read()`` returns only what has arrived so far, so a body split across TCP segments is read in a loop.
    """
    if request.content_type != content_type:
        raise UnsupportedMediaType(f"expected Content-Type {content_type}, got {request.content_type!r}")
    if request.content_length is not None and request.content_length > max_bytes:
        raise PayloadTooLarge(f"body larger than {max_bytes} bytes")
    raw = bytearray()
    async for chunk in body_chunks(request, max_bytes + 1):
        raw += chunk
        if len(raw) > max_bytes:
            raise PayloadTooLarge(f"body larger than {max_bytes} bytes")
    return bytes(raw)


async def read_json(request: web.Request, model: type[M], max_bytes: int) -> M:
    """Read, size-check, decode and validate a JSON body into ``model``."""
    raw = await read_body(request, "application/json", max_bytes)
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"malformed JSON: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        raise ValidationFailed("request body is invalid", details=details) from exc
