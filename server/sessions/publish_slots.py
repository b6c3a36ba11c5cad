"""How many live sessions may run: per user and on this server (``PODIUM_LIVE_SESSIONS_PER_USER`` / ``_PER_NODE``).

A slot is taken synchronously when a WHIP offer is accepted for processing (so two offers racing each other
cannot both slip under a limit) and given back when the session ends or never starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from server.errors import ApiError


class LiveSessionLimit(ApiError):
    status = 429


@dataclass
class PublishSlots:
    """Live (or starting) sessions of this server by session id, with their owner."""

    per_user: int
    per_node: int
    _owners: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._owners)

    def holds(self, session_id: str) -> bool:
        return session_id in self._owners

    def take(self, session_id: str, user_id: str, elsewhere: int = 0) -> None:
        """Hold a slot for ``session_id``, or raise 429 naming the limit that is full (a session holding one
        already keeps it: a second offer for it is the registry's 409). ``elsewhere``: the user's sessions live
        on other nodes, which count towards the per-user limit."""
        if session_id in self._owners:
            return
        if len(self._owners) >= self.per_node:
            raise LiveSessionLimit(
                f"this server runs its maximum of {self.per_node} live sessions; try again later",
                code="server_at_capacity",
            )
        mine = elsewhere + sum(1 for owner in self._owners.values() if owner == user_id)
        if mine >= self.per_user:
            raise LiveSessionLimit(
                f"you already have {mine} live sessions, the most allowed at once ({self.per_user}); end one first",
                code="too_many_live_sessions",
            )
        self._owners[session_id] = user_id

    def give_back(self, session_id: str) -> None:
        self._owners.pop(session_id, None)


PUBLISH_SLOTS = web.AppKey("publish_slots", PublishSlots)
