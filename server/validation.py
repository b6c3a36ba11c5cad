"""Request body parsing with pydantic, raising typed errors."""

from __future__ import annotations

import json
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from server.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType, ValidationFailed

M = TypeVar("M", bound=BaseModel)


async def read_json(request: web.Request, model: type[M], max_bytes: int) -> M:
    """Read, size-check, decode and validate a JSON body into ``model``."""
    if request.content_type != "application/json":
        raise UnsupportedMediaType(f"expected Content-Type application/json, got {request.content_type!r}")
    if request.content_length is not None and request.content_length > max_bytes:
        raise PayloadTooLarge(f"JSON body larger than {max_bytes} bytes")
    raw = await request.content.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"JSON body larger than {max_bytes} bytes")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"malformed JSON: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        raise ValidationFailed("request body is invalid", details=details) from exc
