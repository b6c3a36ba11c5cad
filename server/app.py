"""The aiohttp application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from server import ops
from server.account import routes as account_routes
from server.admin import audit as admin_audit
from server.admission import Admission, admission_middleware
from server.analysis import routes as analysis_routes
from server.analysis.runner import analysis_ctx
from server.auth import consent as auth_consent
from server.auth import routes as auth_routes
from server.auth.hashing_pool import hashing_ctx
from server.auth.ratelimit import ratelimit_ctx
from server.cluster.node import cluster_ctx
from server.cluster.sweep import cluster_periodic_ctxs
from server.keys import BLOBS, DB, ENGINE, METRICS, REDIS, SETTINGS, SIGNING_KEY
from server.live import live_ctx
from server.metrics import HttpMetrics
from server.middleware import add_security_headers, cors_middleware, error_middleware, metrics_middleware
from server.notes import routes as note_routes
from server.ops_metrics import OPS_METRICS, OpsMetrics
from server.pages import DEFAULT_WEB_DIR, add_page_routes
from server.reports import routes as report_routes
from server.retention import retention_ctx
from server.sessions import events as session_events
from server.sessions import routes as session_routes
from server.sessions import whep as session_whep
from server.sessions import whip as session_whip
from server.settings import Settings
from server.shares import routes as share_routes
from server.uploads import routes as upload_routes
from server.uploads.expiry import uploads_ctx
from storage.database import create_engine, session_factory
from storage.s3_blobs import blob_store_for


async def _database_ctx(app: web.Application) -> AsyncIterator[None]:
    engine = create_engine(app[SETTINGS].resolved_database_url)
    app[ENGINE] = engine
    app[DB] = session_factory(engine)
    yield
    await engine.dispose()


async def _redis_ctx(app: web.Application) -> AsyncIterator[None]:
    url = app[SETTINGS].redis_url
    if url is None:
        yield
        return
    client = Redis.from_url(url)
    app[REDIS] = client
    yield
    await client.aclose()


def create_app(settings: Settings | None = None) -> web.Application:
    """Build the Podium app: every resource it opens is closed by its ``cleanup_ctx``."""
    settings = settings or Settings()
    registry = CollectorRegistry()
    cors = [cors_middleware(settings.cors_origin)] if settings.cors_origin else []
    admission = admission_middleware(
        Admission(settings.api_max_concurrent, settings.api_queue_max, settings.api_queue_timeout_s)
    )
    app = web.Application(
        middlewares=[metrics_middleware(HttpMetrics.register(registry)), *cors, error_middleware, admission],
        client_max_size=max(settings.max_json_bytes, settings.max_sdp_bytes) * 2,
    )
    app.on_response_prepare.append(add_security_headers)
    app[SETTINGS] = settings
    app[METRICS] = registry
    app[SIGNING_KEY] = settings.signing_key()
    app[BLOBS] = blob_store_for(settings.blob_url, settings.resolved_blob_dir)
    app[OPS_METRICS] = OpsMetrics.register(registry)
    app.cleanup_ctx.extend(
        [_database_ctx, _redis_ctx, ratelimit_ctx, hashing_ctx, uploads_ctx, retention_ctx, analysis_ctx]
    )
    app.cleanup_ctx.extend([cluster_ctx, live_ctx, *cluster_periodic_ctxs(settings)])
    app.add_routes(ops.routes)
    app.add_routes(auth_routes.routes)
    app.add_routes(auth_consent.routes)
    app.add_routes(account_routes.routes)
    app.add_routes(session_routes.routes)
    app.add_routes(session_whip.routes)
    app.add_routes(session_whep.routes)
    app.add_routes(share_routes.routes)
    app.add_routes(note_routes.routes)
    app.add_routes(admin_audit.routes)
    app.add_routes(session_events.routes)
    app.add_routes(analysis_routes.routes)
    app.add_routes(upload_routes.routes)
    app.add_routes(report_routes.routes)
    add_page_routes(app, settings.web_dir or DEFAULT_WEB_DIR)
    return app
