"""WHIP through the real HTTP server in a network namespace: publish, feedback, SSE, DELETE, recording row."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import av
import pytest

from storage.database import create_engine, session_factory
from storage.repositories import RecordingRepository
from tests.webrtc_support import last_json_line, netns_available, run_in_netns

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not netns_available(), reason="needs root to create a network namespace (unshare -n)"),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    from inference.assets.pose_models import prepare_pose_models

    models = prepare_pose_models(Path("var/models")).resolve()
    data_dir = tmp_path_factory.mktemp("whip")
    proc = run_in_netns(
        [sys.executable, "-m", "tests.whip_scenario", "--data-dir", str(data_dir), "--models-dir", str(models)],
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return last_json_line(proc.stdout), data_dir


def test_whip_publish_gets_201_answer_and_location(report: tuple[dict[str, Any], Path]) -> None:
    r, _ = report
    assert r["post_status"] == 201
    assert r["content_type"] == "application/sdp"
    assert r["location"] == f"/api/v1/sessions/{r['session_id']}/whip/publisher"
    assert r["state_while_live"] == "live"
    assert r["delete_status"] == 200
    assert r["state_after_delete"] in ("ended", "analyzing", "analyzed")


def test_ended_live_session_is_analysed_into_a_report(report: tuple[dict[str, Any], Path]) -> None:
    r, _ = report
    assert r["analysis"]["state"] == "succeeded", r["analysis"]
    assert r["final_state"] == "analyzed"
    assert r["report_status"] == 200


def test_live_feedback_on_data_channel_and_sse(report: tuple[dict[str, Any], Path]) -> None:
    r, _ = report
    types = {m["type"] for m in r["messages"]}
    assert {"voice", "pose"} <= types
    assert {"voice", "pose"} <= set(r["observed_types"])
    pose = [m for m in r["messages"] if m["type"] == "pose" and m.get("person_visible")]
    assert pose
    assert "shoulder_tilt_deg" in pose[-1]["features"]
    assert r["latency_metric"]
    assert r["tensorflow_loaded"] is False


def test_bad_whip_requests_get_clear_errors(report: tuple[dict[str, Any], Path]) -> None:
    bad = report[0]["bad"]
    assert bad["garbage"]["status"] == 400
    assert bad["oversized"]["status"] in (400, 413)
    assert bad["no_codec"]["status"] in (415, 422)
    assert "pcmu" in bad["no_codec"]["body"]["error"]["message"].lower()
    assert bad["wrong_type"]["status"] == 415
    assert bad["no_token"]["status"] == 401
    assert report[0]["second_publisher"]["status"] == 409
    assert report[0]["again"] == 409


def test_recording_row_and_playable_blob(report: tuple[dict[str, Any], Path]) -> None:
    r, data_dir = report

    async def recordings() -> list[Any]:
        engine = create_engine(f"sqlite:///{data_dir / 'podium.db'}")
        async with session_factory(engine)() as db:
            rows = list(await RecordingRepository(db).for_session(r["session_id"]))
        await engine.dispose()
        return rows

    rows = asyncio.run(recordings())
    assert len(rows) == 1
    row = rows[0]
    assert row.audio_codec == "opus" and row.video_codec == "vp8"
    blob = data_dir / "blobs" / row.blob_key
    assert blob.stat().st_size == row.bytes
    with av.open(str(blob)) as container:
        assert container.duration is not None
    assert row.duration_s > 2.0


def test_live_speech_messages_carry_words_wpm_and_fillers(report: tuple[dict[str, Any], Path]) -> None:
    r, _ = report
    speech = [m for m in r["messages"] if m["type"] == "speech"]
    assert speech, "no speech message arrived"
    with_words = [m for m in speech if m["words"]]
    assert with_words, "no speech message committed a word"
    first = with_words[0]
    assert first["word_count"] == len(first["words"])
    words = " ".join(m["text"] for m in speech).lower()
    assert "morning" in words or "presentations" in words or "audience" in words
    assert {"wpm", "fillers", "pauses", "filler_count", "interim", "final"} <= set(first)
    committed = [w[0] for m in speech for w in m["words"]]
    assert speech[-1]["word_count"] == len(committed)
    starts = [w[1] for m in speech for w in m["words"]]
    assert starts == sorted(starts), "a committed word was sent twice or out of order"
