"""Server-Sent Events: observers receive the same feedback stream as the publisher's data channel.

At most ``PODIUM_SSE_MAX_SUBSCRIBERS`` streams per session and node (429 beyond); a session live on another
node is followed through the cluster bus (``server/cluster/bus.py``). A stream ends when the token that
opened it expires (an ``expired`` event, then the end of the stream), so a revoked or lapsed sign-in does not
keep watching.
"""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from media.fanout import Subscription
from server.api_docs import documented
from server.auth.guards import current_user, request_token, require_user
from server.auth.tokens import decode_token
from server.cluster.bus import BusUnavailable, TooManyStreams
from server.cluster.node import CLUSTER, live_elsewhere
from server.errors import ApiError, Conflict
from server.keys import SETTINGS, SIGNING_KEY
from server.live import LIVE
from server.sessions.access import load_session
from server.shares.watch import watches
from storage.models import PracticeSession

routes = web.RouteTableDef()

KEEPALIVE_S = 15.0
EXPIRED_EVENT = b'event: expired\ndata: {"reason": "token expired"}\n\n'
REVOKED_EVENT = b'event: revoked\ndata: {"reason": "share revoked"}\n\n'


def _token_expires_at(request: web.Request) -> float:
    return float(decode_token(request.app[SIGNING_KEY], request_token(request)).expires_at)


def _too_many(limit: int) -> ApiError:
    return ApiError(f"this session already has {limit} event streams open", status=429, code="too_many_streams")


async def _open_feed(request: web.Request, session: PracticeSession) -> Subscription:
    """The session's feedback: from its live session here, or relayed from the node holding it."""
    limit = request.app[SETTINGS].sse_max_subscribers
    live = request.app[LIVE].get(session.id)
    if live is not None:
        if live.hub.subscriber_count >= limit:
            raise _too_many(limit)
        return live.subscribe()
    if await live_elsewhere(request.app, session) is not None:
        try:
            remote = await request.app[CLUSTER].bus.subscribe(session.id, limit)
        except TooManyStreams as exc:
            raise _too_many(exc.limit) from exc
        except BusUnavailable as exc:
            raise ApiError("the node holding this session cannot be reached", status=503, code="unavailable") from exc
        if remote is not None:
            return remote
    raise Conflict(f"session is {session.state.value}, not live")


@routes.get("/api/v1/sessions/{session_id}/events")
@documented("Live feedback of a session as text/event-stream (ends when the token expires)")
@require_user()
async def events(request: web.Request) -> web.StreamResponse:
    grant = await load_session(request, current_user(request))
    session = grant.session
    expires_at = _token_expires_at(request)
    subscription = await _open_feed(request, session)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    try:
        await response.prepare(request)
    except BaseException:
        subscription.close()
        raise
    async with subscription:
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
