"""Outgoing feedback scheduling: a token bucket over all types, alerts first, latest-wins for live metrics."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from media.feedback import Feedback

LATEST_WINS: frozenset[str] = frozenset({"voice", "pose"})
PRIORITY: tuple[str, ...] = ("alert", "session", "speech")


@dataclass
class SchedulerStats:
    """Counters kept by :class:`FeedbackScheduler`."""

    offered: int = 0
    sent: int = 0
    superseded: int = 0
    overflowed: int = 0


class FeedbackScheduler:
    """Pure (clock passed in) scheduler deciding which message goes out next.

    At most ``rate`` messages per second leave in total (bucket of ``burst`` tokens). Alerts, then session
    and speech messages, leave first in FIFO order (bounded by ``queue_max``, oldest dropped); ``voice`` and
    ``pose`` keep only their latest pending message and share the remaining rate round-robin.
    """

    def __init__(self, rate: float = 10.0, burst: float = 2.0, queue_max: int = 32) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1.0, burst)
        self._tokens = self.burst
        self._last: float | None = None
        self._queues: dict[str, deque[Feedback]] = {t: deque(maxlen=queue_max) for t in PRIORITY}
        self._latest: dict[str, Feedback] = {}
        self._rr: deque[str] = deque(sorted(LATEST_WINS))
        self.stats = SchedulerStats()

    def offer(self, msg: Feedback) -> None:
        """Queue ``msg``; a pending message of the same latest-wins type is replaced."""
        self.stats.offered += 1
        if msg.type in LATEST_WINS:
            if msg.type in self._latest:
                self.stats.superseded += 1
            self._latest[msg.type] = msg
            return
        q = self._queues[msg.type]
        if q.maxlen is not None and len(q) == q.maxlen:
            self.stats.overflowed += 1
        q.append(msg)

    @property
    def pending(self) -> int:
        return len(self._latest) + sum(len(q) for q in self._queues.values())

    def _refill(self, now: float) -> None:
        if self._last is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def wait_time(self, now: float) -> float:
        """Seconds until a token is available (0 if one is available now)."""
        self._refill(now)
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def pop(self, now: float) -> Feedback | None:
        """The next message to send at ``now``, or ``None`` if nothing is pending or the rate is spent."""
        if not self.pending or self.wait_time(now) > 0.0:
            return None
        msg: Feedback | None = None
        for t in PRIORITY:
            if self._queues[t]:
                msg = self._queues[t].popleft()
                break
        if msg is None:
            for _ in range(len(self._rr)):
                t = self._rr[0]
                self._rr.rotate(-1)
                if t in self._latest:
                    msg = self._latest.pop(t)
                    break
        if msg is None:
            return None
        self._tokens -= 1.0
        self.stats.sent += 1
        return msg
