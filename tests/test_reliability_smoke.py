"""Short versions of the reliability scripts (bench.fuzz, bench.faults, bench.soak, bench.load) against a real
``podium serve``: seconds instead of minutes, the same checks: no 5xx, no crash, no lost recording.

The full sizes and their figures are in the README ("Reliability"); these runs keep the scripts working and fail
on the first 5xx, crash, lost recording or worker that is not replaced.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.webrtc_support import netns_available

pytestmark = pytest.mark.slow
LIVE_ENV = ["--server-env", "PODIUM_LIVE_ASR=false", "--server-env", "PODIUM_WORKERS=1"]


def run_bench(module: str, args: list[str], out: Path, timeout_s: float) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", module, *args, "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    report: dict[str, Any] = json.loads(out.read_text())
    return report


@pytest.fixture
def netns() -> None:
    if not netns_available():
        pytest.skip("needs root to create a network namespace (unshare -n)")


def test_fuzz_short_run_gets_no_5xx_and_every_bad_file_a_4xx_or_a_failed_job(tmp_path: Path) -> None:
    args = ["--openapi", "50", "--sdp", "100", "--tus", "50", "--media", "10", "--analyzer", "probe", "--batch", "5"]
    report = run_bench("bench.fuzz", args, tmp_path / "fuzz.json", 240)
    for section in ("openapi", "sdp", "tus", "media"):
        assert report[section]["5xx"] == 0, report[section]["5xx_examples"]
        assert report[section]["transport_errors"] == 0, report[section]["transport_examples"]
    assert report["openapi"]["requests"] >= 50
    assert report["sdp"]["requests"] >= 100
    media = report["media"]
    assert media["files"] == 10
    assert set(media["verdicts"]) <= {"rejected_4xx", "analysed", "job_failed"}, media["bad"]
    assert report["server_crashes"] == 0 and report["server_alive"]
    assert report["unhandled_errors_logged"] == []


@pytest.mark.usefixtures("netns")
def test_killed_pose_worker_is_replaced_and_the_recording_survives(tmp_path: Path) -> None:
    args = ["--only", "workers", "--kills", "pose", "--seconds", "10", *LIVE_ENV]
    report = run_bench("bench.faults", args, tmp_path / "faults.json", 300)["workers"]
    assert "error" not in report, report
    assert report["pose_worker_killed"] is not None
    assert report["pose_flowing_before"] > 0
    assert report["pose_resumed_after_s"] is not None, "pose feedback never came back after the worker was killed"
    assert report["voice_after_pose_kill_s"] is not None and report["voice_after_pose_kill_s"] < 2
    assert report["recording"]["status"] == 200 and report["recording"]["playable_s"] > 5
    assert report["server_alive"]


@pytest.mark.usefixtures("netns")
def test_twenty_second_soak_loses_no_recording(tmp_path: Path) -> None:
    args = ["--sessions", "1", "--minutes", str(20 / 60), *LIVE_ENV]
    report = run_bench("bench.soak", args, tmp_path / "soak.json", 300)
    assert report["lost_recordings"] == 0, report["recordings"]
    assert report["server_crashes"] == 0 and report["server_alive"]
    assert report["voice_p95_ms_per_minute"] and report["voice_p95_ms_per_minute"][0] is not None


@pytest.mark.usefixtures("netns")
def test_ten_api_users_and_two_uploads_get_no_5xx_while_a_session_is_live(tmp_path: Path) -> None:
    args = ["--users", "10", "--uploads", "2", "--seconds", "5", "--baseline", "3", *LIVE_ENV]
    report = run_bench("bench.load", args, tmp_path / "load.json", 300)
    assert report["api"]["requests"] > 50
    assert report["api"]["5xx"] == 0 and report["api"]["errors"] == 0, report["api"]["error_examples"]
    assert report["uploads_done"]["5xx"] == 0 and report["uploads_done"]["completed"] >= 1
    assert report["voice_messages_during_load"] > 0
    assert report["server_crashes"] == 0 and report["server_alive"]
    assert report["unhandled_errors_logged"] == []
