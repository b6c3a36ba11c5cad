"""Caps on what a live publisher may record: total size and bitrate (averaged over a sliding window).

Pure bookkeeping on plain numbers: the session's watchdog feeds it the bytes received so far and ends the session
cleanly (the recording finalized and playable) with the reason :func:`over_cap` returns.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

SIZE_LIMIT = "recording_size_limit"
BITRATE_LIMIT = "recording_bitrate_limit"


@dataclass(frozen=True)
class RecordingCaps:
    """``max_bytes`` / ``max_kbps`` of 0 mean no cap; the bitrate is averaged over ``window_s``."""

    max_bytes: int = 0
    max_kbps: float = 0.0
    window_s: float = 10.0


@dataclass
class BitrateMeter:
    """The average bitrate over the last ``window_s``, from samples of a growing byte counter."""

    window_s: float
    _samples: deque[tuple[float, int]] = field(default_factory=deque)

    def sample(self, now: float, total_bytes: int) -> float | None:
        """Record ``total_bytes`` at ``now``; the kbit/s over the last full window, or None until one has passed."""
        self._samples.append((now, total_bytes))
        while len(self._samples) > 1 and now - self._samples[1][0] >= self.window_s:
            self._samples.popleft()
        start, start_bytes = self._samples[0]
        span = now - start
        if span < self.window_s:
            return None
        return (total_bytes - start_bytes) * 8 / span / 1000


def over_cap(caps: RecordingCaps, total_bytes: int, kbps: float | None) -> str | None:
    """Why the recording must stop (size first), or None while it is within its caps."""
    if caps.max_bytes and total_bytes >= caps.max_bytes:
        return SIZE_LIMIT
    if caps.max_kbps and kbps is not None and kbps > caps.max_kbps:
        return BITRATE_LIMIT
    return None
