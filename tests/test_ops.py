from __future__ import annotations

from aiohttp.test_utils import TestClient

from server.app import create_app
from server.settings import Settings


async def test_healthz(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_readyz_checks_database(client: TestClient) -> None:
    response = await client.get("/readyz")
    assert response.status == 200
    assert (await response.json())["checks"] == {"database": "ok"}


async def test_readyz_checks_real_redis(aiohttp_client, settings: Settings, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    client = await aiohttp_client(create_app(settings.model_copy(update={"redis_url": redis_url})))
    response = await client.get("/readyz")
    assert response.status == 200
    assert (await response.json())["checks"] == {"database": "ok", "redis": "ok"}


async def test_readyz_reports_unreachable_redis_as_503(aiohttp_client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client = await aiohttp_client(create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})))
    response = await client.get("/readyz")
    assert response.status == 503
    body = await response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"].startswith("error")


async def test_metrics_count_requests_by_route_and_status(client: TestClient) -> None:
    await client.get("/healthz")
    await client.get("/api/v1/me")
    text = await (await client.get("/metrics")).text()
    assert 'podium_http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in text
    assert 'podium_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1.0' in text
    assert "podium_http_request_seconds_bucket" in text


async def test_openapi_documents_the_auth_api(client: TestClient) -> None:
    spec = await (await client.get("/api/v1/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    register = spec["paths"]["/api/v1/auth/register"]["post"]
    assert register["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Credentials"
    }
    assert "security" not in register
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [{"bearer": []}]
    assert "TokenResponse" in spec["components"]["schemas"]


async def test_openapi_lists_no_implicit_head_routes(client: TestClient) -> None:
    spec = await (await client.get("/api/v1/openapi.json")).json()
    assert all("head" not in ops for ops in spec["paths"].values())
    assert "post" in spec["paths"]["/api/v1/sessions/{session_id}/whip"]
