"""Role checks as a decorator: ``@require_user()`` or ``@require_user(Role.ADMIN)``."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from aiohttp import web

from server.auth.cookies import check_origin, cookie_token
from server.auth.tokens import TokenError, decode_token
from server.errors import Forbidden, Unauthorized
from server.keys import DB, SIGNING_KEY
from storage.models import Role, User
from storage.repositories import UserRepository

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
USER_KEY = web.RequestKey("user", User)


def bearer_token(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("missing bearer token (Authorization: Bearer <token>)")
    return token.strip()


def request_token(request: web.Request) -> str:
    """The access token: the ``Authorization: Bearer`` header, else the web app's sign-in cookie (whose state
    changes must come from this server's own pages: see :func:`server.auth.cookies.check_origin`)."""
    if "Authorization" in request.headers:
        return bearer_token(request)
    token = cookie_token(request)
    if token is None:
        raise Unauthorized("not signed in (send Authorization: Bearer <token> or sign in)")
    check_origin(request)
    return token


async def authenticate(request: web.Request) -> User:
    """Resolve the request's bearer token or sign-in cookie to a user, or raise :class:`Unauthorized`."""
    try:
        claims = decode_token(request.app[SIGNING_KEY], request_token(request))
    except TokenError as exc:
        raise Unauthorized(str(exc)) from exc
    async with request.app[DB]() as db:
        user = await UserRepository(db).by_id(claims.user_id)
    if user is None:
        raise Unauthorized("token refers to an unknown user")
    return user


def require_user(*roles: Role) -> Callable[[Handler], Handler]:
    """Require a valid token, and one of ``roles`` when given (admins pass every role check)."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            user = await authenticate(request)
            if roles and user.role not in roles and user.role is not Role.ADMIN:
                raise Forbidden(f"requires role {' or '.join(r.value for r in roles)}")
            request[USER_KEY] = user
            return await handler(request)

        return guarded

    return wrap


def current_user(request: web.Request) -> User:
    """The user a guard attached to this request."""
    user: User = request[USER_KEY]
    return user
