"""Operations endpoints: liveness, readiness, metrics and the OpenAPI document."""

from __future__ import annotations

import hmac
import ipaddress

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from sqlalchemy import text

from server import ops_metrics
from server.api_docs import openapi_spec
from server.errors import Forbidden, Unauthorized
from server.keys import ENGINE, METRICS, REDIS, SETTINGS

routes = web.RouteTableDef()

API_VERSION = "1.0.0"


@routes.get("/healthz")
async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    checks: dict[str, str] = {}
    try:
        async with request.app[ENGINE].connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    redis = request.app.get(REDIS)
    if redis is not None:
        try:
            await redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return web.json_response(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def _is_loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def check_metrics_access(request: web.Request) -> None:
    """``PODIUM_METRICS_TOKEN`` set: the bearer token must match (401); unset: loopback clients only (403)."""
    token = request.app[SETTINGS].metrics_token
    if token is None:
        if not _is_loopback(request.remote):
            raise Forbidden("/metrics answers only loopback clients unless PODIUM_METRICS_TOKEN is set")
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    expected = token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        raise Unauthorized("/metrics needs Authorization: Bearer <PODIUM_METRICS_TOKEN>", headers=_CHALLENGE)


_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="metrics"'}


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    check_metrics_access(request)
    await ops_metrics.refresh(request.app)
    body = generate_latest(request.app[METRICS]) + generate_latest(REGISTRY)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


@routes.get("/api/v1/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_spec(request.app, "Podium API", API_VERSION))
