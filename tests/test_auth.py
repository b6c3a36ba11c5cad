from __future__ import annotations

import time

from aiohttp.test_utils import TestClient

from server.auth.tokens import issue_token
from server.keys import SIGNING_KEY
from tests.conftest import register_and_login


async def test_register_token_me(client: TestClient) -> None:
    token = await register_and_login(client, "Grace@Example.com")
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    body = await response.json()
    assert body["email"] == "grace@example.com"
    assert body["role"] == "speaker"


async def test_token_response_shape(client: TestClient) -> None:
    await client.post("/api/v1/auth/register", json={"email": "a@example.com", "password": "12345678"})
    response = await client.post("/api/v1/auth/token", json={"email": "a@example.com", "password": "12345678"})
    body = await response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].count(".") == 2


async def test_duplicate_email_is_409(client: TestClient) -> None:
    await register_and_login(client)
    response = await client.post("/api/v1/auth/register", json={"email": "ada@example.com", "password": "x" * 10})
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "conflict"


async def test_wrong_password_is_401(client: TestClient) -> None:
    await register_and_login(client)
    response = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": "wrong pass"})
    assert response.status == 401
    assert (await response.json())["error"] == {"code": "unauthorized", "message": "wrong email or password"}


async def test_malformed_json_is_400(client: TestClient) -> None:
    response = await client.post(
        "/api/v1/auth/register", data=b'{"email": "a@b.c",', headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    error = (await response.json())["error"]
    assert error["code"] == "bad_request"
    assert error["message"].startswith("malformed JSON")


async def test_invalid_fields_are_422_with_details(client: TestClient) -> None:
    response = await client.post("/api/v1/auth/register", json={"email": "not-an-email", "password": "short"})
    assert response.status == 422
    error = (await response.json())["error"]
    assert {tuple(d["loc"]) for d in error["details"]} == {("email",), ("password",)}


async def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = await client.post("/api/v1/auth/register", data="email=a")
    assert response.status == 415


async def test_oversized_json_is_413(client: TestClient) -> None:
    response = await client.post("/api/v1/auth/register", json={"email": "a@b.co", "password": "x" * 70_000})
    assert response.status == 413


async def test_missing_and_bad_tokens_are_401(client: TestClient) -> None:
    assert (await client.get("/api/v1/me")).status == 401
    response = await client.get("/api/v1/me", headers={"Authorization": "Bearer not.a.jwt"})
    assert response.status == 401
    assert "invalid token" in (await response.json())["error"]["message"]


async def test_expired_token_is_401(client: TestClient) -> None:
    await register_and_login(client)
    key = client.app[SIGNING_KEY]  # type: ignore[index]
    expired = issue_token(key, "someone", "speaker", ttl_s=60, now=time.time() - 3600)
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status == 401
    assert (await response.json())["error"]["message"] == "token has expired"


async def test_token_signed_with_other_key_is_401(client: TestClient) -> None:
    forged = issue_token("another-key-that-is-long-enough-for-hs256!", "someone", "admin", ttl_s=60)
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status == 401


async def test_unknown_route_is_json_404(client: TestClient) -> None:
    response = await client.get("/api/v1/nope")
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


async def test_wrong_method_is_json_405(client: TestClient) -> None:
    response = await client.get("/api/v1/auth/register")
    assert response.status == 405
    assert (await response.json())["error"]["code"] == "method_not_allowed"
