"""``podium serve``: the aiohttp runner behind a connection guard (header read timeout, connection cap).

aiohttp has neither, so every accepted connection goes through :class:`GuardedProtocol`, which hands the bytes to
aiohttp's own protocol and closes connections that do not finish their request headers in time. Beyond the cap a
new connection is answered ``503`` and closed before aiohttp sees it. (Body read timeouts are per request, see
:func:`server.validation.read_chunk`.)

With an :class:`ssl.SSLContext` the site serves HTTPS: asyncio's TLS layer sits between the socket and the guard,
the handshake must finish within the header timeout, and a connection counts once its handshake is done (a
failed handshake never reaches the guard, so it cannot leave a count behind).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.web_runner import GracefulExit

log = logging.getLogger(__name__)

HEADERS_END = b"\r\n\r\n"
KEEPALIVE_TIMEOUT_S = 75.0
"""An idle keep-alive connection is closed after this long (aiohttp's ``web.run_app`` default)."""


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout_s: float
    max_connections: int


def _plain_response(status: str, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


BUSY = _plain_response("503 Service Unavailable", "too_many_connections", "server busy: too many open connections")
HEADER_TIMEOUT = _plain_response("408 Request Timeout", "request_timeout", "request headers not received in time")


class ConnectionCounter:
    """Open connections of one server (every guarded protocol counts itself in and out)."""

    def __init__(self) -> None:
        self.open = 0
        self._changed = asyncio.Event()

    def add(self, delta: int) -> None:
        self.open += delta
        self._changed.set()

    async def wait_until(self, predicate: Callable[[int], bool]) -> None:
        """Return once ``predicate(open)`` holds (for tests and graceful shutdown)."""
        while not predicate(self.open):
            self._changed.clear()
            await self._changed.wait()


class GuardedProtocol(asyncio.Protocol):
    """Passes everything to aiohttp's protocol; closes the connection if no request headers end in time."""

    def __init__(
        self, inner: asyncio.Protocol, limits: ConnectionLimits, counter: ConnectionCounter, tls: bool = False
    ) -> None:
        self._inner = inner
        self._limits = limits
        self._counter = counter
        self._count_when_made = tls
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._tail = b""
        if not tls:
            counter.add(1)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        if self._count_when_made:  # TLS: called after the handshake; connection_lost follows only then
            self._counter.add(1)
        self._transport = transport
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self._limits.header_timeout_s, self._headers_too_slow)
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._timer is not None:
            seen = self._tail + data
            if HEADERS_END in seen:
                self._timer.cancel()
                self._timer = None
            self._tail = seen[-(len(HEADERS_END) - 1) :]
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._counter.add(-1)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()

    def _headers_too_slow(self) -> None:
        self._timer = None
        if self._transport is not None and not self._transport.is_closing():
            log.info("closing a connection that sent no request headers in %.1f s", self._limits.header_timeout_s)
            self._transport.write(HEADER_TIMEOUT)
            self._transport.close()


class BusyProtocol(asyncio.Protocol):
    """Answers 503 and closes: the connection cap is reached."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.write(BUSY)
        transport.close()


def guarded_factory(
    inner: Callable[[], asyncio.Protocol], limits: ConnectionLimits, counter: ConnectionCounter, tls: bool = False
) -> Callable[[], asyncio.Protocol]:
    def factory() -> asyncio.Protocol:
        if counter.open >= limits.max_connections:
            return BusyProtocol()
        return GuardedProtocol(inner(), limits, counter, tls)

    return factory


class GuardedSite(web.TCPSite):
    """A TCP site whose connections go through the guard (HTTPS when given an SSL context)."""

    def __init__(
        self,
        runner: web.BaseRunner,
        host: str,
        port: int,
        limits: ConnectionLimits,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(runner, host, port, ssl_context=ssl_context)
        self.limits = limits
        self.counter = ConnectionCounter()

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        tls = self._ssl_context is not None
        factory = guarded_factory(server, self.limits, self.counter, tls)
        self._server = await asyncio.get_running_loop().create_server(
            factory,
            self._host,
            self._port,
            ssl=self._ssl_context,
            ssl_handshake_timeout=self.limits.header_timeout_s if tls else None,
        )
        self._bound_port = self._server.sockets[0].getsockname()[1] if self._server.sockets else self._port


async def start_guarded(
    app: web.Application,
    host: str,
    port: int,
    limits: ConnectionLimits,
    shutdown_timeout_s: float,
    handle_signals: bool = True,
    ssl_context: ssl.SSLContext | None = None,
) -> tuple[web.AppRunner, GuardedSite]:
    """Set up ``app`` and listen on ``host:port`` behind the guard; the caller cleans up the runner."""
    runner = web.AppRunner(
        app, handle_signals=handle_signals, shutdown_timeout=shutdown_timeout_s, keepalive_timeout=KEEPALIVE_TIMEOUT_S
    )
    await runner.setup()
    site = GuardedSite(runner, host, port, limits, ssl_context)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, site


async def serve_forever(
    app: web.Application,
    host: str,
    port: int,
    limits: ConnectionLimits,
    shutdown_timeout_s: float,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM, then shut down gracefully (like ``web.run_app``)."""
    runner, site = await start_guarded(app, host, port, limits, shutdown_timeout_s, ssl_context=ssl_context)
    log.info("serving on %s", site.name)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def run(
    app: web.Application,
    host: str,
    port: int,
    limits: ConnectionLimits,
    shutdown_timeout_s: float,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Block serving ``app`` until a stop signal (HTTPS when ``ssl_context`` is given)."""
    with contextlib.suppress(GracefulExit, KeyboardInterrupt):
        asyncio.run(serve_forever(app, host, port, limits, shutdown_timeout_s, ssl_context))
