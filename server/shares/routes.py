"""``/api/v1/shares``: a speaker shares one session, or all of them, with a coach (``view`` or ``comment``),
lists the shares given and received, changes and revokes them. Revoking ends the coach's live viewing."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from server import audit_events
from server.api_docs import documented
from server.auth.guards import current_user, require_user
from server.cluster.node import announce_revoked
from server.errors import Conflict, NotFound, ValidationFailed
from server.keys import DB, SETTINGS
from server.shares.schemas import CreateShare, ShareLists, ShareOut, UpdateShare, share_out
from server.shares.watch import end_revoked
from server.validation import read_json
from storage.models import Share, User
from storage.repositories import SessionRepository, UserRepository
from storage.shares import DuplicateShare, ShareRepository, ShareRow

routes = web.RouteTableDef()

ITEM = "/api/v1/shares/{share_id}"


async def _coach(request: web.Request, email: str, owner: User) -> User:
    async with request.app[DB]() as db:
        coach = await UserRepository(db).by_email(email)
    if coach is None:
        raise NotFound("no account with that email", code="no_such_user")
    if coach.id == owner.id:
        raise ValidationFailed("you cannot share with yourself")
    return coach


async def _check_session(request: web.Request, session_id: str | None, owner: User) -> None:
    if session_id is None:
        return
    async with request.app[DB]() as db:
        session = await SessionRepository(db).get(session_id)
    if session is None or session.owner_id != owner.id:
        raise NotFound("no such session")


async def _row(request: web.Request, share: Share) -> ShareRow:
    async with request.app[DB]() as db:
        users = UserRepository(db)
        owner, coach = await users.by_id(share.owner_id), await users.by_id(share.coach_id)
    assert owner is not None and coach is not None
    return ShareRow(share, owner.email, coach.email)


@routes.post("/api/v1/shares")
@documented(
    "Share one of my sessions (session_id) or all of them (no session_id) with a coach by email",
    request=CreateShare,
    response=ShareOut,
    status=201,
)
@require_user()
async def create_share(request: web.Request) -> web.Response:
    body = await read_json(request, CreateShare, request.app[SETTINGS].max_json_bytes)
    owner = current_user(request)
    coach = await _coach(request, body.coach_email, owner)
    await _check_session(request, body.session_id, owner)
    async with request.app[DB]() as db:
        try:
            share = await ShareRepository(db).create(owner.id, coach.id, body.session_id, body.permission)
        except DuplicateShare as exc:
            raise Conflict("already shared with this coach: change the permission", code="share_exists") from exc
    details = {"coach_id": coach.id, "session_id": body.session_id, "permission": body.permission.value}
    await audit_events.audit_request(request, owner.id, audit_events.SHARE_CREATED, share.id, details)
    row = ShareRow(share, owner.email, coach.email)
    return web.json_response(share_out(row).model_dump(mode="json"), status=201)


@routes.get("/api/v1/shares")
@documented("The shares I gave and the shares given to me", response=ShareLists)
@require_user()
async def list_shares(request: web.Request) -> web.Response:
    user = current_user(request)
    async with request.app[DB]() as db:
        repo = ShareRepository(db)
        given, received = await repo.given_by(user.id), await repo.given_to(user.id)
    body = ShareLists(given=[share_out(r) for r in given], received=[share_out(r) for r in received])
    return web.json_response(body.model_dump(mode="json"))


async def _share_in(db: AsyncSession, request: web.Request, *, coach_may: bool) -> Share:
    """The share in the path if the user gave it (or, with ``coach_may``, received it); 404 otherwise."""
    user = current_user(request)
    share = await ShareRepository(db).get(request.match_info["share_id"])
    if share is None or (share.owner_id != user.id and not (coach_may and share.coach_id == user.id)):
        raise NotFound("no such share")
    return share


@routes.patch(ITEM)
@documented("Change a share's permission (view or comment)", request=UpdateShare, response=ShareOut)
@require_user()
async def update_share(request: web.Request) -> web.Response:
    body = await read_json(request, UpdateShare, request.app[SETTINGS].max_json_bytes)
    async with request.app[DB]() as db:
        share = await _share_in(db, request, coach_may=False)
        share = await ShareRepository(db).set_permission(share, body.permission)
    details = {"permission": body.permission.value}
    await audit_events.audit_request(request, current_user(request).id, audit_events.SHARE_CHANGED, share.id, details)
    return web.json_response(share_out(await _row(request, share)).model_dump(mode="json"))


@routes.delete(ITEM)
@documented(
    "Revoke a share (its owner) or give it up (its coach); the coach's live viewing it granted ends at once",
    status=204,
)
@require_user()
async def delete_share(request: web.Request) -> web.Response:
    async with request.app[DB]() as db:
        share = await _share_in(db, request, coach_may=True)
        await ShareRepository(db).delete(share)
    details = {"owner_id": share.owner_id, "coach_id": share.coach_id, "session_id": share.session_id}
    await audit_events.audit_request(request, current_user(request).id, audit_events.SHARE_REVOKED, share.id, details)
    await end_revoked(request.app, share)
    await announce_revoked(request.app, share)
    return web.Response(status=204)
