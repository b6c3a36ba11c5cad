"""Security headers on every response, CORS only for the configured origin, /metrics not public."""

from __future__ import annotations

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, make_mocked_request
from pydantic import SecretStr

from server.app import create_app
from server.errors import Forbidden, Unauthorized
from server.keys import SETTINGS
from server.middleware import SECURITY_HEADERS
from server.ops import check_metrics_access
from server.settings import Settings

TOKEN = "s3cret-scrape-token"


def assert_secured(response: ClientResponse) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    policy = {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in headers["Content-Security-Policy"].split("; ")}
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "media-src": "'self' blob:",
        "connect-src": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/healthz"), ("GET", "/api/v1/me"), ("GET", "/"), ("GET", "/api/v1/nope"), ("POST", "/api/v1/auth/token")],
)
async def test_every_response_carries_the_security_headers(client: TestClient, method: str, path: str) -> None:
    response = await client.request(method, path, json={})
    assert_secured(response)


def test_header_table_is_the_one_documented() -> None:
    assert set(SECURITY_HEADERS) == {
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Content-Security-Policy",
        "X-Frame-Options",
    }


async def test_no_cors_headers_unless_an_origin_is_configured(client: TestClient) -> None:
    preflight = await client.options(
        "/api/v1/auth/token", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    response = await client.get("/api/v1/me", headers={"Origin": "http://evil.example"})
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


async def test_cors_answers_only_the_configured_origin(aiohttp_client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings.model_copy(update={"cors_origin": "https://app.example"}))
    client: TestClient = await aiohttp_client(app)
    ok = await client.options(
        "/api/v1/auth/token", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    )
    assert ok.status == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.example"
    other = await client.get("/api/v1/me", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    same = await client.get("/api/v1/me", headers={"Origin": "https://app.example"})
    assert same.headers["Access-Control-Allow-Origin"] == "https://app.example"


async def test_metrics_answer_loopback_clients_without_a_token(client: TestClient) -> None:
    response = await client.get("/metrics")
    assert response.status == 200
    assert "podium_http_requests_total" in await response.text()


def _request(settings: Settings, remote: str, authorization: str | None = None) -> web.Request:
    app = web.Application()
    app[SETTINGS] = settings
    headers = {"Authorization": authorization} if authorization else {}
    request = make_mocked_request("GET", "/metrics", headers=headers, app=app)
    return request.clone(remote=remote)


@pytest.mark.parametrize("remote", ["10.0.0.7", "203.0.113.9", "2001:db8::1", "unknown"])
def test_metrics_refuse_other_clients_without_a_token(settings: Settings, remote: str) -> None:
    with pytest.raises(Forbidden, match="loopback"):
        check_metrics_access(_request(settings, remote))


@pytest.mark.parametrize("remote", ["127.0.0.1", "127.8.9.10", "::1"])
def test_metrics_allow_loopback_without_a_token(settings: Settings, remote: str) -> None:
    check_metrics_access(_request(settings, remote))


def test_metrics_token_is_required_from_everyone_when_set(settings: Settings) -> None:
    with_token = settings.model_copy(update={"metrics_token": SecretStr(TOKEN)})
    check_metrics_access(_request(with_token, "203.0.113.9", f"Bearer {TOKEN}"))
    for auth in (None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"):
        with pytest.raises(Unauthorized):
            check_metrics_access(_request(with_token, "127.0.0.1", auth))


async def test_metrics_with_a_token_over_http(aiohttp_client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings.model_copy(update={"metrics_token": SecretStr(TOKEN)}))
    client: TestClient = await aiohttp_client(app)
    refused = await client.get("/metrics")
    assert refused.status == 401
    assert (await refused.json())["error"]["code"] == "unauthorized"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    allowed = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status == 200
