"""Two real `podium serve` processes on one database (one SQLite file; the real PostgreSQL) and the real Redis,
the services reached from inside the network namespace through Unix-socket relays: node B carries node A's live
session (SSE, notes), sends WHIP and WHEP to A with 307, ends a coach's stream when the share is revoked on A, and
ends A's session as interrupted once A was killed and its heartbeat expired."""

from __future__ import annotations

import contextlib
import json
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.unix_relay import UnixRelay
from tests.webrtc_support import netns_available, run_in_netns

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not netns_available(), reason="needs root to create a network namespace (unshare -n)"),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> dict[str, Any]:
    data_dir: Path = tmp_path_factory.mktemp("cluster")
    redis = make_url(redis_url)
    out = data_dir / "report.json"
    prefix = f"podium:test:{uuid.uuid4().hex}:"
    argv = [sys.executable, "-m", "tests.cluster_scenario", "--data-dir", str(data_dir), "--prefix", prefix]
    argv += ["--redis-url", f"unix://{data_dir / 'redis.sock'}?db={redis.database or 0}", "--out", str(out)]
    with contextlib.ExitStack() as relays:
        relays.enter_context(UnixRelay(data_dir / "redis.sock", redis.host or "127.0.0.1", redis.port or 6379))
        if request.param == "postgresql":
            pg = make_url(request.getfixturevalue("postgres_url"))
            port = pg.port or 5432
            relays.enter_context(UnixRelay(data_dir / f".s.PGSQL.{port}", pg.host or "127.0.0.1", port))
            local = pg.set(host=None, query={"host": str(data_dir), "port": str(port)})
            argv += ["--database-url", local.render_as_string(hide_password=False)]
        proc = run_in_netns(argv, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def test_node_b_streams_node_a_sessions_feedback(report: dict[str, Any]) -> None:
    assert report["publish_status"] == 201 and report["share_status"] == 201
    assert report["sse_status"] == 200
    assert report["sse_voice_after_s"] is not None, "voice feedback analysed on A reaches SSE on B"


def test_a_note_posted_on_b_reaches_the_speaker_on_a(report: dict[str, Any]) -> None:
    note = report["note"]
    assert note["status"] == 201 and note["body"]["t_s"] > 0, "t_s defaults to A's live media time"
    assert report["note_to_speaker_s"] is not None
    spoken = report["speaker_notes"]
    assert [(m["id"], m["text"], m["tag"]) for m in spoken] == [(note["body"]["id"], "slow down", "pace")]
    assert report["note_posted_to_speaker_s"] < 2.0, "about a second at most (from the POST, on a loaded machine)"
    assert report["note_on_b_sse_s"] is not None, "and every stream of the session, on B too"


def test_whip_and_whep_on_b_answer_307_to_a(report: dict[str, Any]) -> None:
    a = report["base"]["a"]
    for name, (status, location) in report["redirects"].items():
        assert status == 307, (name, status)
        assert location.startswith(a + "/api/v1/sessions/"), (name, location)
    assert report["redirects"]["whep_post"][1].endswith("/whep")
    assert report["redirects"]["whip_delete"][1].endswith("/whip/publisher")
    assert report["stranger_on_b"] == [404, None], "access is checked before the redirect: ids don't leak"
    assert report["whip_post_followed_status"] == 409, "A holds the publisher: a second one is refused there"
    assert report["whep_on_a_status"] == 400, "A serves WHEP itself (this offer is garbage)"


def test_the_per_user_live_limit_counts_sessions_on_other_nodes(report: dict[str, Any]) -> None:
    assert report["second_live_on_b"] == [429, "too_many_live_sessions"], "one allowed, and it is live on A"


def test_a_killed_node_s_session_becomes_interrupted_once_its_heartbeat_expires(report: dict[str, Any]) -> None:
    assert report["state_after_kill"] == "interrupted"
    assert report["interrupted_after_kill_s"] <= report["node_ttl_s"] + 10.0, report["interrupted_after_kill_s"]
    assert "lost its node (heartbeat expired): interrupted" in report["logs"]["b"]
    assert report["sse_ended_after_kill_s"] is not None, "B's stream of it ends too"


def test_revoking_a_share_on_a_ends_the_coach_s_stream_on_b_within_a_second(report: dict[str, Any]) -> None:
    assert report["coach_sse_status"] == 200 and report["revoke_status"] == 204
    assert report["coach_sse_ended_after_revoke_s"] is not None
    assert report["coach_sse_ended_after_revoke_s"] < 1.0
    assert report["coach_sse_events"] == ["revoked"]
