"""Remote coaching end to end in real Chromium: a speaker shares with a coach and goes live; the coach watches
(video over WHEP, the live feedback), sends timed notes that reach the speaker's page within a second, the
speaker's live-notes switch holds one back, and every note is on the review timeline afterwards, a marker seeking
the recording (driver: :mod:`tests.coach_e2e`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import browser_support, coach_e2e
from tests.web_support import blocking, web_problem

NOTE_BUDGET_S = 1.0
# On a loaded machine (2 shared cores) one note may miss the budget; none may take longer than this.
NOTE_CEILING_S = 5.0


@pytest.mark.slow
@pytest.mark.timeout(520)
def test_a_coach_watches_live_and_the_speaker_sees_the_notes_in_chromium(tmp_path: Path) -> None:
    problem = browser_support.environment_problem() or web_problem()
    if problem is not None:
        pytest.skip(problem)
    summary, context = browser_support.run_driver("tests.coach_e2e", tmp_path, 480)

    assert summary["shares_given"] and coach_e2e.COACH_EMAIL in summary["shares_given"][0], context
    second = [row for row in summary["shares_given_after"] if coach_e2e.SECOND_COACH_EMAIL in row]
    assert len(second) == 1 and coach_e2e.TITLE in second[0], context
    assert summary["coach_sessions_owner"].startswith(f"Shared by {coach_e2e.SPEAKER_EMAIL}"), context
    width, height = summary["coach_video_size"]
    assert width >= 160 and height >= 120, context

    delays = [summary["note_delay_s"], summary["third_note_delay_s"]]
    assert min(delays) <= NOTE_BUDGET_S, context
    assert max(delays) <= NOTE_CEILING_S, context
    assert summary["speaker_note_tag"] == "Pace"

    assert summary["live_notes_patches"] == [[200, False], [200, True]], context
    assert summary["speaker_panel_when_off"] == 0
    assert summary["speaker_notes"] == [coach_e2e.THIRD_NOTE, coach_e2e.FIRST_NOTE], context
    all_notes = [coach_e2e.FIRST_NOTE, coach_e2e.HIDDEN_NOTE, coach_e2e.THIRD_NOTE]
    assert summary["coach_notes"] == all_notes, context

    assert "ended" in summary["coach_after_end"], context
    assert summary["review_list"] == all_notes, context
    markers = summary["review_markers"]
    assert [m["t"] for m in markers] == sorted(m["t"] for m in markers), context
    assert [coach_e2e.FIRST_NOTE in m["label"] for m in markers] == [True, False, False], context
    video = summary["video_after_marker"]
    assert video["error"] is None and video["ready"] >= 1, context
    assert markers[0]["t"] < video["duration"], context
    assert abs(video["time"] - video["target"]) <= coach_e2e.SEEK_TOLERANCE_S, context

    assert summary["page_errors"] == [], context
    assert [e for e in summary["console_errors"] if "401" not in e] == [], context
    assert {"watch", "shares", "practice-notes", "review-notes", "shares-received"} <= set(summary["axe"])
    serious = {page: blocking(found) for page, found in summary["axe"].items() if blocking(found)}
    assert serious == {}, json.dumps(serious, indent=1)
    for name in coach_e2e.SCREENSHOTS:
        assert (tmp_path / "screens" / f"{name}.png").stat().st_size > 10_000, name
