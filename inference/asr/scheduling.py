"""Which live session's Whisper pass runs next, and how often interim passes may run: pure scheduling state.

Every session has at most one pass waiting (its pipeline asks again only after a pass ends). When a worker
slot frees, :meth:`PassScheduler.pick` chooses:

1. a *late* final pass (waiting longer than ``final_deadline_s``), oldest first: a finished utterance's last
   words must not wait behind other sessions' guesses. An interim pass overdue by ``starve_after_s`` joins
   them (in order of asking), so a flood of late finals cannot starve it;
2. otherwise the earliest deadline: a pass is due ``final_deadline_s`` (final) or ``interim_deadline_s``
   (interim) after it was asked for.

A request's deadline is fixed when it is made and a session asks again only after being served, so a newer
request can overtake a waiting one only while it ranks earlier, which ends at the latest ``interim_deadline_s
+ starve_after_s`` after the waiting one asked: every request is served after a bounded number of passes (no
starvation), and sessions asking at the same rate are served in turn (fairness).

:meth:`PassScheduler.interim_step` spreads the worker's time over the sessions speaking: with ``n`` of them and
passes taking ``p`` seconds on average, each session's interim step is at least ``n × p / utilisation``, so
interim passes fill at most ``utilisation`` of the worker and finals always find room. Final passes are never
thinned out.

``policy="fifo"`` serves requests in arrival order and ``adaptive=False`` keeps the base step: the previous
behaviour, for comparison.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

SchedulePolicy = Literal["deadline", "fifo"]


@dataclass(frozen=True)
class PassRequest:
    """One waiting pass of one session."""

    key: Hashable
    final: bool
    asked_s: float
    deadline_s: float
    seq: int


@dataclass(frozen=True)
class SchedulerConfig:
    """Deadlines and the adaptive cadence's parameters (seconds)."""

    policy: SchedulePolicy = "deadline"
    adaptive: bool = True
    final_deadline_s: float = 0.3
    interim_deadline_s: float = 0.6
    starve_after_s: float = 1.0
    utilisation: float = 0.75
    max_step_s: float = 3.0
    active_window_s: float = 2.0
    pass_ema: float = 0.2
    initial_pass_s: float = 0.15


class PassScheduler:
    """Waiting passes of every live session of a node; the clock (``now``, seconds) is passed in."""

    def __init__(self, config: SchedulerConfig | None = None) -> None:
        self.config = config or SchedulerConfig()
        self._waiting: dict[Hashable, PassRequest] = {}
        self._last_seen: dict[Hashable, float] = {}
        self._seq = itertools.count()
        self.pass_s = self.config.initial_pass_s
        self.served = 0
        self.late_finals = 0

    def __len__(self) -> int:
        return len(self._waiting)

    def request(self, key: Hashable, final: bool, now: float) -> None:
        """``key`` wants a pass (a second request while one waits only upgrades it to final)."""
        self._last_seen[key] = now
        current = self._waiting.get(key)
        if current is not None:
            if final and not current.final:
                self.promote(key)
            return
        self._waiting[key] = self._make(key, final, now, next(self._seq))

    def promote(self, key: Hashable) -> None:
        """A waiting interim pass of ``key`` becomes a final one (a finished utterance arrived meanwhile); its
        place in the queue may only move forward."""
        current = self._waiting.get(key)
        if current is None or current.final:
            return
        final = self._make(key, True, current.asked_s, current.seq)
        self._waiting[key] = final if final.deadline_s <= current.deadline_s else current

    def cancel(self, key: Hashable) -> None:
        """Forget ``key``'s waiting pass (its session ended or stopped waiting)."""
        self._waiting.pop(key, None)

    def forget(self, key: Hashable) -> None:
        """``key``'s session is gone: no waiting pass, no longer counted as speaking."""
        self.cancel(key)
        self._last_seen.pop(key, None)

    def pick(self, now: float) -> PassRequest | None:
        """Remove and return the pass to run next (``None`` when none waits)."""
        if not self._waiting:
            return None
        chosen = min(self._waiting.values(), key=lambda r: self._order(r, now))
        if chosen.final and chosen.deadline_s <= now:
            self.late_finals += 1
        del self._waiting[chosen.key]
        self.served += 1
        return chosen

    def done(self, key: Hashable, seconds: float, now: float) -> None:
        """A pass of ``key`` took ``seconds`` of worker time (updates the mean pass time)."""
        self._last_seen[key] = now
        a = self.config.pass_ema
        self.pass_s = (1 - a) * self.pass_s + a * max(0.0, seconds)

    def active(self, now: float) -> int:
        """Sessions that asked for or finished a pass within ``active_window_s``."""
        horizon = now - self.config.active_window_s
        for key in [k for k, t in self._last_seen.items() if t < horizon and k not in self._waiting]:
            del self._last_seen[key]
        return len(self._last_seen)

    def interim_step(self, base_s: float, now: float) -> float:
        """Audio an open utterance must grow by before its next interim pass (``base_s`` when not adaptive)."""
        if not self.config.adaptive or base_s <= 0:
            return base_s
        spread = max(1, self.active(now)) * self.pass_s / self.config.utilisation
        return min(max(base_s, spread), max(base_s, self.config.max_step_s))

    def _make(self, key: Hashable, final: bool, asked_s: float, seq: int) -> PassRequest:
        slack = self.config.final_deadline_s if final else self.config.interim_deadline_s
        return PassRequest(key, final, asked_s, asked_s + slack, seq)

    def _order(self, r: PassRequest, now: float) -> tuple[float, ...]:
        if self.config.policy == "fifo":
            return (float(r.seq),)
        urgent = r.deadline_s <= now if r.final else r.deadline_s + self.config.starve_after_s <= now
        return (0.0 if urgent else 1.0, r.asked_s if urgent else r.deadline_s, float(r.seq))
