"""ICE consent freshness that waits for a slow peer's answers (a private aioice hook, kept in this one module).

aioice checks consent every 4–6 s with one STUN request and no retransmission, so an answer later than its 0.5 s
timeout counts as a failure, and six failures in a row close the connection. A peer that answers every check, but
slowly — a congested uplink with seconds of queueing behind video, or a publisher starved of CPU — loses its
session. RFC 7675 lets consent expire only when no answer has come for 30 s, and allows retransmissions.
:func:`install` replaces ``aioice.ice.Connection.query_consent`` with :func:`query_consent`, which retransmits each
check (answers are awaited 0.5 + 1 + 2 s) and closes the connection only after ``CONSENT_EXPIRY_S`` without any
answer. ``tests/test_ice_consent.py`` fails when aioice changes what this relies on.
"""

from __future__ import annotations

import asyncio
import logging
import random

from aioice import ice, stun

CONSENT_INTERVAL_S = 5.0
CONSENT_RETRANSMISSIONS = 2
CONSENT_EXPIRY_S = 30.0
log = logging.getLogger(__name__)
_ORIGINAL = ice.Connection.query_consent


async def query_consent(self: ice.Connection) -> None:
    """Check consent every ``CONSENT_INTERVAL_S`` (±20 %); close once no check has been answered for
    ``CONSENT_EXPIRY_S``."""
    assert self.remote_password is not None
    loop = asyncio.get_running_loop()
    answered_at = loop.time()
    while True:
        await asyncio.sleep(CONSENT_INTERVAL_S * (0.8 + 0.4 * random.random()))
        for pair in list(self._nominated.values()):
            request = self.build_request(pair, nominate=False)
            try:
                await pair.protocol.request(
                    request,
                    pair.remote_addr,
                    integrity_key=self.remote_password.encode("utf8"),
                    retransmissions=CONSENT_RETRANSMISSIONS,
                )
                answered_at = loop.time()
            except stun.TransactionError:
                pass
        if loop.time() - answered_at >= CONSENT_EXPIRY_S:
            log.info("ICE consent to send expired: no answer for %.0f s", loop.time() - answered_at)
            self._query_consent_task = None
            await self.close()
            return


def install() -> None:
    """Use :func:`query_consent` for every aioice connection made from now on (idempotent)."""
    ice.Connection.query_consent = query_consent  # type: ignore[method-assign]


def original_query_consent() -> object:
    """aioice's own implementation (for the test that watches for library changes)."""
    return _ORIGINAL
