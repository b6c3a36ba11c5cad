"""Request body parsing with pydantic, raising typed errors."""

from __future__ import annotations

import json
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from server.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType, ValidationFailed

M = TypeVar("M", bound=BaseModel)


async def read_body(request: web.Request, content_type: str, max_bytes: int) -> bytes:
    """Check the content type and read at most ``max_bytes`` of body, or raise 415/413."""
    if request.content_type != content_type:
        raise UnsupportedMediaType(f"expected Content-Type {content_type}, got {request.content_type!r}")
    if request.content_length is not None and request.content_length > max_bytes:
        raise PayloadTooLarge(f"body larger than {max_bytes} bytes")
    raw = await request.content.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"body larger than {max_bytes} bytes")
    return raw


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
