"""What the reliability scripts (bench.fuzz, bench.faults) found, each pinned by a test that failed before the fix:
an offer aiortc's parser chokes on is a 400, a database that cannot be reached is a 503 (not a 500), and a
killed worker process is replaced instead of breaking every later call."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import text

from bench.reliability_support import free_port
from inference.speech.types import Utterance, Word
from media.config import MediaConfig
from media.workers import MediaWorkers
from server.app import create_app
from server.keys import DB
from server.settings import Settings
from storage.database import create_engine, session_factory
from tests.conftest import register_and_login
from tests.test_hardening_bodies import publisher_offer


@pytest.fixture
async def live_client(aiohttp_client, settings: Settings) -> TestClient:  # type: ignore[no-untyped-def]
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"live_asr": False})))
    return client


async def test_offer_with_fmtp_for_an_unmapped_payload_type_is_400(live_client: TestClient) -> None:
    token = await register_and_login(live_client)
    auth = {"Authorization": f"Bearer {token}"}
    session = await (await live_client.post("/api/v1/sessions", json={"title": "t"}, headers=auth)).json()
    offer = (await publisher_offer()).replace("a=rtpmap:", "a=fmtp:200 x=1\r\na=rtpmap:", 1)
    response = await live_client.post(
        session["whip_url"], data=offer, headers={**auth, "Content-Type": "application/sdp"}
    )
    assert response.status == 400, await response.text()
    assert (await response.json())["error"]["code"] == "sdp_invalid"


async def test_unreachable_database_is_503_with_retry_after(client: TestClient) -> None:
    token = await register_and_login(client)
    engine = create_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/none")
    client.app[DB] = session_factory(engine)  # the database goes away under the running app
    try:
        response = await client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {token}"})
        assert response.status == 503, await response.text()
        assert (await response.json())["error"]["code"] == "service_unavailable"
        assert response.headers["Retry-After"] == "2"
    finally:
        await engine.dispose()


class EchoSpeech:
    """A speech analyser that needs no model: one word naming the worker process."""

    def transcribe(self, utterance: Utterance) -> list[Word]:
        return [Word(text=str(os.getpid()), start_s=utterance.start_s, end_s=utterance.start_s + 0.1)]


def echo_speech() -> EchoSpeech:
    return EchoSpeech()


async def test_killed_speech_worker_is_replaced_and_the_next_pass_works() -> None:
    workers = MediaWorkers(MediaConfig(pose_model_path=None), echo_speech)  # type: ignore[arg-type]
    utterance = Utterance(start_s=0.0, samples=np.zeros(1600, np.float32))
    try:
        first = int((await workers.transcribe(utterance))[0].text)
        os.kill(first, signal.SIGKILL)
        with pytest.raises(Exception, match="terminated abruptly"):
            await workers.transcribe(utterance)
        second = int((await workers.transcribe(utterance))[0].text)
        assert second != first
        assert workers.respawns == 1
    finally:
        workers.shutdown()


async def test_with_standby_workers_the_warmed_spare_takes_over_and_a_new_spare_starts() -> None:
    config = MediaConfig(pose_model_path=None, standby_speech=True)
    workers = MediaWorkers(config, echo_speech)  # type: ignore[arg-type]
    workers.respare_delay_s = 3600.0
    utterance = Utterance(start_s=0.0, samples=np.zeros(1600, np.float32))
    try:
        assert not workers._spares, "the spare starts only once the workers in use are warm"
        await workers.warm_up()
        (spare,) = workers._spares.values()
        first = int((await workers.transcribe(utterance))[0].text)
        os.kill(first, signal.SIGKILL)
        with pytest.raises(Exception, match="terminated abruptly"):
            await workers.transcribe(utterance)
        assert workers.speech is spare
        second = int((await workers.transcribe(utterance))[0].text)
        assert second in spare._processes  # type: ignore[attr-defined]
        assert not workers._spares, "the next spare waits while the one that took over serves its first calls"
        workers.start_spares()  # what the timer does respare_delay_s later
        (new_spare,) = workers._spares.values()
        assert new_spare is not spare
    finally:
        workers.shutdown()


async def test_a_sqlite_write_waits_out_another_writer_holding_the_lock_past_the_driver_default(tmp_path: Path) -> None:
    path = tmp_path / "podium.db"
    holder = sqlite3.connect(path, check_same_thread=False)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.commit()
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    release = threading.Timer(6.0, holder.commit)  # longer than sqlite3's own 5 s default
    release.start()
    engine = create_engine(f"sqlite:///{path}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (2)"))
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 2
    finally:
        release.join()
        holder.close()
        await engine.dispose()
