"""Loopback WebRTC tests: an aiortc publisher against a LiveSessionRegistry inside a network namespace.

Each test runs ``python -m tests.webrtc_support <scenario>`` in a namespace created with ``unshare -n``
(aioice never gathers a loopback address, so the namespace puts 10.99.0.1/32 on ``lo`` for it to find) and
asserts on the JSON report it prints.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import av
import pytest

from tests.webrtc_support import last_json_line, netns_available, run_in_netns

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not netns_available(), reason="needs root to create a network namespace"),
]


def _scenario(*args: str, timeout: float = 120.0) -> dict[str, Any]:
    proc = run_in_netns([sys.executable, "-m", "tests.webrtc_support", *args], timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return last_json_line(proc.stdout)


def _play(path: Path) -> tuple[int, float]:
    with av.open(str(path)) as c:
        video_frames = sum(1 for _ in c.decode(video=0))
    with av.open(str(path)) as c:
        audio_s = sum(f.samples / f.sample_rate for f in c.decode(audio=0))
    return video_frames, audio_s


@pytest.fixture(scope="module")
def pose_model() -> Path:
    from inference.assets.pose_models import bundle_path, prepare_pose_models

    return bundle_path("lite", prepare_pose_models())


def test_loopback_session_feedback_recording_and_no_tensorflow(tmp_path: Path, pose_model: Path) -> None:
    seconds = 4.0
    r = _scenario("loopback", "--seconds", str(seconds), "--pose-model", str(pose_model), "--out", str(tmp_path))
    assert r["end_reason"] == "deleted" and r["hook_called"] == 1 and r["registry_empty"]
    assert not r["tensorflow_in_server"] and not r["tensorflow_in_pose_worker"]

    msgs = r["messages"]
    assert all(m["v"] == 1 and isinstance(m["t_s"], float | int) for m in msgs)
    voice = [m for m in msgs if m["type"] == "voice"]
    pose = [m for m in msgs if m["type"] == "pose"]
    assert len(voice) >= 5 and len(pose) >= 5
    assert any(m["speaking"] for m in voice)
    levels = [m["loudness_dbfs"] for m in voice if m["loudness_dbfs"] is not None]
    assert levels and all(-45 < x < 0 for x in levels)
    pitches = [m["pitch_hz"] for m in voice if m["pitch_hz"] is not None]
    assert pitches and all(60 < p < 300 for p in pitches)
    visible = [m for m in pose if m["person_visible"]]
    assert len(visible) >= 0.8 * len(pose)
    nose = visible[-1]["keypoints"]["nose"]
    assert 0.2 < nose[0] < 0.8 and 0.1 < nose[1] < 0.7
    assert msgs[-1]["type"] == "session" and msgs[-1]["state"] == "ended"
    # each latest-wins type has its own budget (1.5× its 10/s production rate), everything at most 30/s
    assert len(voice) <= 15 * (seconds + 1) + 1 and len(pose) <= 15 * (seconds + 1) + 1
    assert len(msgs) <= 30 * (seconds + 1) + 4
    assert r["observed"] >= len(msgs) - 1
    assert r["stats"]["video_analysed"] >= 10

    rec = r["recording"]
    assert rec["codecs"] == {"audio": "opus", "video": "vp8"}
    assert abs(rec["duration_s"] - seconds) <= 0.05 * seconds + 0.2
    video_frames, audio_s = _play(Path(rec["path"]))
    assert video_frames >= 0.9 * r["stats"]["video_frames"]
    assert audio_s >= 0.9 * seconds
    assert rec["bytes"] == Path(rec["path"]).stat().st_size


def test_killed_publisher_leaves_finalized_recording(tmp_path: Path) -> None:
    r = _scenario("killed", "--seconds", "3", "--no-media-timeout", "2", "--out", str(tmp_path))
    assert r["end_reason"] in ("no_media", "ice_failed")
    assert r["hook_called"] == 1
    assert r["end_after_kill_s"] < 6
    rec = r["recording"]
    assert rec["path"] and Path(rec["path"]).exists()
    assert not list(tmp_path.glob(".*.part"))
    assert abs(rec["duration_s"] - r["sent_s"]) <= 0.05 * r["sent_s"] + 0.2
    video_frames, audio_s = _play(Path(rec["path"]))
    assert video_frames > 0 and audio_s >= 0.9 * r["sent_s"]
    assert not r["tensorflow_in_server"]
