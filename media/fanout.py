"""Fan-out of the feedback stream to any number of observers with bounded, drop-oldest queues."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from types import TracebackType


class Subscription:
    """An async iterator of messages; leaving ``async with`` (or :meth:`close`) unsubscribes."""

    def __init__(self, hub: FanoutHub, maxsize: int, counted: bool = True) -> None:
        self._hub = hub
        self.counted = counted
        self._items: deque[str] = deque(maxlen=maxsize)
        self._wakeup = asyncio.Event()
        self._closed = False
        self.dropped = 0

    def _push(self, item: str) -> None:
        if self._items.maxlen is not None and len(self._items) == self._items.maxlen:
            self.dropped += 1
        self._items.append(item)
        self._wakeup.set()

    def _end(self) -> None:
        self._closed = True
        self._wakeup.set()

    def close(self) -> None:
        """Unsubscribe; iteration stops after the items already queued are consumed."""
        self._hub._remove(self)
        self._end()

    def __aiter__(self) -> AsyncIterator[str]:
        return self

    async def __anext__(self) -> str:
        while not self._items:
            if self._closed:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._items.popleft()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class FanoutHub:
    """Publishes serialised messages to every subscriber without ever blocking the publisher."""

    def __init__(self, maxsize: int = 100) -> None:
        self._maxsize = maxsize
        self._subs: set[Subscription] = set()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def subscriber_count(self) -> int:
        """Subscribers that count towards a stream limit (a relay to other nodes does not)."""
        return sum(1 for sub in self._subs if sub.counted)

    def subscribe(self, maxsize: int | None = None, counted: bool = True) -> Subscription:
        """A new subscription; if the hub is already closed it ends immediately. ``counted=False`` for an
        internal relay, which :attr:`subscriber_count` leaves out."""
        sub = Subscription(self, maxsize or self._maxsize, counted)
        if self._closed:
            sub._end()
        else:
            self._subs.add(sub)
        return sub

    def publish(self, item: str) -> None:
        """Queue ``item`` for every subscriber (a full queue drops its oldest item)."""
        for sub in self._subs:
            sub._push(item)

    def close(self) -> None:
        """End every subscription (after the items already queued)."""
        self._closed = True
        for sub in list(self._subs):
            sub._end()
        self._subs.clear()

    def _remove(self, sub: Subscription) -> None:
        self._subs.discard(sub)
