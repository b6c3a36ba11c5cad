"""``/api/v1/sessions``: create, list and read practice sessions."""

from __future__ import annotations

from aiohttp import web

from server import audit_events
from server.api_docs import documented
from server.auth.guards import current_user, require_user
from server.errors import Conflict
from server.keys import BLOBS, DB, SETTINGS
from server.reports.filters import session_filters
from server.sessions.access import Need, load_owned_session, load_session
from server.sessions.schemas import CreateSession, SessionList, SessionOut, UpdateSession, session_out
from server.validation import int_query, read_json
from storage.deletion import delete_session_rows
from storage.models import SessionSource, SessionState
from storage.notes import set_live_notes
from storage.reports import media_durations, overall_scores
from storage.repositories import SessionRepository, UserRepository
from storage.shares import list_readable_sessions

routes = web.RouteTableDef()


@routes.post("/api/v1/sessions")
@documented("Create a live practice session", request=CreateSession, response=SessionOut, status=201)
@require_user()
async def create_session(request: web.Request) -> web.Response:
    body = await read_json(request, CreateSession, request.app[SETTINGS].max_json_bytes)
    async with request.app[DB]() as db:
        session = await SessionRepository(db).create(current_user(request).id, body.title, SessionSource.LIVE)
    body_out = session_out(session, owner_email=current_user(request).email)
    return web.json_response(body_out.model_dump(mode="json"), status=201)


def _int_query(request: web.Request, name: str, default: int, maximum: int) -> int:
    return int_query(request, name, default, 0, maximum)


@routes.get("/api/v1/sessions")
@documented(
    "List the signed-in user's sessions, newest first; filters: ?state=analyzed,failed&from=2026-01-01&to=2026-02-01",
    response=SessionList,
)
@require_user()
async def list_sessions(request: web.Request) -> web.Response:
    limit = _int_query(request, "limit", 50, 200)
    offset = _int_query(request, "offset", 0, 10**9)
    async with request.app[DB]() as db:
        rows = await list_readable_sessions(db, current_user(request).id, limit, offset, **session_filters(request))
        ids = [r.session.id for r in rows]
        scores = await overall_scores(db, ids)
        durations = await media_durations(db, ids)
    items = [
        session_out(
            r.session,
            scores.get(r.session.id),
            access=r.access,
            owner_email=r.owner_email,
            duration_s=durations.get(r.session.id),
        )
        for r in rows
    ]
    body = SessionList(items=items, limit=limit, offset=offset)
    return web.json_response(body.model_dump(mode="json"))


@routes.get("/api/v1/sessions/{session_id}")
@documented("One session", response=SessionOut)
@require_user()
async def get_session(request: web.Request) -> web.Response:
    grant = await load_session(request, current_user(request), Need.VIEW)
    async with request.app[DB]() as db:
        owner = await UserRepository(db).by_id(grant.session.owner_id)
        scores = await overall_scores(db, [grant.session.id])
        durations = await media_durations(db, [grant.session.id])
    out = session_out(
        grant.session,
        scores.get(grant.session.id),
        access=grant.access,
        owner_email=owner.email if owner is not None else None,
        duration_s=durations.get(grant.session.id),
    )
    return web.json_response(out.model_dump(mode="json"))


@routes.patch("/api/v1/sessions/{session_id}")
@documented("Change my session's settings: live_notes", request=UpdateSession, response=SessionOut)
@require_user()
async def update_session(request: web.Request) -> web.Response:
    user = current_user(request)
    body = await read_json(request, UpdateSession, request.app[SETTINGS].max_json_bytes)
    session = await load_owned_session(request, user)
    if body.live_notes is not None:
        async with request.app[DB]() as db:
            session = await set_live_notes(db, session.id, body.live_notes) or session
    return web.json_response(session_out(session, owner_email=user.email).model_dump(mode="json"))


@routes.delete("/api/v1/sessions/{session_id}")
@documented(
    "Delete a session with its recordings, report, analysis and notes; nothing of it is left in storage "
    "(409 while it is live: end it first)",
    status=204,
)
@require_user()
async def delete_session(request: web.Request) -> web.Response:
    user = current_user(request)
    session = await load_owned_session(request, user)
    if session.state is SessionState.LIVE:
        raise Conflict("this session is live: end it before deleting it", code="session_live")
    async with request.app[DB]() as db:
        blob_keys = await delete_session_rows(db, session.id)
    for key in blob_keys:
        await request.app[BLOBS].delete(key)
    details = {"owner_id": session.owner_id, "recordings": len(blob_keys)}
    await audit_events.audit_request(request, user.id, audit_events.SESSION_DELETED, session.id, details)
    return web.Response(status=204)
