"""All live sessions of one server process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from media import ice_consent
from media.config import MediaConfig
from media.errors import AlreadyPublishing, SessionNotFound
from media.live_session import LiveSession
from media.workers import MediaWorkers

log = logging.getLogger(__name__)

SessionEndedHook = Callable[[LiveSession], Awaitable[None]]


class LiveSessionRegistry:
    """Creates, finds and closes :class:`LiveSession` objects; one publisher per session id.

    ``on_session_ended`` runs once per session after it closed (``session.result`` and
    ``session.end_reason`` are set), whatever ended it; use it to persist the recording and state.
    """

    def __init__(
        self,
        config: MediaConfig,
        workers: MediaWorkers,
        on_session_ended: SessionEndedHook | None = None,
    ) -> None:
        ice_consent.install()  # every publisher's and viewer's connection waits out slow consent answers
        self.config = config
        self.workers = workers
        self.on_session_ended = on_session_ended
        self._sessions: dict[str, LiveSession] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str) -> LiveSession | None:
        """The live session with this id, if any."""
        return self._sessions.get(session_id)

    async def start(self, session_id: str, offer_sdp: str) -> LiveSession:
        """Start a session for ``session_id`` from a publisher's offer; ``session.answer_sdp`` is the answer.

        Raises :class:`AlreadyPublishing` if the id already has a publisher, and the SDP errors of
        :func:`media.sdp.validate_offer`.
        """
        if session_id in self._sessions:
            raise AlreadyPublishing(f"session {session_id} already has a publisher")
        session = LiveSession(session_id, self.config, self.workers, on_ended=self._ended)
        self._sessions[session_id] = session
        try:
            await session.accept_offer(offer_sdp)
        except BaseException:
            await session.close("bad_offer")
            self._sessions.pop(session_id, None)
            raise
        return session

    async def close(self, session_id: str, reason: str = "deleted") -> LiveSession:
        """Close one session (the WHIP ``DELETE``); returns it with its ``result`` set."""
        session = self._sessions.get(session_id)
        if session is None:
            raise SessionNotFound(f"no live session {session_id}")
        await session.close(reason)
        return session

    async def close_all(self, reason: str = "shutdown") -> None:
        """Close every session (server shutdown)."""
        await asyncio.gather(*(s.close(reason) for s in list(self._sessions.values())), return_exceptions=True)

    async def _ended(self, session: LiveSession) -> None:
        if self._sessions.get(session.session_id) is session:
            del self._sessions[session.session_id]
        if self.on_session_ended is not None and session.end_reason != "bad_offer":
            try:
                await self.on_session_ended(session)
            except Exception:
                log.exception("on_session_ended failed for %s", session.session_id)
