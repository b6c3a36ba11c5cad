"""Pure parts of the node registry: entries, expiry decisions, media time across nodes, inbox messages."""

from __future__ import annotations

from pathlib import Path

from media.feedback import NoteFeedback
from server.cluster.expiry import (
    SessionEntry,
    entry_ttl_s,
    heartbeat_interval_s,
    origin_of,
    orphaned,
    remote_media_time,
)
from server.cluster.messages import FEED_END, Revocation, note_message, parse_note_message
from server.cluster.node import Cluster
from server.settings import Settings


def test_a_session_is_orphaned_only_when_its_entry_names_a_node_without_heartbeat() -> None:
    entries = {
        "s1": SessionEntry("a", "http://a"),
        "s2": SessionEntry("b", "http://b"),
        "s3": None,
        "s4": SessionEntry("dead", "http://dead"),
    }
    assert orphaned(["s1", "s2", "s3", "s4", "s5"], entries, alive=["a"]) == ["s2", "s4"]
    assert orphaned(["s4", "s2"], entries, alive=["a", "b"]) == ["s4"], "kept in the database's order"
    assert orphaned(["s1", "s3", "s5"], entries, alive=[]) == ["s1"], "no entry: starting or not in a cluster"
    assert orphaned([], entries, alive=[]) == []


def test_entries_round_trip_and_unreadable_ones_are_none() -> None:
    entry = SessionEntry("node-1", "https://a.example.com", 1_700_000_000.25)
    assert SessionEntry.from_json(entry.to_json()) == entry
    assert SessionEntry.from_json(SessionEntry("n", "u").to_json()) == SessionEntry("n", "u", None)
    assert SessionEntry.from_json(entry.to_json().encode()) == entry
    for raw in (None, "", "not json", "[]", '{"node": "n"}', '{"node": "n", "url": "u", "origin": "x"}'):
        assert SessionEntry.from_json(raw) is None, raw


def test_heartbeat_and_entry_expiry() -> None:
    assert heartbeat_interval_s(9.0) == 3.0, "three beats per TTL: one missed beat is harmless"
    assert entry_ttl_s(10800) > 10800, "an entry outlives the longest session"


def test_media_time_seen_from_another_node() -> None:
    assert origin_of(1000.0, 0.0) is None, "no media yet"
    origin = origin_of(1000.0, 12.5)
    assert origin == 987.5
    assert remote_media_time(SessionEntry("a", "u", origin), 1003.0) == 15.5
    assert remote_media_time(SessionEntry("a", "u", None), 1003.0) == 0.0
    assert remote_media_time(SessionEntry("a", "u", 1005.0), 1003.0) == 0.0, "clock skew never goes negative"


def test_inbox_messages_carry_a_note_and_reject_garbage() -> None:
    note = NoteFeedback(t_s=4.25, id="n1", author="grace@example.com", text="slow down", tag="pace")
    assert parse_note_message(note_message("s1", note, True)) == ("s1", note, True)
    untagged = NoteFeedback(t_s=0.0, id="n2", author="g", text="ok", tag=None)
    assert parse_note_message(note_message("s2", untagged, False)) == ("s2", untagged, False)
    for raw in ("", "{}", '{"session_id": "s", "note": {}}', "[1]"):
        assert parse_note_message(raw) is None, raw
    assert FEED_END == "" and note.to_json() != FEED_END


def test_public_url_defaults_to_host_and_port(tmp_path: Path) -> None:
    base = Settings(data_dir=tmp_path, host="10.0.0.5", port=8081)
    assert base.resolved_public_url == "http://10.0.0.5:8081"
    assert base.model_copy(update={"public_url": "https://a.example.com/"}).resolved_public_url == (
        "https://a.example.com"
    )


def test_revocations_round_trip() -> None:
    for revocation in (Revocation("node-a", "o", "c", "s1"), Revocation("node-a", "o", "c", None)):
        assert Revocation.from_json(revocation.to_json()) == revocation
    assert Revocation.from_json('{"node_id": "a"}') is None and Revocation.from_json("nope") is None


async def test_without_redis_the_cluster_finds_nothing_elsewhere_and_sends_nothing() -> None:
    cluster = Cluster.local("http://127.0.0.1:8080")
    assert not cluster.shared and cluster.node_id == "local"
    assert await cluster.elsewhere("s1") is None
    assert await cluster.bus.subscribe("s1", limit=5) is None
    note = NoteFeedback(t_s=1.0, id="n", author="a", text="t")
    assert not await cluster.bus.send_note("other", "s1", note, True)
    assert await cluster.registry.orphans(["s1", "s2"]) == []
