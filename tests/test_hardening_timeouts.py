"""Slow clients cannot hold the server: stalled bodies (and the tus upload lock), slow headers, too many connections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.serving import ConnectionLimits, GuardedSite, start_guarded
from server.settings import Settings
from server.uploads.protocol import OFFSET_CONTENT_TYPE, TUS_VERSION
from tests.conftest import register_and_login
from tests.raw_http_support import open_raw, read_response, request_head, write_pieces


async def test_trickled_tus_patch_is_cut_off_and_releases_the_upload(aiohttp_client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"body_read_timeout_s": 0.3})))
    token = await register_and_login(client)
    auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": TUS_VERSION}
    location = (await client.post("/api/v1/uploads", headers={**auth, "Upload-Length": "1000"})).headers["Location"]
    patch = {**auth, "Content-Type": OFFSET_CONTENT_TYPE, "Upload-Offset": "0"}

    reader, writer = await open_raw(client.port)
    try:
        await write_pieces(writer, [request_head("PATCH", location, patch, 100), b"x" * 10])
        stalled = await read_response(reader, timeout_s=5.0)
    finally:
        writer.close()
    assert stalled.status == 408
    assert stalled.json()["error"]["code"] == "request_timeout"
    assert stalled.headers["tus-resumable"] == TUS_VERSION

    state = await client.head(location, headers=auth)
    assert state.headers["Upload-Offset"] == "10"
    resumed = await client.patch(location, data=b"y" * 90, headers={**patch, "Upload-Offset": "10"})
    assert resumed.status == 204, await resumed.text()
    assert resumed.headers["Upload-Offset"] == "100"


@pytest.fixture
async def guarded(settings: Settings) -> AsyncIterator[GuardedSite]:
    limits = ConnectionLimits(header_timeout_s=0.3, max_connections=2)
    runner, site = await start_guarded(create_app(settings), "127.0.0.1", 0, limits, 1.0, handle_signals=False)
    try:
        yield site
    finally:
        await runner.cleanup()


async def _get(port: int, path: str) -> int:
    reader, writer = await open_raw(port)
    try:
        writer.write(request_head("GET", path, {}, None))
        return (await read_response(reader)).status
    finally:
        writer.close()


async def _closed(site: GuardedSite, open_connections: int) -> None:
    await asyncio.wait_for(site.counter.wait_until(lambda n: n <= open_connections), 5)


async def test_guarded_server_serves_requests(guarded: GuardedSite) -> None:
    assert await _get(guarded.port, "/healthz") == 200
    assert await _get(guarded.port, "/healthz") == 200


async def test_connection_without_complete_headers_is_closed(guarded: GuardedSite) -> None:
    reader, writer = await open_raw(guarded.port)
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        response = await read_response(reader, timeout_s=5.0)
        assert response.status == 408
        assert await asyncio.wait_for(reader.read(), 5) == b""
    finally:
        writer.close()
    await _closed(guarded, 0)


async def test_connections_beyond_the_cap_get_503(settings: Settings) -> None:
    limits = ConnectionLimits(header_timeout_s=30.0, max_connections=2)
    runner, site = await start_guarded(create_app(settings), "127.0.0.1", 0, limits, 1.0, handle_signals=False)
    held = [await open_raw(site.port) for _ in range(2)]
    try:
        await asyncio.wait_for(site.counter.wait_until(lambda n: n == 2), 5)
        reader, writer = await open_raw(site.port)
        busy = await read_response(reader)
        writer.close()
        assert busy.status == 503
        assert busy.json()["error"]["code"] == "too_many_connections"

        held.pop()[1].close()
        await _closed(site, 1)
        assert await _get(site.port, "/healthz") == 200
    finally:
        for _reader, writer in held:
            writer.close()
        await runner.cleanup()
