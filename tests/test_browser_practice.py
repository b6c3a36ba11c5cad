"""The practice page of the web app (``web/src/pages/practice``): real Chromium publishing over WHIP.

Its pure logic (message parsing, pace, nudges, captions, skeleton) has Vitest tests in ``web/src/live``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import browser_support

WEB_DIR = Path(__file__).resolve().parents[1] / "web"


@pytest.mark.slow
def test_chromium_publishes_from_the_practice_page_and_sees_feedback(tmp_path: Path) -> None:
    problem = browser_support.environment_problem()
    if problem is not None:
        pytest.skip(problem)
    if not (WEB_DIR / "dist" / "index.html").exists():
        pytest.skip("the web app is not built (make web)")
    summary, context = browser_support.run_driver("tests.browser_support", tmp_path, 240, "--feedback-timeout", "30")

    assert summary["secure_context"] is True
    assert summary["unknown_login_error"], context
    assert summary["error_cleared_after_register"] is True
    assert summary["signed_in_as"] == browser_support.TEST_EMAIL

    assert summary["connected_s"] is not None, context
    assert summary["preview_playing"] is True
    assert summary["first_voice_s"] is not None, context
    assert summary["speaking_seen_s"] is not None, context
    assert summary["person_visible_seen_s"] is not None, context
    assert summary["message_count"] >= 6, context
    loudness = summary["gauges"][1]
    assert loudness == "—" or -90 < float(loudness.split()[0]) <= 0, loudness
    assert summary["page_errors"] == []

    assert summary["stopped_s"] is not None, context
    assert summary["error_after_stop"] == "", context
    assert [s["title"] for s in summary["server_sessions"]] == ["Browser test talk"]
    assert summary["server_sessions"][0]["state"] != "live", context
    assert (tmp_path / "live.png").stat().st_size > 10_000
