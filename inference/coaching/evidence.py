"""Evidence: the moments of a talk that triggered a tip, and how they are written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A moment ``[start_s, end_s]`` of the recording (``end_s == start_s`` for an instant) with what happened."""

    start_s: float
    end_s: float
    detail: str = ""

    @property
    def label(self) -> str:
        """``12:40–13:30``, or ``12:40`` for an instant."""
        if self.end_s - self.start_s < 0.5:
            return clock(self.start_s)
        return f"{clock(self.start_s)}–{clock(self.end_s)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; ``at`` is the human label."""
        return {
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "at": self.label,
            "detail": self.detail,
        }


def clock(t_s: float) -> str:
    """``m:ss`` below an hour, ``h:mm:ss`` from an hour on."""
    total = max(0, int(t_s))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def merge_ranges(ranges: Iterable[tuple[float, float]], gap_s: float = 0.0) -> list[tuple[float, float]]:
    """Union of ``(start, end)`` ranges, joining those separated by at most ``gap_s``."""
    out: list[tuple[float, float]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1] + gap_s:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def join_labels(evidence: Sequence[Evidence], limit: int = 3) -> str:
    """``0:10–0:40, 2:00–2:30 and 1 more``."""
    labels = [e.label for e in evidence[:limit]]
    extra = len(evidence) - len(labels)
    text = ", ".join(labels)
    return f"{text} and {extra} more" if extra > 0 else text


def where_in_talk(start_s: float, end_s: float, duration_s: float, edge_share: float = 0.15) -> str:
    """`` in the opening`` / `` in the conclusion`` when the range lies in the first/last ``edge_share``."""
    if duration_s <= 0:
        return ""
    mid = (start_s + end_s) / 2
    if mid <= duration_s * edge_share:
        return " in the opening"
    if mid >= duration_s * (1 - edge_share):
        return " in the conclusion"
    return ""
