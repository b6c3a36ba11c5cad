"""Coaching end to end through the real HTTP server in a network namespace: a publisher over WHIP, three WHEP
viewers (one late), byte-identical forwarding, keyframes on request, notes, live notes switch, revocation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.webrtc_support import last_json_line, netns_available, run_in_netns

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not netns_available(), reason="needs root to create a network namespace (unshare -n)"),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir: Path = tmp_path_factory.mktemp("whep")
    proc = run_in_netns([sys.executable, "-m", "tests.whep_scenario", "--data-dir", str(data_dir)], timeout=240)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return last_json_line(proc.stdout)


def test_whep_answers_201_with_location_and_whip_style_errors(report: dict[str, Any]) -> None:
    assert report["watch_status"] == [201, 201] and report["late_status"] == 201
    assert all(loc.startswith("/api/v1/sessions/") and "/whep/" in loc for loc in report["locations"])
    assert report["whep_before_live"] == 409
    assert report["stranger_whep"] == 404
    assert report["bad_whep"] == {"garbage": 400, "wrong_type": 415}
    assert report["over_cap_status"] == 429, "PODIUM_WHEP_MAX_VIEWERS=3 refuses a fourth viewer"


def test_three_viewers_get_decodable_frames_byte_identical_to_what_the_publisher_sent(report: dict[str, Any]) -> None:
    assert report["publisher_sent"] > 30
    for name, viewer in report["viewers"].items():
        assert viewer["frames"]["video"] >= 20, (name, viewer["frames"])
        assert viewer["frames"]["audio"] >= 50, (name, viewer["frames"])
        assert viewer["sizes"] == [[320, 240]]
        assert viewer["encoded"] >= 20
        assert viewer["encoded_not_sent"] == 0, f"{name} received video the publisher never sent: re-encoded"


def test_a_late_viewer_gets_a_keyframe_within_a_second(report: dict[str, Any]) -> None:
    assert report["late_connected"] and report["late_first_video"]
    assert report["keyframes_for_late_viewer"] >= 1, "the publisher made a keyframe for the late viewer (PLI)"
    assert report["viewers"]["v3"]["first_video_after_connect_s"] <= 1.0
    # the encoder's first frame is a keyframe; every later one was asked for (early viewers that subscribe before
    # the publisher's first packet get that first keyframe without a request, so only the late viewer must ask)
    assert report["publisher_keyframe_requests"] >= 1
    assert report["publisher_keyframes"] <= report["publisher_keyframe_requests"] + 1, "keyframes only when asked"


def test_notes_reach_speaker_and_viewers_and_the_speaker_can_turn_them_off(report: dict[str, Any]) -> None:
    assert report["view_note"] == 403 and report["stranger_note"] == 404
    note = report["comment_note"]
    assert note["status"] == 201 and note["body"]["t_s"] > 0, "t_s defaults to the live media time"
    spoken = report["publisher_notes"]
    assert [(m["text"], m["tag"], m["id"]) for m in spoken] == [("slow down", "pace", note["body"]["id"])]
    assert set(spoken[0]) == {"v", "type", "t_s", "id", "author", "text", "tag"}
    assert report["live_notes_off"] is False
    for name in ("v2", "v3"):
        assert [m["text"] for m in report["viewers"][name]["notes"]] == ["slow down", "quiet note"], name
        assert "voice" in report["viewers"][name]["feedback_types"]


def test_revoking_a_share_ends_the_coachs_viewing_and_stream(report: dict[str, Any]) -> None:
    assert report["revoke_status"] == 204
    assert report["revoked_viewer_ended"]
    assert report["revoked_viewer_end_s"] <= 1.0
    assert report["sse"]["status"] == 200 and report["sse"]["revoked_event"]
    assert report["sse"]["end_s"] <= 1.0
    assert report["revoked_get"] == 404
    assert report["viewers_after_revoke"] == 2


def test_delete_ends_a_viewing_and_the_session_end_ends_all(report: dict[str, Any]) -> None:
    assert report["delete_viewer"] == 200 and report["deleted_viewer_ended"]
    assert report["delete_viewer_again"] == 404
    assert report["last_viewer_ended_with_session"]
