"""Sliding-window rate limits for sign-in and registration: in-process by default, in Redis when configured.

A limiter counts events per key within the last ``window_s`` seconds; :meth:`retry_after` says how long until the
key may act again (0 when it may now).
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from aiohttp import web
from redis.asyncio import Redis

from server.keys import REDIS

MAX_MEMORY_KEYS = 100_000
"""The in-process limiter forgets expired keys once it tracks this many."""


class RateLimiter(Protocol):
    async def retry_after(self, key: str, limit: int, window_s: float) -> float:
        """Seconds until ``key`` is below ``limit`` events in the window again; 0 when it is now."""
        ...

    async def record(self, key: str, window_s: float) -> None:
        """Count one event for ``key`` now."""
        ...


class MemoryRateLimiter:
    """Timestamps per key in this process (one server process: the default deployment)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._windows: dict[str, float] = {}

    def _recent(self, key: str, window_s: float) -> deque[float]:
        events = self._events.get(key, deque())
        cutoff = self._clock() - window_s
        while events and events[0] <= cutoff:
            events.popleft()
        return events

    async def retry_after(self, key: str, limit: int, window_s: float) -> float:
        events = self._recent(key, window_s)
        if len(events) < limit:
            return 0.0
        return events[len(events) - limit] + window_s - self._clock()

    async def record(self, key: str, window_s: float) -> None:
        if len(self._events) >= MAX_MEMORY_KEYS:
            self._forget_expired()
        events = self._recent(key, window_s)
        events.append(self._clock())
        self._events[key] = events
        self._windows[key] = window_s

    def _forget_expired(self) -> None:
        """Drop the keys without events in their own window (a day-long limit outlives a 5-minute one)."""
        for key in list(self._events):
            if not self._recent(key, self._windows.get(key, 0.0)):
                del self._events[key]
                self._windows.pop(key, None)


class RedisRateLimiter:
    """A sorted set of event times per key in Redis, shared by every server process."""

    def __init__(self, redis: Redis, prefix: str = "podium:ratelimit:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def retry_after(self, key: str, limit: int, window_s: float) -> float:
        name, now = self._prefix + key, time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(name, "-inf", now - window_s)
            pipe.zrange(name, -limit, -limit, withscores=True)
            pipe.zcard(name)
            _removed, oldest, count = await pipe.execute()
        if count < limit or not oldest:
            return 0.0
        return max(0.0, float(oldest[0][1]) + window_s - now)

    async def record(self, key: str, window_s: float) -> None:
        name, now = self._prefix + key, time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(name, {uuid.uuid4().hex: now})
            pipe.expire(name, int(window_s) + 1)
            await pipe.execute()


LIMITER = web.AppKey("rate_limiter", RateLimiter)  # type: ignore[type-abstract]


async def ratelimit_ctx(app: web.Application) -> AsyncIterator[None]:
    """``cleanup_ctx`` (after the Redis context): Redis-backed limits when PODIUM_REDIS_URL is set, else in-process."""
    redis = app.get(REDIS)
    app[LIMITER] = RedisRateLimiter(redis) if redis is not None else MemoryRateLimiter()
    yield
