"""Which node holds each live session: a heartbeat key per node (with a TTL) and an entry per live session.

:class:`LocalRegistry` is the single-process default (every live session is here, nobody else exists);
:class:`RedisRegistry` is shared by every node on one Redis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from redis.asyncio import Redis

from server.cluster.expiry import SessionEntry, entry_ttl_s, orphaned

RELEASE_IF_MINE = """
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw)['node'] == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
"""Delete a session entry only if it still names this node (another node may have taken the id over)."""


class NodeRegistry(Protocol):
    """The registry of nodes and the live sessions they hold."""

    node_id: str
    url: str

    async def claim(self, session_id: str, origin: float | None) -> None:
        """Record that this node holds ``session_id``."""

    async def release(self, session_id: str) -> None:
        """Forget ``session_id`` if this node still holds it."""

    async def lookup(self, session_id: str) -> SessionEntry | None:
        """The node holding ``session_id``, if any node does."""

    async def beat(self, sessions: Mapping[str, float | None]) -> None:
        """Refresh this node's heartbeat and its sessions' entries (``session id → media origin``)."""

    async def orphans(self, live_ids: Sequence[str]) -> list[str]:
        """Of ``live_ids``, the sessions whose node's heartbeat expired."""

    async def forget(self, session_id: str) -> None:
        """Delete ``session_id``'s entry whoever holds it (after ending it as interrupted)."""

    async def leave(self) -> None:
        """Stop being a node (shutdown): the heartbeat goes at once."""


class LocalRegistry:
    """One process, no registry: lookups find nothing, so every request is served here as it always was."""

    def __init__(self, url: str) -> None:
        self.node_id = "local"
        self.url = url

    async def claim(self, session_id: str, origin: float | None) -> None:
        return None

    async def release(self, session_id: str) -> None:
        return None

    async def lookup(self, session_id: str) -> SessionEntry | None:
        return None

    async def beat(self, sessions: Mapping[str, float | None]) -> None:
        return None

    async def orphans(self, live_ids: Sequence[str]) -> list[str]:
        return []

    async def forget(self, session_id: str) -> None:
        return None

    async def leave(self) -> None:
        return None


class RedisRegistry:
    """The registry on Redis: ``<prefix>node:<id>`` (heartbeat, TTL) and ``<prefix>session:<id>`` (entry)."""

    def __init__(self, redis: Redis, prefix: str, node_id: str, url: str, ttl_s: float, session_max_s: float) -> None:
        self.node_id = node_id
        self.url = url
        self._redis = redis
        self._prefix = prefix
        self._ttl_ms = max(1, int(ttl_s * 1000))
        self._entry_ttl_s = entry_ttl_s(session_max_s)
        self._release = redis.register_script(RELEASE_IF_MINE)

    def node_key(self, node_id: str) -> str:
        return f"{self._prefix}node:{node_id}"

    def session_key(self, session_id: str) -> str:
        return f"{self._prefix}session:{session_id}"

    def _entry(self, origin: float | None) -> str:
        return SessionEntry(self.node_id, self.url, origin).to_json()

    async def claim(self, session_id: str, origin: float | None) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self.node_key(self.node_id), self.url, px=self._ttl_ms)
            pipe.set(self.session_key(session_id), self._entry(origin), ex=self._entry_ttl_s)
            await pipe.execute()

    async def release(self, session_id: str) -> None:
        await self._release(keys=[self.session_key(session_id)], args=[self.node_id])

    async def lookup(self, session_id: str) -> SessionEntry | None:
        return SessionEntry.from_json(await self._redis.get(self.session_key(session_id)))

    async def beat(self, sessions: Mapping[str, float | None]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self.node_key(self.node_id), self.url, px=self._ttl_ms)
            for session_id, origin in sessions.items():
                pipe.set(self.session_key(session_id), self._entry(origin), ex=self._entry_ttl_s)
            await pipe.execute()

    async def orphans(self, live_ids: Sequence[str]) -> list[str]:
        if not live_ids:
            return []
        raw = await self._redis.mget([self.session_key(s) for s in live_ids])
        entries = {s: SessionEntry.from_json(r) for s, r in zip(live_ids, raw, strict=True)}
        nodes = sorted({e.node_id for e in entries.values() if e is not None})
        return orphaned(live_ids, entries, await self._alive(nodes))

    async def _alive(self, nodes: Iterable[str]) -> list[str]:
        names = list(nodes)
        if not names:
            return []
        beats = await self._redis.mget([self.node_key(n) for n in names])
        return [n for n, beat in zip(names, beats, strict=True) if beat is not None]

    async def forget(self, session_id: str) -> None:
        await self._redis.delete(self.session_key(session_id))

    async def leave(self) -> None:
        await self._redis.delete(self.node_key(self.node_id))
