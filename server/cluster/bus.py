"""Feedback and notes between nodes: Redis pub/sub.

The node holding a live session relays everything its feedback hub publishes (the publisher's messages and
notes) to the channel ``<prefix>feed:<session id>``, and an empty message when the session ends; another node
serving an SSE stream for it listens there (one listener per session and node, fanned out locally with the
same bounded, drop-oldest queues). A note written on another node goes to the holder's inbox channel
``<prefix>inbox:<node id>``, which hands it to the live session. :class:`LocalBus` does none of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from media.fanout import FanoutHub, Subscription
from media.feedback import NoteFeedback
from media.live_session import LiveSession

log = logging.getLogger(__name__)

FEED_END = ""
"""Sent on a feed channel when its session ended (feedback messages are never empty)."""
LISTEN_POLL_S = 1.0
INBOX_RETRY_S = 1.0

NoteSink = Callable[[str, NoteFeedback, bool], None]
"""Delivers a note to the live session here: ``(session id, note, to the publisher too)``."""
RelayHook = Callable[[], Awaitable[None]]


class FeedbackBus(Protocol):
    """Feedback and notes across nodes."""

    def relay(self, live: LiveSession, on_first: RelayHook, on_end: RelayHook) -> None:
        """Publish ``live``'s feedback to other nodes until it ends; await ``on_first`` after its first message
        (media flows: its media origin is known) and ``on_end`` at the end."""

    async def subscribe(self, session_id: str, limit: int) -> Subscription | None:
        """The feedback of a session held by another node (None: no bus); 429 beyond ``limit`` streams here."""

    async def send_note(self, node_id: str, session_id: str, note: NoteFeedback, to_publisher: bool) -> bool:
        """Hand a note to the node holding ``session_id``; whether a node was listening."""

    async def end_feed(self, session_id: str) -> None:
        """End every other node's stream of ``session_id``."""

    async def close(self) -> None:
        """Cancel every task and listener (shutdown)."""


class LocalBus:
    """One process: nothing to relay, nobody else to reach."""

    def relay(self, live: LiveSession, on_first: RelayHook, on_end: RelayHook) -> None:
        return None

    async def subscribe(self, session_id: str, limit: int) -> Subscription | None:
        return None

    async def send_note(self, node_id: str, session_id: str, note: NoteFeedback, to_publisher: bool) -> bool:
        return False

    async def end_feed(self, session_id: str) -> None:
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


def note_message(session_id: str, note: NoteFeedback, to_publisher: bool) -> str:
    """The inbox message carrying ``note``."""
    body = {"id": note.id, "t_s": note.t_s, "author": note.author, "text": note.text, "tag": note.tag}
    return json.dumps({"session_id": session_id, "to_publisher": to_publisher, "note": body}, separators=(",", ":"))


def parse_note_message(raw: str) -> tuple[str, NoteFeedback, bool] | None:
    """``(session id, note, to_publisher)`` of an inbox message, None if unreadable."""
    try:
        data = json.loads(raw)
        n = data["note"]
        tag = n.get("tag")
        note = NoteFeedback(
            t_s=float(n["t_s"]), id=str(n["id"]), author=str(n["author"]), text=str(n["text"]), tag=tag and str(tag)
        )
        return str(data["session_id"]), note, bool(data["to_publisher"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


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

    def __init__(self, redis: Redis, prefix: str, node_id: str, deliver: NoteSink, queue_max: int) -> None:
        self._redis = redis
        self._prefix = prefix
        self._node_id = node_id
        self._deliver = deliver
        self._queue_max = queue_max
        self._feeds: dict[str, RemoteFeed] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.inbox_ready = asyncio.Event()

    def feed_channel(self, session_id: str) -> str:
        return f"{self._prefix}feed:{session_id}"

    def inbox_channel(self, node_id: str) -> str:
        return f"{self._prefix}inbox:{node_id}"

    def start(self) -> None:
        """Start listening to this node's inbox."""
        self._spawn(self._inbox(), "cluster inbox")

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def relay(self, live: LiveSession, on_first: RelayHook, on_end: RelayHook) -> None:
        self._spawn(self._relay(live, on_first, on_end), f"cluster relay {live.session_id}")

    async def _relay(self, live: LiveSession, on_first: RelayHook, on_end: RelayHook) -> None:
        channel = self.feed_channel(live.session_id)
        announced = False
        try:
            async with live.hub.subscribe(self._queue_max, counted=False) as subscription:
                async for text in subscription:
                    try:
                        await self._redis.publish(channel, text)
                        if not announced:
                            announced = True
                            await on_first()
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

    async def _inbox(self) -> None:
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self.inbox_channel(self._node_id))
                self.inbox_ready.set()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=LISTEN_POLL_S)
                    if message is not None:
                        self._on_inbox(_text(message["data"]))
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

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
