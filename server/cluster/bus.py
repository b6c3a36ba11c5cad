"""Feedback and notes between nodes: Redis pub/sub.

The node holding a live session relays everything its feedback hub publishes (the publisher's messages and
notes) to the channel ``<prefix>feed:<session id>``, and an empty message when the session ends; another node
serving an SSE stream for it listens there (one listener per session and node, fanned out locally with the
same bounded, drop-oldest queues). A note written on another node goes to the holder's inbox channel
``<prefix>inbox:<node id>``, which hands it to the live session; a deleted share is announced on
``<prefix>revoked`` so every node ends the viewing it granted. :class:`LocalBus` does none of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from media.fanout import FanoutHub, Subscription
from media.feedback import NoteFeedback
from media.live_session import LiveSession
from server.cluster.messages import FEED_END, Revocation, note_message, parse_note_message

log = logging.getLogger(__name__)

LISTEN_POLL_S = 1.0
INBOX_RETRY_S = 1.0

NoteSink = Callable[[str, NoteFeedback, bool], None]
"""Delivers a note to the live session here: ``(session id, note, to the publisher too)``."""
RelayHook = Callable[[], Awaitable[None]]
MediaHook = Callable[[], Awaitable[bool]]
"""Called after relayed messages until it returns True (the session's media origin is announced)."""
RevocationSink = Callable[[Revocation], Awaitable[None]]
"""Ends the live viewing here that a share deleted on another node granted."""


class FeedbackBus(Protocol):
    """Feedback and notes across nodes."""

    def relay(self, live: LiveSession, on_media: MediaHook, on_end: RelayHook) -> None:
        """Publish ``live``'s feedback to other nodes until it ends; await ``on_media`` after each message until
        it returns True (media flows: its media origin is known) and ``on_end`` at the end."""

    async def subscribe(self, session_id: str, limit: int) -> Subscription | None:
        """The feedback of a session held by another node (None: no bus); 429 beyond ``limit`` streams here."""

    async def send_note(self, node_id: str, session_id: str, note: NoteFeedback, to_publisher: bool) -> bool:
        """Hand a note to the node holding ``session_id``; whether a node was listening."""

    async def end_feed(self, session_id: str) -> None:
        """End every other node's stream of ``session_id``."""

    async def revoked(self, owner_id: str, coach_id: str, session_id: str | None) -> None:
        """Tell every other node that a share was deleted (their viewings it granted end)."""

    async def close(self) -> None:
        """Cancel every task and listener (shutdown)."""


class LocalBus:
    """One process: nothing to relay, nobody else to reach."""

    def relay(self, live: LiveSession, on_media: MediaHook, on_end: RelayHook) -> None:
        return None

    async def subscribe(self, session_id: str, limit: int) -> Subscription | None:
        return None

    async def send_note(self, node_id: str, session_id: str, note: NoteFeedback, to_publisher: bool) -> bool:
        return False

    async def end_feed(self, session_id: str) -> None:
        return None

    async def revoked(self, owner_id: str, coach_id: str, session_id: str | None) -> None:
        return None

    async def close(self) -> None:
        return None


class TooManyStreams(Exception):
    """A session already has ``limit`` streams open on this node."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"this session already has {limit} event streams open")
        self.limit = limit


class BusUnavailable(Exception):
    """Redis could not be reached to follow another node's session."""


def _text(data: Any) -> str:
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data)


class RemoteFeed:
    """One node's listener on another node's session: a pub/sub subscription feeding a local hub; it stops
    when the session ends or nobody here listens any more."""

    def __init__(self, redis: Redis, channel: str, maxsize: int) -> None:
        self.hub = FanoutHub(maxsize)
        self.ready = asyncio.Event()
        self.error: BaseException | None = None
        self._pubsub: PubSub = redis.pubsub()
        self._channel = channel

    async def run(self) -> None:
        try:
            await self._pubsub.subscribe(self._channel)
            self.ready.set()
            while self.hub.subscriber_count:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=LISTEN_POLL_S)
                if message is None:
                    continue
                text = _text(message["data"])
                if text == FEED_END:
                    break
                self.hub.publish(text)
        except (RedisError, OSError) as exc:
            self.error = exc
            log.warning("lost the feed %s: %s", self._channel, exc)
        finally:
            self.hub.close()
            self.ready.set()
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()


