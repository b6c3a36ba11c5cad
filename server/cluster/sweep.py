"""The cluster's periodic tasks: this node's heartbeat, and the dead-node sweep.

A node whose heartbeat expired is dead, so its live sessions end as ``interrupted``, through the start-up
recovery's compare-and-set (``server/recovery.py``: a session is ended once however many nodes sweep at the same
time; a recording is stored when its partial file is reachable from here)."""

from __future__ import annotations

import contextlib
import logging

from aiohttp import web
from redis.exceptions import RedisError

from server.analysis.runner import enqueue_analysis
from server.cluster.expiry import heartbeat_interval_s
from server.cluster.node import CLUSTER
from server.errors import ApiError
from server.keys import BLOBS, DB, SETTINGS
from server.periodic import CleanupCtx, periodic_ctx
from server.recovery import recordings_dir, recover_session
from server.settings import Settings
from storage.live_recovery import LiveRecoveryRepository

log = logging.getLogger(__name__)


async def sweep_dead_nodes(app: web.Application) -> int:
    """End every live session whose node stopped beating; returns how many this node ended."""
    cluster = app[CLUSTER]
    async with app[DB]() as db:
        live_ids = await LiveRecoveryRepository(db).live_session_ids()
    directory = recordings_dir(app[SETTINGS].data_dir)
    ended = 0
    for session_id in await cluster.registry.orphans(live_ids):
        outcome = await recover_session(app[DB], app[BLOBS], directory, session_id)
        with contextlib.suppress(RedisError, OSError):
            await cluster.registry.forget(session_id)
            await cluster.bus.end_feed(session_id)
        if outcome is None:
            continue
        ended += 1
        log.warning("session %s lost its node (heartbeat expired): interrupted", session_id)
        if outcome.recording is not None:
            with contextlib.suppress(ApiError):
                await enqueue_analysis(app, session_id)
    return ended


async def heartbeat(app: web.Application) -> int:
    """One beat of this node (a periodic "sweep" that removes nothing)."""
    await app[CLUSTER].beat()
    return 0


def cluster_periodic_ctxs(settings: Settings) -> list[CleanupCtx]:
    """With Redis: the heartbeat and the dead-node sweep (register after the live sessions' context)."""
    if settings.redis_url is None:
        return []
    interval = heartbeat_interval_s(settings.node_ttl_s)
    return [periodic_ctx(heartbeat, interval, "node heartbeat"), periodic_ctx(sweep_dead_nodes, interval, "dead nodes")]
