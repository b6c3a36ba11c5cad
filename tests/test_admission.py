"""API requests take turns (``server/admission.py``): a bounded number run at once, the rest wait first come first
served, and a request that gets no turn in time is a 503 ``server_busy``; live control and streams never wait."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestClient

from server.admission import Admission, admission_middleware, queued
from server.middleware import error_middleware


def test_live_control_and_streams_never_wait_for_a_turn() -> None:
    for method, route in [
        ("POST", "/api/v1/sessions/{session_id}/whip"),
        ("DELETE", "/api/v1/sessions/{session_id}/whip/publisher"),
        ("POST", "/api/v1/sessions/{session_id}/whep"),
        ("DELETE", "/api/v1/sessions/{session_id}/whep/{viewer_id}"),
        ("GET", "/api/v1/sessions/{session_id}/events"),
        ("GET", "/api/v1/sessions/{session_id}/recording"),
        ("GET", "/api/v1/me/export"),
        ("PATCH", "/api/v1/uploads/{upload_id}"),
        ("HEAD", "/api/v1/uploads/{upload_id}"),
        ("GET", "/assets/{name}"),
        ("GET", "/healthz"),
    ]:
        assert not queued(method, route), (method, route)
    for method, route in [
        ("GET", "/api/v1/sessions"),
        ("GET", "/api/v1/sessions/{session_id}/report"),
        ("POST", "/api/v1/uploads"),
        ("DELETE", "/api/v1/uploads/{upload_id}"),
        ("GET", "/api/v1/progress"),
        ("POST", "/api/v1/auth/token"),
    ]:
        assert queued(method, route), (method, route)


STARTED = web.AppKey("started", list[int])


def _app(admission: Admission, release: asyncio.Event) -> web.Application:
    started: list[int] = []

    async def slow(request: web.Request) -> web.Response:
        started.append(int(request.match_info["n"]))
        await release.wait()
        return web.json_response({"n": request.match_info["n"]})

    async def events(request: web.Request) -> web.Response:
        return web.Response(text="stream")

    app = web.Application(middlewares=[error_middleware, admission_middleware(admission)])
    app.router.add_get("/api/v1/slow/{n}", slow)
    app.router.add_get("/api/v1/sessions/{session_id}/events", events)
    app[STARTED] = started
    return app


async def _until(check: object) -> None:
    async with asyncio.timeout(5):
        while not check():  # type: ignore[operator]  # noqa: ASYNC110 (a counter, not an event, is awaited)
            await asyncio.sleep(0)


async def test_requests_beyond_the_limit_wait_for_a_turn(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    release = asyncio.Event()
    admission = Admission(limit=2, queue_max=10, wait_s=30)
    app = _app(admission, release)
    client: TestClient = await aiohttp_client(app)
    calls = [asyncio.create_task(client.get(f"/api/v1/slow/{n}")) for n in range(5)]
    await _until(lambda: len(app[STARTED]) == 2 and admission.waiting == 3)
    stream = await client.get("/api/v1/sessions/s1/events")
    assert stream.status == 200, "a stream does not wait behind the queued reads"
    release.set()
    responses = await asyncio.gather(*calls)
    assert [r.status for r in responses] == [200] * 5
    started: list[int] = app[STARTED]
    assert sorted(started) == [0, 1, 2, 3, 4]
    assert admission.waiting == 0


async def test_no_turn_in_time_or_a_full_queue_is_a_503_server_busy(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    release = asyncio.Event()
    admission = Admission(limit=1, queue_max=1, wait_s=0.2)
    app = _app(admission, release)
    client: TestClient = await aiohttp_client(app)
    holder = asyncio.create_task(client.get("/api/v1/slow/0"))
    await _until(lambda: app[STARTED] == [0])
    waiter = asyncio.create_task(client.get("/api/v1/slow/1"))
    await _until(lambda: admission.waiting == 1)
    full = await client.get("/api/v1/slow/2")
    assert full.status == 503 and full.headers["Retry-After"] == "2"
    assert (await full.json())["error"]["code"] == "server_busy"
    late = await waiter
    assert late.status == 503 and "no turn within 0.2 s" in (await late.json())["error"]["message"]
    release.set()
    assert (await holder).status == 200
    again = await client.get("/api/v1/slow/3")
    assert again.status == 200, "the turns that timed out were not lost"
