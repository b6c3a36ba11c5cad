"""The web app's sign-in cookie: HttpOnly/SameSite=Strict, accepted like a bearer token, CSRF-checked on
state changes, cleared on sign-out; bearer tokens keep working without an Origin."""

from __future__ import annotations

import ssl
from http.cookies import SimpleCookie

from aiohttp import web
from aiohttp.test_utils import TestClient, make_mocked_request

from server.auth.cookies import COOKIE_NAME, set_session_cookie
from tests.conftest import register_and_login

CREDENTIALS = {"email": "ada@example.com", "password": "correct horse"}


def _own_origin(client: TestClient) -> str:
    return str(client.make_url("")).rstrip("/")


async def _sign_in(client: TestClient) -> SimpleCookie:
    await client.post("/api/v1/auth/register", json=CREDENTIALS)
    response = await client.post("/api/v1/auth/session", json=CREDENTIALS)
    assert response.status == 200, await response.text()
    assert (await response.json())["email"] == "ada@example.com"
    cookie = SimpleCookie()
    cookie.load(response.headers["Set-Cookie"])
    return cookie


async def test_sign_in_sets_an_httponly_strict_cookie(client: TestClient) -> None:
    morsel = (await _sign_in(client))[COOKIE_NAME]
    assert morsel.value.count(".") == 2
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/"
    assert int(morsel["max-age"]) == 3600
    assert not morsel["secure"]


def test_cookie_is_secure_over_tls() -> None:
    request = make_mocked_request("POST", "/api/v1/auth/session", sslcontext=ssl.create_default_context())
    response = web.Response()
    set_session_cookie(response, request, "a.b.c", 60)
    assert response.cookies[COOKIE_NAME]["secure"] is True


async def test_cookie_authenticates_reads_until_sign_out(client: TestClient) -> None:
    await _sign_in(client)
    assert (await client.get("/api/v1/me")).status == 200
    response = await client.delete("/api/v1/auth/session", headers={"Origin": _own_origin(client)})
    assert response.status == 204
    response = await client.get("/api/v1/me")
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "unauthorized"


async def test_wrong_password_sets_no_cookie(client: TestClient) -> None:
    await client.post("/api/v1/auth/register", json=CREDENTIALS)
    response = await client.post("/api/v1/auth/session", json={**CREDENTIALS, "password": "wrong password"})
    assert response.status == 401
    assert "Set-Cookie" not in response.headers
    assert (await client.get("/api/v1/me")).status == 401


async def test_cookie_state_change_needs_this_servers_origin(client: TestClient) -> None:
    await _sign_in(client)
    response = await client.post("/api/v1/sessions", json={"title": "no origin"})
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "csrf_failed"
    response = await client.post(
        "/api/v1/sessions", json={"title": "x"}, headers={"Origin": "https://evil.example.com"}
    )
    assert response.status == 403
    response = await client.post("/api/v1/sessions", json={"title": "mine"}, headers={"Origin": _own_origin(client)})
    assert response.status == 201, await response.text()


async def test_bearer_tokens_need_no_origin(client: TestClient) -> None:
    token = await register_and_login(client)
    client.session.cookie_jar.clear()
    response = await client.post(
        "/api/v1/sessions", json={"title": "api"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 201


async def test_a_bad_cookie_is_401(client: TestClient) -> None:
    client.session.cookie_jar.update_cookies({COOKIE_NAME: "not.a.jwt"})
    response = await client.get("/api/v1/me")
    assert response.status == 401
    assert "invalid token" in (await response.json())["error"]["message"]
