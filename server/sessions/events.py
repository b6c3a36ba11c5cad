"""Server-Sent Events: observers receive the same feedback stream as the publisher's data channel.

At most ``PODIUM_SSE_MAX_SUBSCRIBERS`` streams per session (429 beyond). A stream ends when the token that
opened it expires (an ``expired`` event, then the end of the stream), so a revoked or lapsed sign-in does not
keep watching.
"""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from server.api_docs import documented
from server.auth.guards import current_user, request_token, require_user
from server.auth.tokens import decode_token
from server.errors import ApiError, Conflict
from server.keys import SETTINGS, SIGNING_KEY
from server.live import LIVE
from server.sessions.access import load_session
from server.shares.watch import watches

routes = web.RouteTableDef()

KEEPALIVE_S = 15.0
EXPIRED_EVENT = b'event: expired\ndata: {"reason": "token expired"}\n\n'
REVOKED_EVENT = b'event: revoked\ndata: {"reason": "share revoked"}\n\n'


def _token_expires_at(request: web.Request) -> float:
    return float(decode_token(request.app[SIGNING_KEY], request_token(request)).expires_at)


@routes.get("/api/v1/sessions/{session_id}/events")
@documented("Live feedback of a session as text/event-stream (ends when the token expires)")
@require_user()
async def events(request: web.Request) -> web.StreamResponse:
    grant = await load_session(request, current_user(request))
    session = grant.session
    live = request.app[LIVE].get(session.id)
    if live is None:
        raise Conflict(f"session is {session.state.value}, not live")
    limit = request.app[SETTINGS].sse_max_subscribers
    if live.hub.subscriber_count >= limit:
        raise ApiError(f"this session already has {limit} event streams open", status=429, code="too_many_streams")
    expires_at = _token_expires_at(request)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    async with live.subscribe() as subscription:
        watch = watches(request.app).add(current_user(request).id, session, subscription.close)
        if grant.access not in ("view", "comment"):
            watches(request.app).remove(watch)  # nothing can revoke an owner's or an admin's access
        iterator = aiter(subscription)
        while (left_s := expires_at - time.time()) > 0:
            try:
                message = await asyncio.wait_for(anext(iterator), min(KEEPALIVE_S, left_s))
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            except StopAsyncIteration:
                break
            await response.write(f"data: {message}\n\n".encode())
        else:
            await response.write(EXPIRED_EVENT)
        watches(request.app).remove(watch)
        if watch.revoked:
            await response.write(REVOKED_EVENT)
    await response.write_eof()
    return response
