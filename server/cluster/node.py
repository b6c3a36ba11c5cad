"""This node in the cluster: the registry and the bus behind one object on the app, owned by ``cleanup_ctx``.

Without ``PODIUM_REDIS_URL`` both are the in-process no-ops, so every request is served as on a single server.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiohttp import web
from redis.exceptions import RedisError

from media.feedback import NoteFeedback
from media.live_session import LiveSession
from server.cluster.bus import FeedbackBus, LocalBus, RedisBus
from server.cluster.expiry import SessionEntry, origin_of
from server.cluster.messages import Revocation
from server.cluster.registry import LocalRegistry, NodeRegistry, RedisRegistry
from server.keys import REDIS, SETTINGS
from server.live import LIVE
from server.settings import Settings
from server.shares.watch import end_revoked
from storage.models import PracticeSession, SessionState, Share

log = logging.getLogger(__name__)

QUEUE_MAX = 100


@dataclass
class Cluster:
    """The registry of live sessions and the bus between nodes, as this node sees them."""

    registry: NodeRegistry
    bus: FeedbackBus
    shared: bool = False
    _held: dict[str, LiveSession] = field(default_factory=dict)

    @classmethod
    def local(cls, url: str) -> Cluster:
        return cls(LocalRegistry(url), LocalBus())

    @property
    def node_id(self) -> str:
        return self.registry.node_id

    async def adopt(self, live: LiveSession) -> None:
        """Announce that this node holds ``live`` and relay its feedback until it ends."""
        if not self.shared:
            return
        self._held[live.session_id] = live
        try:
            await self.registry.claim(live.session_id, None)
        except (RedisError, OSError) as exc:
            log.warning("session %s not announced to other nodes: %s", live.session_id, exc)
        self.bus.relay(live, functools.partial(self._media_started, live), functools.partial(self._released, live))

    async def _media_started(self, live: LiveSession) -> bool:
        """Publish the media origin as soon as media flows, so notes written on other nodes get the right time;
        False while there is no media yet."""
        origin = origin_of(time.time(), live.media_time())
        if origin is None:
            return False
        await self.registry.claim(live.session_id, origin)
        return True

    async def _released(self, live: LiveSession) -> None:
        if self._held.get(live.session_id) is live:
            del self._held[live.session_id]
        with contextlib.suppress(RedisError, OSError):
            await self.registry.release(live.session_id)
            await self.bus.end_feed(live.session_id)

    async def elsewhere(self, session_id: str) -> SessionEntry | None:
        """The other node holding ``session_id``, if one does (never this node; None when Redis is down)."""
        if not self.shared or session_id in self._held:
            return None
        try:
            entry = await self.registry.lookup(session_id)
        except (RedisError, OSError) as exc:
            log.warning("node registry unreachable: %s", exc)
            return None
        return entry if entry is not None and entry.node_id != self.node_id else None

    async def beat(self) -> None:
        """Refresh this node's heartbeat and its sessions' entries (with their media origin, for remote notes)."""
        now = time.time()
        await self.registry.beat({sid: origin_of(now, live.media_time()) for sid, live in self._held.items()})


CLUSTER = web.AppKey("cluster", Cluster)


def _deliver(app: web.Application, session_id: str, note: NoteFeedback, to_publisher: bool) -> None:
    live = app[LIVE].get(session_id) if LIVE in app else None
    if live is not None:
        live.send_note(note, to_publisher)


async def _end_revoked_here(app: web.Application, revocation: Revocation) -> None:
    share = Share(owner_id=revocation.owner_id, coach_id=revocation.coach_id, session_id=revocation.session_id)
    try:
        await end_revoked(app, share)
    except Exception:
        log.exception("could not end the viewings of a share revoked on node %s", revocation.node_id)


async def announce_revoked(app: web.Application, share: Share) -> None:
    """After ``share`` was deleted and its viewings here ended: end those on the other nodes too."""
    try:
        await app[CLUSTER].bus.revoked(share.owner_id, share.coach_id, share.session_id)
    except (RedisError, OSError) as exc:
        log.warning("revocation of share %s not announced to other nodes: %s", share.id, exc)


def _redis_cluster(app: web.Application, settings: Settings) -> Cluster:
    redis = app[REDIS]
    node_id = uuid.uuid4().hex[:16]
    url = settings.resolved_public_url
    prefix = settings.cluster_prefix
    registry = RedisRegistry(redis, prefix, node_id, url, settings.node_ttl_s, settings.session_max_s)
    deliver, on_revoked = functools.partial(_deliver, app), functools.partial(_end_revoked_here, app)
    bus = RedisBus(redis, prefix, node_id, deliver, on_revoked, QUEUE_MAX)
    bus.start()
    log.info("node %s (%s) joins the cluster on Redis", node_id, url)
    return Cluster(registry, bus, shared=True)


async def cluster_ctx(app: web.Application) -> AsyncIterator[None]:
    """Own this node's cluster membership (register it before the live sessions' context)."""
    settings = app[SETTINGS]
    if REDIS not in app:
        app[CLUSTER] = Cluster.local(settings.resolved_public_url)
        yield
        return
    cluster = app[CLUSTER] = _redis_cluster(app, settings)
    try:
        yield
    finally:
        await cluster.bus.close()
        with contextlib.suppress(RedisError, OSError):
            await cluster.registry.leave()


async def live_elsewhere(app: web.Application, session: PracticeSession) -> SessionEntry | None:
    """The other node holding ``session``'s peer, when the database holds it live and it is not here."""
    if session.state is not SessionState.LIVE or app[LIVE].get(session.id) is not None:
        return None
    return await app[CLUSTER].elsewhere(session.id)


async def redirect_if_elsewhere(request: web.Request, session: PracticeSession) -> None:
    """307 to the node holding ``session`` when it is live on another node (same path, query and method)."""
    entry = await live_elsewhere(request.app, session)
    if entry is not None:
        raise web.HTTPTemporaryRedirect(entry.url + request.path_qs)
