"""Outgoing feedback scheduling: alerts, session and speech messages first; ``voice`` and ``pose`` latest-wins,
each with a budget of its own so that one never waits for the other's slot; a total cap over everything.

Pure: the clock is passed in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from media.feedback import Feedback

PRIORITY: tuple[str, ...] = ("alert", "note", "session", "speech")
DEFAULT_LATEST_RATES: Mapping[str, float] = {"voice": 15.0, "pose": 15.0}
"""Messages per second of each latest-wins type (a little above the 10/s each is produced at by default)."""


@dataclass
class SchedulerStats:
    """Counters kept by :class:`FeedbackScheduler`."""

    offered: int = 0
    sent: int = 0
    superseded: int = 0
    overflowed: int = 0


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1.0, burst)
        self._tokens = self.burst
        self._last: float | None = None

    def wait_time(self, now: float) -> float:
        """Seconds until a token is available (0 if one is available now)."""
        if self._last is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def take(self) -> None:
        self._tokens -= 1.0


class FeedbackScheduler:
    """Decides which message goes out next.

    At most ``rate`` messages per second leave in total (bucket of ``burst`` tokens). Alerts, notes, then session
    and speech messages leave first in FIFO order (bounded by ``queue_max``, oldest dropped). Each latest-wins type
    (``latest_rates``: voice and pose by default) keeps only its newest pending message and has its own rate, so a
    pose message never waits behind a voice message; when both may go, the one pending longer goes first.
    """

    def __init__(
        self,
        rate: float = 30.0,
        burst: float = 4.0,
        queue_max: int = 32,
        latest_rates: Mapping[str, float] = DEFAULT_LATEST_RATES,
    ) -> None:
        self._total = TokenBucket(rate, burst)
        self._queues: dict[str, deque[Feedback]] = {t: deque(maxlen=queue_max) for t in PRIORITY}
        self._budgets = {t: TokenBucket(r, 1.0) for t, r in latest_rates.items()}
        self._latest: dict[str, tuple[float, Feedback]] = {}
        self._offers = 0
        self.stats = SchedulerStats()

    def offer(self, msg: Feedback) -> None:
        """Queue ``msg``; a pending message of the same latest-wins type is replaced (keeping its place in line)."""
        self.stats.offered += 1
        self._offers += 1
        if msg.type in self._budgets:
            previous = self._latest.get(msg.type)
            if previous is not None:
                self.stats.superseded += 1
            order = previous[0] if previous is not None else float(self._offers)
            self._latest[msg.type] = (order, msg)
            return
        q = self._queues.get(msg.type)
        if q is None:
            q = self._queues[msg.type] = deque(maxlen=next(iter(self._queues.values())).maxlen)
        if q.maxlen is not None and len(q) == q.maxlen:
            self.stats.overflowed += 1
        q.append(msg)

    @property
    def pending(self) -> int:
        return len(self._latest) + sum(len(q) for q in self._queues.values())

    def _has_priority(self) -> bool:
        return any(self._queues.values())

    def wait_time(self, now: float) -> float:
        """Seconds until the next pending message may go (0 if one may go now; 0 when nothing is pending)."""
        total = self._total.wait_time(now)
        if self._has_priority() or not self._latest:
            return total
        return max(total, min(self._budgets[t].wait_time(now) for t in self._latest))

    def pop(self, now: float) -> Feedback | None:
        """The next message to send at ``now``, or ``None`` if nothing is pending or no budget allows one."""
        if not self.pending or self._total.wait_time(now) > 0.0:
            return None
        msg = self._pop_priority() or self._pop_latest(now)
        if msg is None:
            return None
        self._total.take()
        self.stats.sent += 1
        return msg

    def _pop_priority(self) -> Feedback | None:
        for q in self._queues.values():
            if q:
                return q.popleft()
        return None

    def _pop_latest(self, now: float) -> Feedback | None:
        ready = [(order, t) for t, (order, _) in self._latest.items() if self._budgets[t].wait_time(now) <= 0.0]
        if not ready:
            return None
        _, kind = min(ready)
        self._budgets[kind].take()
        return self._latest.pop(kind)[1]
