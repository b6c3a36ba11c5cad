"""``/api/v1/auth/*`` and ``/api/v1/me``."""

from __future__ import annotations

from aiohttp import web

from server import audit_events
from server.api_docs import documented
from server.auth.cookies import clear_session_cookie, set_session_cookie
from server.auth.guards import current_user, require_user
from server.auth.hashing_pool import hash_in_pool, verify_in_pool
from server.auth.login_limits import check_register, check_sign_in, record_failed_sign_in
from server.auth.schemas import Credentials, LoginRequest, TokenResponse, UserOut
from server.auth.tokens import issue_token
from server.errors import Conflict, Unauthorized
from server.keys import DB, SETTINGS, SIGNING_KEY
from server.validation import read_json
from storage.models import User
from storage.repositories import DuplicateEmail, UserRepository

routes = web.RouteTableDef()


def user_out(user: User) -> dict[str, object]:
    return UserOut.model_validate(user, from_attributes=True).model_dump(mode="json")


@routes.post("/api/v1/auth/register")
@documented("Create a speaker account", request=Credentials, response=UserOut, status=201, auth=False)
async def register(request: web.Request) -> web.Response:
    body = await read_json(request, Credentials, request.app[SETTINGS].max_json_bytes)
    await check_register(request)
    password_hash = await hash_in_pool(request.app, body.password)
    async with request.app[DB]() as db:
        try:
            user = await UserRepository(db).create(body.email, password_hash, consent=body.consent)
        except DuplicateEmail as exc:
            raise Conflict("an account with this email already exists") from exc
    return web.json_response(user_out(user), status=201)


async def sign_in(request: web.Request) -> tuple[User, str]:
    """Check the posted email and password; return the user and a fresh access token (401 otherwise)."""
    settings = request.app[SETTINGS]
    body = await read_json(request, LoginRequest, settings.max_json_bytes)
    await check_sign_in(request, body.email)
    async with request.app[DB]() as db:
        user = await UserRepository(db).by_email(body.email)
    valid = await verify_in_pool(request.app, user.password_hash if user is not None else None, body.password)
    if user is None or not valid:
        await record_failed_sign_in(request, body.email)
        await audit_events.audit_request(
            request, None, audit_events.LOGIN_FAILED, body.email.lower(), {"known_account": user is not None}
        )
        raise Unauthorized("wrong email or password")
    await audit_events.audit_request(request, user.id, audit_events.LOGIN, user.id, {"path": request.path})
    return user, issue_token(request.app[SIGNING_KEY], user.id, user.role.value, settings.token_ttl_s)


@routes.post("/api/v1/auth/token")
@documented("Exchange email and password for an access token", request=LoginRequest, response=TokenResponse, auth=False)
async def token(request: web.Request) -> web.Response:
    _user, access = await sign_in(request)
    ttl_s = request.app[SETTINGS].token_ttl_s
    return web.json_response(TokenResponse(access_token=access, expires_in=ttl_s).model_dump())


@routes.post("/api/v1/auth/session")
@documented(
    "Sign in from the web app: sets the HttpOnly sign-in cookie (SameSite=Strict) carrying an access token",
    request=LoginRequest,
    response=UserOut,
    auth=False,
)
async def open_browser_session(request: web.Request) -> web.Response:
    user, access = await sign_in(request)
    response = web.json_response(user_out(user))
    set_session_cookie(response, request, access, request.app[SETTINGS].token_ttl_s)
    return response


@routes.delete("/api/v1/auth/session")
@documented("Sign out of the web app: clears the sign-in cookie", status=204, auth=False)
async def close_browser_session(request: web.Request) -> web.Response:
    response = web.Response(status=204)
    clear_session_cookie(response, request)
    return response


@routes.get("/api/v1/me")
@documented("The signed-in user", response=UserOut)
@require_user()
async def me(request: web.Request) -> web.Response:
    return web.json_response(user_out(current_user(request)))
