"""The node registry and the bus on a real Redis (a key prefix per test, so parallel runs never collide)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import cast

import pytest
from redis.asyncio import Redis

from media.fanout import FanoutHub
from media.feedback import NoteFeedback
from media.live_session import LiveSession
from server.cluster.bus import RedisBus, TooManyStreams
from server.cluster.expiry import SessionEntry
from server.cluster.messages import Revocation
from server.cluster.registry import RedisRegistry

WAIT_S = 15.0


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def prefix(redis_url: str) -> str:
    return f"podium:test:{uuid.uuid4().hex}:"


async def _eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not await check():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def test_a_session_names_its_node_until_released_and_is_orphaned_once_the_heartbeat_expires(
    redis: Redis, prefix: str
) -> None:
    a = RedisRegistry(redis, prefix, "node-a", "http://a:8080", ttl_s=0.5, session_max_s=60)
    b = RedisRegistry(redis, prefix, "node-b", "http://b:8080", ttl_s=0.5, session_max_s=60)
    await a.claim("s1", None)
    await a.claim("s2", None)
    assert await b.lookup("s1") == SessionEntry("node-a", "http://a:8080", None)
    assert await b.lookup("unknown") is None
    assert await b.orphans(["s1", "s2", "unknown"]) == [], "node-a just beat"
    await a.beat({"s1": 1234.5})
    assert await b.lookup("s1") == SessionEntry("node-a", "http://a:8080", 1234.5), "a beat refreshes the origin"

    async def expired() -> bool:
        return await b.orphans(["s1", "s2", "unknown"]) == ["s1", "s2"]

    await _eventually(expired, "node-a's sessions are orphaned once its heartbeat expired")
    await b.release("s1")
    assert await b.lookup("s1") is not None, "a node releases only the sessions it holds"
    await a.release("s1")
    assert await b.lookup("s1") is None
    await b.forget("s2")
    assert await b.lookup("s2") is None
    await b.beat({})
    assert await redis.exists(b.node_key("node-b"))
    await b.leave()
    assert not await redis.exists(b.node_key("node-b"))


@dataclass
class _Held:
    """What the bus reads of a live session: its id and its feedback hub."""

    session_id: str
    hub: FanoutHub = field(default_factory=FanoutHub)


async def test_feedback_and_notes_cross_nodes_and_a_stream_ends_with_its_session(redis: Redis, prefix: str) -> None:
    delivered: list[tuple[str, NoteFeedback, bool]] = []
    revoked: dict[str, list[Revocation]] = {"a": [], "b": []}

    def sink(node: str) -> Callable[[Revocation], Awaitable[None]]:
        async def on_revoked(revocation: Revocation) -> None:
            revoked[node].append(revocation)

        return on_revoked

    a = RedisBus(redis, prefix, "node-a", lambda *note: delivered.append(note), sink("a"), queue_max=10)
    b = RedisBus(redis, prefix, "node-b", lambda *note: None, sink("b"), queue_max=10)
    a.start()
    b.start()
    ended, started = asyncio.Event(), asyncio.Event()

    async def on_end() -> None:
        ended.set()

    async def on_media() -> bool:
        started.set()
        return True

    held = _Held("s1")
    try:
        a.relay(cast(LiveSession, held), on_media, on_end)
        first = await b.subscribe("s1", limit=2)
        second = await b.subscribe("s1", limit=2)
        assert first is not None and second is not None
        with pytest.raises(TooManyStreams):
            await b.subscribe("s1", limit=2)
        await _eventually(lambda: _has_subscribers(redis, a.feed_channel("s1")), "node-b listens on the feed")
        held.hub.publish('{"v":1,"type":"voice"}')
        assert await asyncio.wait_for(anext(aiter(first)), WAIT_S) == '{"v":1,"type":"voice"}'
        assert await asyncio.wait_for(anext(aiter(second)), WAIT_S) == '{"v":1,"type":"voice"}'
        await asyncio.wait_for(started.wait(), WAIT_S)

        await asyncio.wait_for(a.inbox_ready.wait(), WAIT_S)
        note = NoteFeedback(t_s=2.0, id="n1", author="grace@example.com", text="slow down", tag="pace")
        assert await b.send_note("node-a", "s1", note, True)
        assert not await b.send_note("node-gone", "s1", note, True), "nobody listens for a dead node"
        await _eventually(lambda: _true(bool(delivered)), "node-a got the note")
        assert delivered == [("s1", note, True)]

        await asyncio.wait_for(b.inbox_ready.wait(), WAIT_S)
        await a.revoked("owner-1", "coach-1", None)
        await _eventually(lambda: _true(bool(revoked["b"])), "node-b heard of the revocation")
        assert revoked == {"a": [], "b": [Revocation("node-a", "owner-1", "coach-1", None)]}, "not the sender"

        held.hub.close()
        await asyncio.wait_for(ended.wait(), WAIT_S)
        await b.end_feed("s1")
        with pytest.raises(StopAsyncIteration):
            await asyncio.wait_for(anext(aiter(first)), WAIT_S)
    finally:
        await a.close()
        await b.close()


async def _has_subscribers(redis: Redis, channel: str) -> bool:
    counts = await redis.pubsub_numsub(channel)
    return bool(counts and counts[0][1] >= 1)


async def _true(value: bool) -> bool:
    return value
