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

Batching (``max_batch`` > 1): when a slot frees, :meth:`PassScheduler.pick_batch` takes the pass :meth:`pick`
would take and, behind it in the same order, other waiting passes up to ``max_batch`` whose encoder windows are
alike (the shortest at least ``batch_min_fill`` of the longest: windows are padded to the batch's longest, so a
20 s joined final makes a poor partner for 1 s interims). Only passes already waiting join: nothing ever waits
for a batch to fill, a final least of all. A pass left out keeps its deadline and its rank, so the bounds above
still hold; each batch serves at least as many passes as a single pick.

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
    audio_s: float = 0.0
    """Audio the pass is expected to carry (its window's length decides which passes batch well together)."""


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
    max_batch: int = 1
    batch_min_fill: float = 0.6
    window_min_s: float = 5.0
    window_pad_s: float = 1.0
    window_max_s: float = 30.0


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

    def request(self, key: Hashable, final: bool, now: float, audio_s: float = 0.0) -> None:
        """``key`` wants a pass of about ``audio_s`` seconds of audio (a second request while one waits only
        upgrades it to final)."""
        self._last_seen[key] = now
        current = self._waiting.get(key)
        if current is not None:
            if final and not current.final:
                self.promote(key)
            return
        self._waiting[key] = self._make(key, final, now, next(self._seq), audio_s)

    def promote(self, key: Hashable) -> None:
        """A waiting interim pass of ``key`` becomes a final one (a finished utterance arrived meanwhile); its
        place in the queue may only move forward."""
        current = self._waiting.get(key)
        if current is None or current.final:
            return
        final = self._make(key, True, current.asked_s, current.seq, current.audio_s)
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
        self._take(chosen, now)
        return chosen

    def pick_batch(self, now: float) -> list[PassRequest]:
        """Remove and return the passes to run next as one batched call: :meth:`pick`'s choice first, then
        waiting passes with alike windows in the same order, at most ``max_batch`` (empty when none waits)."""
        head = self.pick(now)
        if head is None:
            return []
        batch = [head]
        windows = [self.window_s(head.audio_s)]
        for r in sorted(self._waiting.values(), key=lambda r: self._order(r, now)):
            if len(batch) >= self.config.max_batch:
                break
            window = self.window_s(r.audio_s)
            if min(*windows, window) >= self.config.batch_min_fill * max(*windows, window):
                self._take(r, now)
                batch.append(r)
                windows.append(window)
        return batch

    def window_s(self, audio_s: float) -> float:
        """The encoder window a pass of ``audio_s`` seconds is fitted to."""
        c = self.config
        return min(c.window_max_s, max(c.window_min_s, audio_s + c.window_pad_s))

    def _take(self, r: PassRequest, now: float) -> None:
        if r.final and r.deadline_s <= now:
            self.late_finals += 1
        del self._waiting[r.key]
        self.served += 1

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

    def _make(self, key: Hashable, final: bool, asked_s: float, seq: int, audio_s: float) -> PassRequest:
        slack = self.config.final_deadline_s if final else self.config.interim_deadline_s
        return PassRequest(key, final, asked_s, asked_s + slack, seq, audio_s)

    def _order(self, r: PassRequest, now: float) -> tuple[float, ...]:
        if self.config.policy == "fifo":
            return (float(r.seq),)
        urgent = r.deadline_s <= now if r.final else r.deadline_s + self.config.starve_after_s <= now
        return (0.0 if urgent else 1.0, r.asked_s if urgent else r.deadline_s, float(r.seq))
