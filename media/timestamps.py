"""Rebasing of RTP-style media timestamps: 32-bit wrap-around and jumps become one continuous timeline.

A publisher that restarts its stream, replaces a track or loops a file sends timestamps that jump by hours
(forwards or backwards). Written as they are, such a jump makes a file "hours long" whose analysis allocates
for that length. :class:`TimestampRebaser` keeps a track's timeline continuous: a step within
``max_jump_ticks`` of the previous timestamp is kept as is (including across the 32-bit wrap); a larger one
continues from the last timestamp plus one frame duration.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class RebaseConfig:
    """How one track's timestamps are rebased (all values in the track's clock ticks)."""

    frame_ticks: int
    max_jump_ticks: int
    wrap_bits: int = 32

    @classmethod
    def for_clock(cls, clock_rate: int, frame_s: float, max_jump_s: float = 1.0, wrap_bits: int = 32) -> RebaseConfig:
        """A config for a clock of ``clock_rate`` Hz, frames of ``frame_s`` and jumps beyond ``max_jump_s``."""
        return cls(
            frame_ticks=max(1, round(clock_rate * frame_s)),
            max_jump_ticks=max(1, round(clock_rate * max_jump_s)),
            wrap_bits=wrap_bits,
        )


class TimestampRebaser:
    """Maps raw (wrapping, possibly jumping) timestamps to a continuous timeline starting at 0."""

    def __init__(self, config: RebaseConfig) -> None:
        self.config = config
        self._modulus = 1 << config.wrap_bits
        self._last_raw: int | None = None
        self._last_out = 0
        self.jumps = 0

    def rebase(self, raw: int) -> int:
        """The rebased timestamp of ``raw`` (0 for the first one; small steps back stay behind the last)."""
        if self._last_raw is None:
            self._last_raw = raw
            return 0
        step = self._signed_step(raw - self._last_raw)
        if abs(step) > self.config.max_jump_ticks:
            step = self.config.frame_ticks
            self.jumps += 1
        elif step < 0:
            return self._last_out + step  # reordered or repeated: behind the timeline, which stays put
        self._last_raw = raw
        self._last_out += step
        return self._last_out

    def _signed_step(self, delta: int) -> int:
        """``delta`` modulo the wrap, as the shortest signed step (a wrap-around is a small forward step)."""
        delta %= self._modulus
        return delta - self._modulus if delta >= self._modulus // 2 else delta


class FrameRebaser:
    """Rebases decoded frames' ``pts`` (in their ``time_base``) for one track; the clock comes from the first frame."""

    def __init__(self, frame_s: float, max_jump_s: float = 1.0) -> None:
        self._frame_s = frame_s
        self._max_jump_s = max_jump_s
        self._rebaser: TimestampRebaser | None = None

    @property
    def jumps(self) -> int:
        return 0 if self._rebaser is None else self._rebaser.jumps

    def rebase(self, pts: int, time_base: Fraction) -> int:
        """``pts`` on the track's continuous timeline, in the same ``time_base``."""
        if self._rebaser is None:
            clock_rate = max(1, round(1 / time_base))
            self._rebaser = TimestampRebaser(RebaseConfig.for_clock(clock_rate, self._frame_s, self._max_jump_s))
        return self._rebaser.rebase(pts)
