"""Latest-frame-wins hand-off between a track reader and a slow analyser, plus fixed-rate sampling."""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

T = TypeVar("T")


class LatestSlot(Generic[T]):
    """Holds at most one item; ``put`` replaces an unconsumed item (counted in ``replaced``)."""

    def __init__(self) -> None:
        self._item: T | None = None
        self._has = False
        self._event = asyncio.Event()
        self._closed = False
        self.replaced = 0

    def put(self, item: T) -> bool:
        """Store ``item``; returns True if it replaced an item nobody took."""
        replaced = self._has
        if replaced:
            self.replaced += 1
        self._item, self._has = item, True
        self._event.set()
        return replaced

    def close(self) -> None:
        """Wake the consumer; :meth:`get` returns ``None`` once the slot is empty."""
        self._closed = True
        self._event.set()

    async def get(self) -> T | None:
        """Wait for and take the latest item; ``None`` after :meth:`close`."""
        while not self._has:
            if self._closed:
                return None
            self._event.clear()
            await self._event.wait()
        item = self._item
        self._item, self._has = None, False
        return item


class RateSampler:
    """Decides which timestamps to analyse so that at most ``fps`` samples per second of media time pass."""

    def __init__(self, fps: float) -> None:
        if fps <= 0:
            raise ValueError("fps must be positive")
        self.interval = 1.0 / fps
        self._next: float | None = None

    def due(self, t_s: float) -> bool:
        """True if a sample at ``t_s`` should be analysed (and books the next slot)."""
        if self._next is not None and t_s + 1e-6 < self._next:
            return False
        if self._next is None or t_s - self._next > self.interval:
            self._next = t_s + self.interval
        else:
            self._next += self.interval
        return True


def fit_within(width: int, height: int, max_edge: int) -> tuple[int, int]:
    """Size that keeps the aspect ratio and fits ``max_edge`` on the longer side (even dimensions)."""
    scale = min(1.0, max_edge / max(width, height))
    w = max(2, round(width * scale / 2) * 2)
    h = max(2, round(height * scale / 2) * 2)
    return w, h
