"""Consent to being recorded: asked at sign-up or later, stored with its moment, required before any recording.

``POST /api/v1/me/consent`` gives it, ``DELETE`` withdraws it; publishing (WHIP) and starting an upload without it
answer 403 ``consent_required``. Each change leaves an audit event.
"""

from __future__ import annotations

from aiohttp import web

from server.api_docs import documented
from server.auth.guards import current_user, require_user
from server.auth.schemas import UserOut
from server.errors import Forbidden, Unauthorized
from server.keys import DB
from storage.audit import AuditRepository
from storage.models import User
from storage.repositories import UserRepository

routes = web.RouteTableDef()

CONSENT_GIVEN = "consent.given"
CONSENT_WITHDRAWN = "consent.withdrawn"


class ConsentRequired(Forbidden):
    code = "consent_required"

    def __init__(self) -> None:
        super().__init__("consent to being recorded is required first: agree at sign-up or POST /api/v1/me/consent")


def require_consent(user: User) -> None:
    """Raise 403 ``consent_required`` unless ``user`` has agreed to being recorded."""
    if user.consent_at is None:
        raise ConsentRequired()


async def _set(request: web.Request, given: bool) -> web.Response:
    user = current_user(request)
    async with request.app[DB]() as db:
        updated = await UserRepository(db).set_consent(user.id, given)
        if updated is None:
            raise Unauthorized("token refers to an unknown user")
        action = CONSENT_GIVEN if given else CONSENT_WITHDRAWN
        await AuditRepository(db).record(user.id, action, user.id, request.remote)
    body = UserOut.model_validate(updated, from_attributes=True).model_dump(mode="json")
    return web.json_response(body)


@routes.post("/api/v1/me/consent")
@documented("Agree to having my practice sessions recorded and analysed (required before recording)", response=UserOut)
@require_user()
async def give_consent(request: web.Request) -> web.Response:
    return await _set(request, True)


@routes.delete("/api/v1/me/consent")
@documented("Withdraw my consent: new recordings and uploads are refused (existing ones stay)", response=UserOut)
@require_user()
async def withdraw_consent(request: web.Request) -> web.Response:
    return await _set(request, False)
