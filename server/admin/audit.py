"""``GET /api/v1/admin/audit``: the audit trail, newest first (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from server.api_docs import documented
from server.auth.guards import require_user
from server.errors import BadRequest
from server.keys import DB
from storage.audit import AuditRepository
from storage.models import AuditEvent, Role

routes = web.RouteTableDef()


class AuditEventOut(BaseModel):
    id: str
    actor_id: str | None
    action: str
    target: str
    ip: str | None
    created_at: datetime
    details: dict[str, Any]


class AuditList(BaseModel):
    items: list[AuditEventOut]
    limit: int
    offset: int


def _out(event: AuditEvent) -> AuditEventOut:
    return AuditEventOut(
        id=event.id,
        actor_id=event.actor_id,
        action=event.action,
        target=event.target,
        ip=event.ip,
        created_at=event.created_at,
        details=event.details or {},
    )


def _bounded(request: web.Request, name: str, default: int, maximum: int) -> int:
    raw = request.query.get(name, str(default))
    if not (raw.isascii() and raw.isdigit()) or int(raw) > maximum:
        raise BadRequest(f"query parameter {name} must be an integer between 0 and {maximum}")
    return int(raw)


@routes.get("/api/v1/admin/audit")
@documented("Audit events, newest first; filters: ?action=admin.session_access&actor_id=…", response=AuditList)
@require_user(Role.ADMIN)
async def list_audit(request: web.Request) -> web.Response:
    limit = max(1, _bounded(request, "limit", 100, 500))
    offset = _bounded(request, "offset", 0, 10**9)
    async with request.app[DB]() as db:
        events = await AuditRepository(db).recent(
            limit, offset, action=request.query.get("action"), actor_id=request.query.get("actor_id")
        )
    body = AuditList(items=[_out(e) for e in events], limit=limit, offset=offset)
    return web.json_response(body.model_dump(mode="json"))
