"""The browser's sign-in cookie and the CSRF check that comes with it.

A ``<video>`` element and ``EventSource`` cannot send an ``Authorization`` header, so the web app signs in with an
HttpOnly, SameSite=Strict cookie carrying the same access token API clients send as a bearer token. Requests
authenticated by that cookie that change state (POST, PUT, PATCH, DELETE) must carry an ``Origin`` header naming
this server, which browsers add to such requests themselves: a page on another site cannot forge it.
"""

from __future__ import annotations

from aiohttp import web

from server.errors import Forbidden

COOKIE_NAME = "podium_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def set_session_cookie(response: web.StreamResponse, request: web.Request, token: str, ttl_s: int) -> None:
    """Put ``token`` in the sign-in cookie (Secure when the request came over TLS)."""
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=ttl_s,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=request.secure,
    )


def clear_session_cookie(response: web.StreamResponse, request: web.Request) -> None:
    response.del_cookie(COOKIE_NAME, path="/", secure=request.secure, httponly=True, samesite="Strict")


def cookie_token(request: web.Request) -> str | None:
    token = request.cookies.get(COOKIE_NAME)
    return token or None


def _own_origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


def check_origin(request: web.Request) -> None:
    """Refuse a cookie-authenticated state change that does not come from one of this server's own pages."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    if origin is None:
        raise Forbidden("cross-site request refused: missing Origin header", code="csrf_failed")
    if origin.rstrip("/") != _own_origin(request):
        raise Forbidden(f"cross-site request refused: origin {origin!r} is not this server", code="csrf_failed")
