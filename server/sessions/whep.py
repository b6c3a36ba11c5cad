"""WHEP viewing (draft-ietf-wish-whep): ``POST`` a viewer's SDP offer to watch a live session, ``DELETE`` the
resource to stop. The owner, coaches it is shared with and admins may watch; revoking the share ends it.
Both answer 307 to the node holding the session when it is live on another node."""

from __future__ import annotations

from aiohttp import web

from media.whep import WhepViewer
from server.api_docs import documented
from server.auth.guards import current_user, require_user
from server.cluster.node import redirect_if_elsewhere
from server.errors import Conflict, NotFound
from server.keys import SETTINGS
from server.live import LIVE
from server.sessions.access import Need, SessionAccess, load_session
from server.sessions.whip import SDP, media_errors
from server.shares.watch import watches
from server.validation import read_body
from storage.models import new_id

routes = web.RouteTableDef()


def resource_url(session_id: str, viewer_id: str) -> str:
    return f"/api/v1/sessions/{session_id}/whep/{viewer_id}"


def _end_with_revocation(app: web.Application, grant: SessionAccess, viewer: WhepViewer) -> None:
    """A coach's viewing ends when the share granting it is revoked (owners and admins are not watched)."""
    if grant.access not in ("view", "comment"):
        return
    watch = watches(app).add(viewer.user_id, grant.session, lambda: viewer.request_close("revoked"))
    viewer.on_close(lambda _viewer: watches(app).remove(watch))


@routes.post("/api/v1/sessions/{session_id}/whep")
@documented(
    "Watch a live session (WHEP offer → answer): its audio, video and feedback", status=201, request_content_type=SDP
)
@require_user()
async def watch(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    user = current_user(request)
    grant = await load_session(request, user, Need.VIEW)
    await redirect_if_elsewhere(request, grant.session)
    raw = await read_body(request, SDP, settings.max_sdp_bytes * 4)
    live = request.app[LIVE].get(grant.session.id)
    if live is None:
        raise Conflict(f"session is {grant.session.state.value}, not live", code="session_not_live")
    with media_errors():
        viewer = await live.viewers.start(
            new_id(), user.id, raw.decode("utf-8", errors="replace"), settings.whep_max_viewers
        )
    _end_with_revocation(request.app, grant, viewer)
    return web.Response(
        status=201,
        text=viewer.answer_sdp,
        content_type=SDP,
        headers={"Location": resource_url(grant.session.id, viewer.viewer_id)},
    )


@routes.delete("/api/v1/sessions/{session_id}/whep/{viewer_id}")
@documented("Stop watching")
@require_user()
async def unwatch(request: web.Request) -> web.Response:
    user = current_user(request)
    grant = await load_session(request, user, Need.VIEW)
    await redirect_if_elsewhere(request, grant.session)
    live = request.app[LIVE].get(grant.session.id)
    viewer = live.viewers.get(request.match_info["viewer_id"]) if live is not None else None
    if viewer is None or (viewer.user_id != user.id and not grant.is_owner):
        raise NotFound("no such viewer")
    await viewer.close("deleted")
    return web.Response(status=200)
