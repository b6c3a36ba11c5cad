"""WHIP ingest (RFC 9725): ``POST`` an SDP offer to publish, ``DELETE`` the resource to stop; both answer 307 to
the node holding the session when it is live on another node."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from media.errors import MediaError
from server.api_docs import documented
from server.auth.consent import require_consent
from server.auth.guards import current_user, require_user
from server.cluster.node import CLUSTER, redirect_if_elsewhere
from server.errors import ApiError, Conflict, NotFound
from server.keys import DB, SETTINGS
from server.live import LIVE
from server.recovery import recordings_dir, write_marker
from server.sessions.access import load_owned_session
from server.sessions.publish_slots import PUBLISH_SLOTS
from server.validation import read_body
from storage.models import PracticeSession, SessionState
from storage.repositories import SessionRepository

routes = web.RouteTableDef()

SDP = "application/sdp"


@contextmanager
def media_errors() -> Iterator[None]:
    """Re-raise the media plane's typed errors as API errors with their status and code."""
    try:
        yield
    except MediaError as exc:
        raise ApiError(exc.message, status=exc.http_status, code=exc.code) from exc


def resource_url(session_id: str) -> str:
    return f"/api/v1/sessions/{session_id}/whip/publisher"


def ensure_publishable(session: PracticeSession | None) -> None:
    """Only a ``created`` session may be published: 409 for one that is live, ended or analysed."""
    if session is None:
        raise NotFound("no such session")
    if session.state is not SessionState.CREATED:
        raise Conflict(f"session is {session.state.value}; create a new session to publish again")


async def _current_state(request: web.Request, session_id: str) -> PracticeSession | None:
    async with request.app[DB]() as db:
        return await SessionRepository(db).get(session_id)


async def _live_on_other_nodes(request: web.Request, user_id: str, session_id: str) -> int:
    """How many of the user's sessions other nodes of the cluster run now (0 on a single server)."""
    if not request.app[CLUSTER].shared:
        return 0
    async with request.app[DB]() as db:
        live = await SessionRepository(db).live_ids_of(user_id)
    slots, cluster = request.app[PUBLISH_SLOTS], request.app[CLUSTER]
    others = [sid for sid in live if sid != session_id and not slots.holds(sid)]
    return sum([await cluster.elsewhere(sid) is not None for sid in others])


@routes.post("/api/v1/sessions/{session_id}/whip")
@documented("Publish camera and microphone (WHIP offer → answer)", status=201, request_content_type=SDP)
@require_user()
async def publish(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    user = current_user(request)
    session = await load_owned_session(request, user)
    require_consent(user)
    await redirect_if_elsewhere(request, session)
    ensure_publishable(session)
    raw = await read_body(request, SDP, settings.max_sdp_bytes * 4)
    # The session may have been published and ended while the offer arrived: check again right before starting.
    ensure_publishable(await _current_state(request, session.id))
    slots = request.app[PUBLISH_SLOTS]
    slots.take(session.id, user.id, await _live_on_other_nodes(request, user.id, session.id))
    try:
        with media_errors():
            live = await request.app[LIVE].start(session.id, raw.decode("utf-8", errors="replace"))
    except BaseException:
        if request.app[LIVE].get(session.id) is None:
            slots.give_back(session.id)
        raise
    await asyncio.to_thread(write_marker, recordings_dir(settings.data_dir), session.id)
    await request.app[CLUSTER].adopt(live)
    async with request.app[DB]() as db:
        repo = SessionRepository(db)
        fresh = await repo.get(session.id)
        if fresh is not None and fresh.state is SessionState.CREATED:
            await repo.move(fresh, SessionState.LIVE)
    return web.Response(
        status=201,
        text=live.answer_sdp,
        content_type=SDP,
        headers={"Location": resource_url(session.id)},
    )


@routes.delete("/api/v1/sessions/{session_id}/whip/publisher")
@documented("Stop publishing and end the session")
@require_user()
async def unpublish(request: web.Request) -> web.Response:
    session = await load_owned_session(request, current_user(request))
    await redirect_if_elsewhere(request, session)
    if request.app[LIVE].get(session.id) is None:
        raise NotFound("session is not being published")
    with media_errors():
        await request.app[LIVE].close(session.id, "deleted")
    return web.Response(status=200)
