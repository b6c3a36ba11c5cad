"""Pure decisions of the node registry: what a registry entry says, which live sessions lost their node.

A node's heartbeat is a Redis key with a TTL (refreshed every third of it); once it expired the node is dead.
A live session's entry names the node holding its peer and lives until that node releases it (or, as a safety
net, long after the longest session); so a session whose entry names a node without a heartbeat is orphaned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HEARTBEATS_PER_TTL = 3
ENTRY_SLACK_S = 3600.0
"""A session entry outlives the longest session by this much, in case its node and every sweep are gone."""


@dataclass(frozen=True)
class SessionEntry:
    """Who holds a live session: the node's id and public URL, and the epoch second of its media time 0."""

    node_id: str
    url: str
    origin: float | None = None

    def to_json(self) -> str:
        return json.dumps({"node": self.node_id, "url": self.url, "origin": self.origin}, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes | None) -> SessionEntry | None:
        """The entry, or None for a missing or unreadable one."""
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            origin = data.get("origin")
            return cls(str(data["node"]), str(data["url"]), None if origin is None else float(origin))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def heartbeat_interval_s(ttl_s: float) -> float:
    """How often a node refreshes its heartbeat (and its sessions' entries), so one missed beat is harmless."""
    return ttl_s / HEARTBEATS_PER_TTL


def entry_ttl_s(session_max_s: float) -> int:
    """Expiry of a session entry: past the longest session, so only a vanished cluster ever relies on it."""
    return int(session_max_s + ENTRY_SLACK_S)


def orphaned(live_ids: Iterable[str], entries: Mapping[str, SessionEntry | None], alive: Iterable[str]) -> list[str]:
    """Sessions the database holds live whose entry names a node without a heartbeat, in ``live_ids`` order.

    A session without an entry is left alone: it is starting, or it belongs to a node that never joined the
    registry (its own start-up recovery ends it).
    """
    alive_nodes = set(alive)
    out = []
    for session_id in live_ids:
        entry = entries.get(session_id)
        if entry is not None and entry.node_id not in alive_nodes:
            out.append(session_id)
    return out


def origin_of(now_epoch: float, media_time_s: float) -> float | None:
    """Epoch second of media time 0 for a session whose media time is ``media_time_s`` (None before any media)."""
    return None if media_time_s <= 0.0 else now_epoch - media_time_s


def remote_media_time(entry: SessionEntry, now_epoch: float) -> float:
    """A live session's current media time as another node sees it (0 before media), to the millisecond."""
    return 0.0 if entry.origin is None else round(max(0.0, now_epoch - entry.origin), 3)
