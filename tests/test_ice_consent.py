"""Consent freshness: a peer that answers slowly keeps its connection; one that stops answering loses it; and the
aioice internals the hook relies on are still there."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aioice import Connection, ice, stun

from media import ice_consent


def test_aioice_still_checks_consent_the_way_the_hook_replaces() -> None:
    source = inspect.getsource(ice_consent.original_query_consent())  # type: ignore[arg-type]
    for used in (
        "self._nominated",
        "self.build_request(pair, nominate=False)",
        "pair.protocol.request(",
        "retransmissions=0",
        "self._query_consent_task = None",
        "self.close()",
        "self.remote_password",
    ):
        assert used in source, f"aioice's query_consent changed ({used!r} gone): review media/ice_consent.py"
    connect = inspect.getsource(ice.Connection.connect)
    assert "self.query_consent()" in connect, "aioice no longer starts consent checks from connect()"


@pytest.fixture
def fast_consent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ice_consent, "CONSENT_INTERVAL_S", 0.2)
    monkeypatch.setattr(ice_consent, "CONSENT_EXPIRY_S", 2.0)
    monkeypatch.setattr(ice.Connection, "query_consent", ice_consent.query_consent)


@pytest.fixture
async def pair(fast_consent: None) -> AsyncIterator[tuple[Connection, Connection]]:
    a, b = Connection(ice_controlling=True), Connection(ice_controlling=False)
    await asyncio.gather(a.gather_candidates(), b.gather_candidates())
    for me, other in ((a, b), (b, a)):
        for candidate in other.local_candidates:
            await me.add_remote_candidate(candidate)
        await me.add_remote_candidate(None)
        me.remote_username, me.remote_password = other.local_username, other.local_password
    await asyncio.gather(a.connect(), b.connect())
    yield a, b
    await asyncio.gather(a.close(), b.close())


def delay_answers(conn: Connection, seconds: float | None) -> None:
    """Make ``conn`` answer STUN requests ``seconds`` late (None: never)."""
    loop = asyncio.get_running_loop()
    for protocol in conn._protocols:
        send = protocol.send_stun

        def late(message: stun.Message, addr: tuple[str, int], send: Any = send) -> None:
            if message.message_class != stun.Class.RESPONSE:
                send(message, addr)
            elif seconds is not None:
                loop.call_later(seconds, send, message, addr)

        protocol.send_stun = late  # type: ignore[method-assign]


async def test_a_peer_answering_every_check_late_keeps_its_connection(pair: tuple[Connection, Connection]) -> None:
    a, b = pair
    delay_answers(b, 0.8)  # later than aioice's own 0.5 s: six of its checks would have closed the connection
    await asyncio.sleep(5.0)  # longer than the expiry, and than six failed checks of aioice (0.2 + 0.5 s each)
    assert a._query_consent_task is not None and not a._query_consent_task.done()
    await a.send(b"still here")
    assert await asyncio.wait_for(b.recv(), 2.0) == b"still here"


async def test_a_peer_that_stops_answering_loses_consent_after_the_expiry(pair: tuple[Connection, Connection]) -> None:
    a, b = pair
    delay_answers(b, None)
    task = a._query_consent_task
    assert task is not None
    await asyncio.wait_for(asyncio.shield(task), 6.0)
    with pytest.raises(ConnectionError):
        await a.send(b"gone")
