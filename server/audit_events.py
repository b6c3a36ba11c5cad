"""The audit trail's vocabulary and one call to append to it (``GET /api/v1/admin/audit`` reads it back).

Logged: sign-ins and failed sign-ins, shares given, changed and revoked, admins reading other people's sessions,
account exports, deletions (sessions, accounts, recordings past retention) and consent given or withdrawn.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.keys import DB
from storage.audit import AuditRepository

LOGIN = "auth.login"
LOGIN_FAILED = "auth.login_failed"
SHARE_CREATED = "share.created"
SHARE_CHANGED = "share.changed"
SHARE_REVOKED = "share.revoked"
ACCOUNT_EXPORTED = "account.exported"
ACCOUNT_DELETED = "account.deleted"
SESSION_DELETED = "session.deleted"
RECORDINGS_EXPIRED = "retention.recordings_deleted"


async def audit(
    app: web.Application,
    actor_id: str | None,
    action: str,
    target: str,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one event (its own transaction, committed before this returns)."""
    async with app[DB]() as db:
        await AuditRepository(db).record(actor_id, action, target, ip, details)


async def audit_request(
    request: web.Request, actor_id: str | None, action: str, target: str, details: dict[str, Any] | None = None
) -> None:
    """:func:`audit` with the request's client address."""
    await audit(request.app, actor_id, action, target, request.remote, details)
