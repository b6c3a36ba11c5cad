"""Middlewares: JSON errors at the edge, request metrics, CORS for one configured origin, security headers."""

from __future__ import annotations

import logging
import time

import redis.exceptions
import sqlalchemy.exc
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from server.errors import ApiError
from server.metrics import HttpMetrics

log = logging.getLogger(__name__)


def error_body(code: str, message: str, details: object = None) -> dict[str, object]:
    error: dict[str, object] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


UNAVAILABLE_RETRY_AFTER_S = 2
_UNAVAILABLE = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
)


def dependency_down(exc: BaseException) -> bool:
    """Whether ``exc`` means the database or Redis cannot be reached now (connection refused or lost, a server
    shutting down or starting up), which a retry after the dependency is back fixes: a 503, not a 500."""
    if isinstance(exc, _UNAVAILABLE):
        return True
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        names = ("CannotConnectNowError", "ConnectionDoesNotExistError", "AdminShutdownError")
        return exc.connection_invalidated or type(exc.orig).__name__ in names or isinstance(exc.orig, ConnectionError)
    return False


def _http_code(exc: web.HTTPException) -> str:
    return exc.reason.lower().replace(" ", "_").replace("-", "_")


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn typed errors and aiohttp HTTP errors into ``{"error": {"code", "message"}}``; never leak traces."""
    try:
        return await handler(request)
    except ApiError as exc:
        return web.json_response(error_body(exc.code, exc.message, exc.details), status=exc.status, headers=exc.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = exc.text if exc.text and not exc.text.startswith(str(exc.status)) else exc.reason
        response = web.json_response(error_body(_http_code(exc), message), status=exc.status)
        for header in ("Allow", "WWW-Authenticate"):
            if header in exc.headers:
                response.headers[header] = exc.headers[header]
        return response
    except Exception as exc:
        if dependency_down(exc):
            log.warning("%s %s: a dependency is unavailable: %s", request.method, request.path, exc)
            body = error_body("service_unavailable", "a backing service (database or Redis) is unavailable; retry")
            headers = {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)}
            return web.json_response(body, status=503, headers=headers)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return web.json_response(error_body("internal_error", "internal server error"), status=500)


def metrics_middleware(metrics: HttpMetrics) -> Middleware:
    """Count requests by route and status and time them."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            route = _route_label(request)
            metrics.requests.labels(request.method, route, str(status)).inc()
            metrics.latency.labels(request.method, route).observe(time.perf_counter() - started)

    return middleware


def _route_label(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


_TUS_REQUEST_HEADERS = ("Tus-Resumable", "Upload-Length", "Upload-Offset", "Upload-Metadata")
_TUS_RESPONSE_HEADERS = (
    "Tus-Resumable",
    "Tus-Version",
    "Tus-Max-Size",
    "Tus-Extension",
    "Upload-Offset",
    "Upload-Length",
    "Upload-Metadata",
    "Upload-Expires",
    "Podium-Session-Id",
)


def cors_middleware(origin: str) -> Middleware:
    """CORS for ``/api/`` from ``origin`` only (bearer tokens, no cookies): answers its preflights, exposes
    ``Location`` and tus headers. Requests from other origins get no CORS headers, so browsers keep them out."""
    headers = {
        "Access-Control-Allow-Origin": origin,
        "Vary": "Origin",
        "Access-Control-Expose-Headers": ", ".join(("Location", *_TUS_RESPONSE_HEADERS)),
    }
    preflight = {
        **headers,
        "Access-Control-Allow-Methods": "GET, HEAD, POST, PATCH, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": ", ".join(("Authorization", "Content-Type", *_TUS_REQUEST_HEADERS)),
        "Access-Control-Max-Age": "600",
    }

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith("/api/") or request.headers.get("Origin") != origin:
            return await handler(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            return web.Response(status=204, headers=preflight)
        response = await handler(request)
        if not response.prepared:
            response.headers.update(headers)
        return response

    return middleware


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    )
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
}


HSTS = "max-age=31536000"
"""``Strict-Transport-Security`` over TLS only (browsers ignore it on plain HTTP, on IP addresses and on
certificates they had to be told to accept; no ``includeSubDomains``: other hosts of the domain are not ours)."""


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare`` hook: every response (errors, static files, streams) carries the security headers,
    and HSTS when it goes over TLS."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
