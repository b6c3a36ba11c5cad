"""The practice page in ``web/``: served assets, value formatting, real Chromium publishing over WHIP."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import browser_support

WEB_DIR = Path(__file__).resolve().parents[1] / "web"


def test_feedback_values_are_formatted_with_units() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = f"""
        import {{ fieldLabel, formatValue }} from {json.dumps((WEB_DIR / "feedback.js").as_uri())};
        const cases = [["loudness_dbfs", -23.456], ["pitch_hz", 181.6], ["pitch_variety_st", 2.04],
                       ["speech_ratio", 0.734], ["pause_s", 0.5], ["infer_ms", 12.7], ["wpm", 151.2],
                       ["speaking", true], ["person_visible", false], ["pitch_hz", null], ["text", ""],
                       ["keypoints", {{nose: [0.5, 0.2, 0.99], left_wrist: [0.1, 0.9, 0.2]}}],
                       ["words", [["so", 0.1, 0.3]]], ["scores", {{a: 1}}],
                       ["features", {{head_tilt_deg: 3.14, lean_ratio: 0.25, arms_crossed: false}}],
                       ["nested", {{a: {{b: 1}}}}],
                       ["labels", ["upright", "still"]], ["count", 3]];
        console.log(JSON.stringify({{
            values: cases.map(([k, v]) => formatValue(k, v)),
            labels: ["loudness_dbfs", "pitch_variety_st", "speech_ratio", "infer_ms"].map(fieldLabel),
        }}));
    """
    result = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True, timeout=30
    )
    out = json.loads(result.stdout)
    assert out["values"] == [
        "-23.5 dBFS",
        "182 Hz",
        "2.0 st",
        "73 %",
        "0.50 s",
        "13 ms",
        "151 wpm",
        "yes",
        "no",
        "—",
        "—",
        "2 points",
        "1 item",
        "a: 1",
        "head tilt: 3.1°, lean ratio: 25 %, arms crossed: no",
        "1 entry",
        "upright, still",
        "3",
    ]
    assert out["labels"] == ["loudness", "pitch variety", "speech ratio", "inference"]


def test_running_transcript_appends_committed_words_and_replaces_the_interim_tail() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = f"""
        import {{ RunningTranscript }} from {json.dumps((WEB_DIR / "feedback.js").as_uri())};
        const t = new RunningTranscript(4);
        const shown = [
            t.add({{text: "good morning", interim: "every", final: false}}),
            t.add({{text: "", interim: "everyone and", final: false}}),
            t.add({{text: "everyone and", interim: "", final: false}}),
            t.add({{text: "thank you", final: true}}),
        ];
        console.log(JSON.stringify(shown));
    """
    result = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True, timeout=30
    )
    assert json.loads(result.stdout) == [
        "good morning … every",
        "good morning … everyone and",
        "good morning everyone and",
        "everyone and thank you",
    ]


@pytest.mark.slow
def test_chromium_publishes_from_the_practice_page_and_sees_feedback(tmp_path: Path) -> None:
    problem = browser_support.environment_problem()
    if problem is not None:
        pytest.skip(problem)
    driver = [sys.executable, "-m", "tests.browser_support", "--workdir", str(tmp_path)]
    command = browser_support.namespace_command([*driver, "--feedback-timeout", "30"])
    result = subprocess.run(
        command, cwd=browser_support.REPO_ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    lines = result.stdout.strip().splitlines()
    assert lines, f"driver printed nothing (rc {result.returncode}):\n{result.stderr[-3000:]}"
    summary = json.loads(lines[-1])
    log_path = tmp_path / "server.log"
    server_log = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
    context = f"summary={json.dumps(summary, indent=1)}\nstderr={result.stderr[-2000:]}\nserver:\n{server_log}"
    assert result.returncode == 0 and "fatal" not in summary, context

    assert summary["secure_context"] is True
    assert summary["unknown_login_error"], context
    assert summary["error_cleared_after_register"] is True
    assert summary["signed_in_as"] == browser_support.TEST_EMAIL

    assert summary["connected_s"] is not None, context
    assert summary["preview_playing"] is True
    assert summary["voice_count"] >= 3 and summary["pose_count"] >= 3, context
    assert summary["speaking_seen_s"] is not None, context
    assert summary["person_visible_seen_s"] is not None, context
    loudness = summary["voice_values"]["loudness_dbfs"]
    assert loudness == "—" or -90 < float(loudness.split()[0]) <= 0, loudness
    assert summary["card_types"][:2] == ["voice", "pose"]
    assert summary["page_errors"] == []

    assert summary["stopped_s"] is not None, context
    assert summary["error_after_stop"] == "", context
    assert summary["stop_button_disabled"] is True and summary["start_button_enabled"] is True
    assert [s["title"] for s in summary["server_sessions"]] == ["Browser test talk"]
    assert summary["server_sessions"][0]["state"] != "live", context
    assert (tmp_path / "live.png").stat().st_size > 10_000
