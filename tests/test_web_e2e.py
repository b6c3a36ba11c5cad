"""The web app end to end in real Chromium: sign-up, practice, analysed review, fillers, lists, upload, sign-out,
with every page free of serious or critical axe-core violations (driver: :mod:`tests.web_e2e`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import browser_support, web_e2e
from tests.web_support import blocking, web_problem


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_speaker_practises_reviews_uploads_and_signs_out_in_chromium(tmp_path: Path) -> None:
    problem = browser_support.environment_problem() or web_problem()
    if problem is not None:
        pytest.skip(problem)
    summary, context = browser_support.run_driver("tests.web_e2e", tmp_path, 560)

    assert summary["redirect_to_signin"] == "/signin?next=%2Fpractice", context
    assert summary["after_signup"] == "/practice"
    assert summary["practised_s"] >= web_e2e.PRACTISE_S - 0.5
    assert summary["review_via"] in ("redirect", "link"), context

    assert summary["practice_progress_samples"] > 0, context
    assert summary["practice_words"] > 0, context
    assert summary["report_filler_starts"], context
    clicked = summary["clicked_filler"]
    video = summary["video_after_click"]
    assert video["error"] is None and video["ready"] >= 1, context
    assert abs(video["time"] - clicked["start_s"]) <= web_e2e.SEEK_TOLERANCE_S, context
    assert min(abs(clicked["start_s"] - t) for t in summary["report_filler_starts"]) <= 0.05, context

    assert summary["sessions_links_session"] is True
    assert summary["progress_lists_session"] is True, context
    assert summary["upload_session_id"] != summary["session_id"]
    assert summary["upload_words"] > 0, context

    sid = summary["session_id"]
    assert summary["deep_link_after_signout"] == f"/signin?next=%2Fsessions%2F{sid}", context
    assert summary["me_after_signout"] == 401
    assert summary["page_errors"] == [], context
    assert summary["review-640_scroll_width"] <= web_e2e.NARROW_WIDTH, "the review page scrolls sideways at 640 px"

    audited = set(summary["axe"])
    assert {"signin", "signup", "practice", "review", "sessions", "progress", "upload"} <= audited
    serious = {page: blocking(found) for page, found in summary["axe"].items() if blocking(found)}
    assert serious == {}, json.dumps(serious, indent=1)
    for name in web_e2e.SCREENSHOTS:
        assert (tmp_path / "screens" / f"{name}.png").stat().st_size > 10_000, name
