"""How many API requests run at once (``PODIUM_API_MAX_CONCURRENT``); the others wait their turn, first come first
served, for at most ``PODIUM_API_QUEUE_TIMEOUT_S``.

The live sessions' media (RTP, voice features, the feedback channel) runs on the same event loop as the API. With
hundreds of API requests in flight, each step of every one of them is queued on the loop ahead of the next audio
frame, and voice feedback came seconds late. Requests that wait here cost the loop nothing. Live control (WHIP,
WHEP) and long streams (event streams, upload bodies, recordings, exports) are never queued: the first must not wait
behind reads, the second would hold a turn for minutes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from server.errors import ApiError

BUSY_RETRY_AFTER_S = 2
_UNQUEUED_SUFFIXES = ("/whip", "/whip/publisher", "/whep", "/whep/{viewer_id}", "/events", "/recording", "/me/export")


def queued(method: str, route: str) -> bool:
    """Whether a request for ``route`` (the canonical path of its resource) waits for a turn."""
    if not route.startswith("/api/") or route.endswith(_UNQUEUED_SUFFIXES):
        return False
    return not (route.startswith("/api/v1/uploads/") and method in ("PATCH", "HEAD"))


class ServerBusy(ApiError):
    status = 503

    def __init__(self, message: str) -> None:
        super().__init__(message, code="server_busy", headers={"Retry-After": str(BUSY_RETRY_AFTER_S)})


@dataclass
class Admission:
    """Turns for API requests: ``limit`` at once, at most ``queue_max`` waiting, each for at most ``wait_s``."""

    limit: int
    queue_max: int
    wait_s: float
    waiting: int = 0
    _turns: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._turns = asyncio.Semaphore(self.limit)

    async def run(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.waiting >= self.queue_max:
            raise ServerBusy(f"{self.queue_max} requests are already waiting; retry")
        self.waiting += 1
        try:
            async with asyncio.timeout(self.wait_s):
                await self._turns.acquire()
        except TimeoutError:
            raise ServerBusy(f"the server is busy (no turn within {self.wait_s:g} s); retry") from None
        finally:
            self.waiting -= 1
        try:
            return await handler(request)
        finally:
            self._turns.release()


def admission_middleware(admission: Admission) -> Middleware:
    """Queue API requests for a turn (inside the error middleware, so a 503 is the usual JSON error)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else request.path
        if not queued(request.method, route):
            return await handler(request)
        return await admission.run(request, handler)

    return middleware