class RedisBus:
    """The bus on Redis (see the module's docstring); owns its relay, feed and inbox tasks."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        node_id: str,
        deliver: NoteSink,
        on_revoked: RevocationSink,
        queue_max: int,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._node_id = node_id
        self._deliver = deliver
        self._on_revoked = on_revoked
        self._queue_max = queue_max
        self._feeds: dict[str, RemoteFeed] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.inbox_ready = asyncio.Event()

    def feed_channel(self, session_id: str) -> str:
        return f"{self._prefix}feed:{session_id}"

    def inbox_channel(self, node_id: str) -> str:
        return f"{self._prefix}inbox:{node_id}"

    @property
    def revocations_channel(self) -> str:
        return f"{self._prefix}revoked"

    def start(self) -> None:
        """Start listening to this node's inbox and to revocations."""
        self._spawn(self._inbox(), "cluster inbox")

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def relay(self, live: LiveSession, on_media: MediaHook, on_end: RelayHook) -> None:
        self._spawn(self._relay(live, on_media, on_end), f"cluster relay {live.session_id}")

    async def _relay(self, live: LiveSession, on_media: MediaHook, on_end: RelayHook) -> None:
        channel = self.feed_channel(live.session_id)
        announced = False
        try:
            async with live.hub.subscribe(self._queue_max, counted=False) as subscription:
                async for text in subscription:
                    try:
                        await self._redis.publish(channel, text)
                        if not announced:
                            announced = await on_media()
                    except (RedisError, OSError) as exc:
                        log.warning("feedback of %s not relayed: %s", live.session_id, exc)
        finally:
            await on_end()

    async def subscribe(self, session_id: str, limit: int) -> Subscription | None:
        feed = self._feeds.get(session_id)
        if feed is None or feed.hub.closed:
            feed = self._feeds[session_id] = RemoteFeed(self._redis, self.feed_channel(session_id), self._queue_max)
            self._spawn(self._follow(session_id, feed), f"cluster feed {session_id}")
        if feed.hub.subscriber_count >= limit:
            raise TooManyStreams(limit)
        subscription = feed.hub.subscribe()
        await feed.ready.wait()
        if feed.error is not None:
            subscription.close()
            raise BusUnavailable(str(feed.error))
        return subscription

    async def _follow(self, session_id: str, feed: RemoteFeed) -> None:
        try:
            await feed.run()
        finally:
            if self._feeds.get(session_id) is feed:
                del self._feeds[session_id]

    async def send_note(self, node_id: str, session_id: str, note: NoteFeedback, to_publisher: bool) -> bool:
        receivers = await self._redis.publish(self.inbox_channel(node_id), note_message(session_id, note, to_publisher))
        return bool(receivers)

    async def end_feed(self, session_id: str) -> None:
        await self._redis.publish(self.feed_channel(session_id), FEED_END)

    async def revoked(self, owner_id: str, coach_id: str, session_id: str | None) -> None:
        revocation = Revocation(self._node_id, owner_id, coach_id, session_id)
        await self._redis.publish(self.revocations_channel, revocation.to_json())

    async def _inbox(self) -> None:
        inbox = self.inbox_channel(self._node_id)
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(inbox, self.revocations_channel)
                self.inbox_ready.set()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=LISTEN_POLL_S)
                    if message is None:
                        continue
                    if _text(message["channel"]) == inbox:
                        self._on_inbox(_text(message["data"]))
                    else:
                        self._on_revocation(_text(message["data"]))
            except (RedisError, OSError) as exc:
                self.inbox_ready.clear()
                log.warning("cluster inbox: %s; retrying", exc)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()
            await asyncio.sleep(INBOX_RETRY_S)

    def _on_inbox(self, raw: str) -> None:
        parsed = parse_note_message(raw)
        if parsed is None:
            log.warning("cluster inbox: unreadable message dropped")
            return
        self._deliver(*parsed)

    def _on_revocation(self, raw: str) -> None:
        revocation = Revocation.from_json(raw)
        if revocation is None:
            log.warning("cluster revocation: unreadable message dropped")
        elif revocation.node_id != self._node_id:
            self._spawn(self._on_revoked(revocation), "cluster revocation")

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
