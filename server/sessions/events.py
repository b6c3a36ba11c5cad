"""Server-Sent Events: observers receive the same feedback stream as the publisher's data channel."""

from __future__ import annotations

import asyncio

from aiohttp import web

from server.api_docs import documented
from server.auth.guards import current_user, require_user
from server.errors import Conflict
from server.live import LIVE
from server.sessions.access import load_owned_session

routes = web.RouteTableDef()

KEEPALIVE_S = 15.0


@routes.get("/api/v1/sessions/{session_id}/events")
@documented("Live feedback of a session as text/event-stream")
@require_user()
async def events(request: web.Request) -> web.StreamResponse:
    session = await load_owned_session(request, current_user(request))
    live = request.app[LIVE].get(session.id)
    if live is None:
        raise Conflict(f"session is {session.state.value}, not live")
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    async with live.subscribe() as subscription:
        iterator = aiter(subscription)
        while True:
            try:
                message = await asyncio.wait_for(anext(iterator), KEEPALIVE_S)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            except StopAsyncIteration:
                break
            await response.write(f"data: {message}\n\n".encode())
    await response.write_eof()
    return response
