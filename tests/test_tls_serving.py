"""``podium serve`` over HTTPS: the guarded site with a real TLS context on loopback, verified by a real client."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from server.app import create_app
from server.serving import ConnectionLimits, GuardedSite, start_guarded
from server.settings import Settings
from server.tls_setup import ensure_self_signed, server_context
from tests.raw_http_support import read_response, request_head


@dataclass(frozen=True)
class TlsServer:
    site: GuardedSite
    client_context: ssl.SSLContext

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.site.port}"


@pytest.fixture
async def tls_server(settings: Settings, tmp_path: Path) -> AsyncIterator[TlsServer]:
    files = ensure_self_signed(tmp_path / "tls", ["localhost", "127.0.0.1"], datetime.now(UTC))
    limits = ConnectionLimits(header_timeout_s=0.5, max_connections=2)
    runner, site = await start_guarded(
        create_app(settings),
        "127.0.0.1",
        0,
        limits,
        1.0,
        handle_signals=False,
        ssl_context=server_context(files.cert, files.key),
    )
    try:
        yield TlsServer(site, ssl.create_default_context(cafile=files.cert))
    finally:
        await runner.cleanup()


async def test_https_serves_with_hsts_and_a_secure_cookie(tls_server: TlsServer) -> None:
    async with aiohttp.ClientSession() as http:
        health = await http.get(f"{tls_server.url}/healthz", ssl=tls_server.client_context)
        assert health.status == 200
        assert health.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert tls_server.site.name.startswith("https://")
        account = {"email": "tls@example.com", "password": "correct horse battery", "consent": True}
        origin = {"Origin": tls_server.url}
        registered = await http.post(
            f"{tls_server.url}/api/v1/auth/register", json=account, ssl=tls_server.client_context, headers=origin
        )
        assert registered.status in (200, 201), await registered.text()
        login = await http.post(
            f"{tls_server.url}/api/v1/auth/session", json=account, ssl=tls_server.client_context, headers=origin
        )
        assert login.status == 200, await login.text()
        cookie = login.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie


async def test_plain_http_has_no_hsts(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.get("/healthz")
    assert response.status == 200
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
async def test_tls_1_1_is_refused_and_1_2_accepted(tls_server: TlsServer, tmp_path: Path) -> None:
    files = ensure_self_signed(tmp_path / "tls", ["localhost", "127.0.0.1"], datetime.now(UTC))
    assert server_context(files.cert, files.key).minimum_version == ssl.TLSVersion.TLSv1_2
    old = ssl.create_default_context(cafile=files.cert)
    old.set_ciphers("DEFAULT:@SECLEVEL=0")  # let this client offer TLS 1.1 at all
    old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        await asyncio.open_connection("127.0.0.1", tls_server.site.port, ssl=old)

    only_12 = tls_server.client_context
    only_12.maximum_version = ssl.TLSVersion.TLSv1_2
    reader, writer = await asyncio.open_connection("127.0.0.1", tls_server.site.port, ssl=only_12)
    try:
        assert writer.get_extra_info("ssl_object").version() == "TLSv1.2"
        writer.write(request_head("GET", "/healthz", {}, None))
        assert (await read_response(reader)).status == 200
    finally:
        writer.close()


async def _failed_handshake(port: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request_head("GET", "/healthz", {}, None))  # plain HTTP to the HTTPS port
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()


async def test_failed_and_stalled_handshakes_leave_no_connection_counted(tls_server: TlsServer) -> None:
    for _ in range(4):  # more than max_connections
        assert b"HTTP/1.1" not in await _failed_handshake(tls_server.site.port)
    reader, writer = await asyncio.open_connection("127.0.0.1", tls_server.site.port)  # says nothing at all
    try:
        assert await asyncio.wait_for(reader.read(), 10) == b""  # closed after the handshake timeout
    finally:
        writer.close()
    assert tls_server.site.counter.open == 0
    async with aiohttp.ClientSession() as http:
        assert (await http.get(f"{tls_server.url}/healthz", ssl=tls_server.client_context)).status == 200
