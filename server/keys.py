"""Typed application keys for everything the app factory puts on the aiohttp app."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from server.settings import Settings
from storage.blobs import BlobStore

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", AsyncEngine)
DB = web.AppKey("db", async_sessionmaker)
REDIS = web.AppKey("redis", Redis)
BLOBS = web.AppKey("blobs", BlobStore)
METRICS = web.AppKey("metrics", CollectorRegistry)
SIGNING_KEY = web.AppKey("signing_key", str)
