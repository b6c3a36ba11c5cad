"""Query filters of ``GET /api/v1/sessions``: ``state`` (comma-separated states), ``from`` and ``to``
(ISO 8601 dates or date-times, UTC when no offset is given; ``to`` is exclusive)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from server.errors import BadRequest
from storage.models import SessionState


def _when(request: web.Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise BadRequest(f"query parameter {name} must be an ISO 8601 date or date-time") from exc
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def session_filters(request: web.Request) -> dict[str, Any]:
    """Keyword arguments for :func:`storage.reports.list_sessions` from the request's query."""
    states: list[SessionState] = []
    for raw in filter(None, request.query.get("state", "").split(",")):
        try:
            states.append(SessionState(raw.strip()))
        except ValueError as exc:
            allowed = ", ".join(s.value for s in SessionState)
            raise BadRequest(f"unknown state {raw!r} (one of {allowed})") from exc
    return {"states": states, "created_from": _when(request, "from"), "created_to": _when(request, "to")}
