"""End-to-end test of remote coaching in Debian Chromium: a speaker and a coach, two browser contexts, one server.

``python -m tests.coach_e2e --workdir DIR`` runs inside a network namespace (see
:func:`tests.browser_support.namespace_command`): it builds the web app from the current sources into ``DIR/dist``
(or serves ``--web-dir``), writes the fake camera and microphone files and starts ``podium serve`` (with the fast
fake analyser: this test is about coaching, not analysis). Then, each in their own browser context: the coach
signs up; the speaker signs up, shares all sessions with the coach (comment) on the Shares page and starts a
practice session; the coach finds it in Sessions (marked as shared by the speaker), opens Watch, waits for the
speaker's video and feedback, stamps a note with ``n``, tags it and sends it with Enter; the speaker's page shows
the note (the delay is measured with both pages' clocks, the same machine's). The speaker turns live notes off,
the coach sends a second note, the speaker turns them on again and the coach sends a third: the speaker's page
then holds the first and third notes and not the second (the data channel is ordered, so the second would have
come first). The speaker stops; the review page shows all three notes on the timeline, and clicking a marker
seeks the recording there. Pages are audited with axe-core; ``--screenshots docs/screenshots`` copies the watch
and shares pages' photos there. The last stdout line is a JSON summary of what was observed.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TEST_PASSWORD,
    free_port,
    running_server,
    summary_reported,
    write_fake_media,
)
from tests.web_e2e import copy_screenshots
from tests.web_support import VIEWPORT, audit, build_web

SPEAKER_EMAIL = "speaker@example.com"
COACH_EMAIL = "coach@example.com"
SECOND_COACH_EMAIL = "grace@example.com"
TITLE = "Quarterly update"
FIRST_NOTE = "Slow down a little here"
HIDDEN_NOTE = "A note while live notes are off"
THIRD_NOTE = "Much better pace now"
SCREENSHOTS = ("watch", "shares")
STEP_TIMEOUT_MS = 30_000
REPORT_TIMEOUT_MS = 90_000
SEEK_TOLERANCE_S = 0.3
SESSION_PATH = re.compile(r"/sessions/([0-9A-Za-z_-]+)$")

# The speaker's page records when each coach's note first appears (Date.now(), the same clock as the coach's page).
_WATCH_NOTES = """() => {
    window.__podiumNotesSeen = {};
    const seen = () => {
        for (const li of document.querySelectorAll(".coach-notes [data-note]")) {
            const text = li.querySelector(".coach-note-text")?.textContent ?? "";
            if (!(text in window.__podiumNotesSeen)) window.__podiumNotesSeen[text] = Date.now();
        }
    };
    new MutationObserver(seen).observe(document.body, { childList: true, subtree: true, characterData: true });
    seen();
}"""
# The coach's page records when Enter is pressed in the note box.
_WATCH_SEND = """() => {
    window.__podiumSentAt = [];
    document.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && e.target && e.target.id === "note-text") window.__podiumSentAt.push(Date.now());
    }, true);
}"""
_REMOTE_VIDEO = """() => {
    const v = document.querySelector("#remote");
    return v !== null && v.videoWidth > 0 && v.readyState >= 2 && v.currentTime > 0;
}"""
_VIDEO_STATE = """() => {
    const v = document.querySelector("video");
    return v && { time: v.currentTime, ready: v.readyState, seeking: v.seeking, duration: v.duration,
                  error: v.error && v.error.message };
}"""
_SEEKED_TO = """([t, tolerance]) => {
    const v = document.querySelector("video");
    return v !== null && !v.seeking && Math.abs(v.currentTime - t) <= tolerance;
}"""


@dataclass
class Run:
    """Both pages, the server's base URL, where screenshots go and what was observed."""

    speaker: Any
    coach: Any
    base: str
    screens: Path
    summary: dict[str, Any] = field(default_factory=dict)

    def record(self, page: Any, name: str, *, screenshot: bool = False) -> None:
        """Audit ``page`` with axe-core (and photograph it as ``name``.png)."""
        if screenshot:
            page.screenshot(path=str(self.screens / f"{name}.png"))
        self.summary["axe"][name] = audit(page)

    def elapsed(self, key: str, since: float) -> None:
        self.summary[key] = round(time.monotonic() - since, 2)


def sign_up(page: Any, base: str, email: str) -> None:
    """A new account through the sign-up form (with the recording consent); ends on the practice page."""
    page.goto(f"{base}/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("I agree to have my practice sessions recorded").check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/practice$"), timeout=STEP_TIMEOUT_MS)


def nav(page: Any, label: str, path: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label).click()
    page.wait_for_url(re.compile(f"{path}$"), timeout=STEP_TIMEOUT_MS)
    page.get_by_role("heading", level=1).wait_for()


def share_with_coach(run: Run) -> None:
    """The speaker shares all their sessions (present and future) with the coach, permission comment."""
    page = run.speaker
    nav(page, "Shares", "/shares")
    page.get_by_label("Coach's email").fill(COACH_EMAIL)
    page.get_by_label("Permission", exact=True).select_option("comment")
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_role("status").filter(has_text=f"Shared with {COACH_EMAIL}").wait_for(timeout=STEP_TIMEOUT_MS)
    row = page.get_by_role("list", name="Shared by me").get_by_role("listitem")
    row.first.wait_for()
    run.summary["shares_given"] = row.all_inner_texts()


def go_live(run: Run) -> None:
    """The speaker starts a practice session and waits until it is live."""
    page = run.speaker
    nav(page, "Practice", "/practice")
    page.get_by_label("Talk title").fill(TITLE)
    page.locator("#start:not([disabled])").wait_for(timeout=STEP_TIMEOUT_MS)
    started = time.monotonic()
    page.locator("#start").click()
    page.wait_for_function(
        "() => document.querySelector('#conn-state')?.dataset.state === 'connected'", timeout=STEP_TIMEOUT_MS
    )
    run.elapsed("speaker_live_s", started)
    page.evaluate(_WATCH_NOTES)


def open_watch(run: Run) -> None:
    """The coach finds the live session in Sessions (shared by the speaker) and opens Watch."""
    page, summary = run.coach, run.summary
    nav(page, "Sessions", "/sessions")
    watch = page.get_by_role("link", name=f"Watch “{TITLE}” live")
    watch.wait_for(timeout=STEP_TIMEOUT_MS)
    summary["coach_sessions_owner"] = page.locator(".session-owner").first.inner_text()
    started = time.monotonic()
    watch.click()
    page.wait_for_url(re.compile(r"/watch/"), timeout=STEP_TIMEOUT_MS)
    page.wait_for_function(
        "() => document.querySelector('#watch-state')?.dataset.state === 'live'", timeout=STEP_TIMEOUT_MS
    )
    run.elapsed("coach_connected_s", started)
    page.wait_for_function(_REMOTE_VIDEO, timeout=STEP_TIMEOUT_MS)
    run.elapsed("coach_video_s", started)
    page.wait_for_function(
        "() => Number(document.querySelector('.watch')?.dataset.messages) >= 3", timeout=STEP_TIMEOUT_MS
    )
    run.elapsed("coach_feedback_s", started)
    summary["coach_video_size"] = page.evaluate(
        "(() => { const v = document.querySelector('#remote'); return [v.videoWidth, v.videoHeight]; })()"
    )
    page.evaluate(_WATCH_SEND)


def send_note(run: Run, text: str, tag: str | None = None) -> None:
    """The coach presses n (stamping the moment), optionally picks a quick tag, types ``text`` and presses Enter;
    returns once the note is in the coach's own list."""
    page = run.coach
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("n")
    box = page.get_by_role("textbox", name=re.compile(r"^Note"))
    box.wait_for()
    if tag:
        page.get_by_role("group", name="Quick tags").get_by_role("button", name=tag).click()
        box.focus()
    box.fill(text)
    box.press("Enter")
    page.locator(".notes-list .notes-text", has_text=text).wait_for(timeout=STEP_TIMEOUT_MS)


def seen_on_speaker(run: Run, text: str) -> float:
    """Wait until the speaker's page shows ``text`` as a coach's note; the delay since the coach's Enter (s)."""
    run.speaker.locator(".coach-notes .coach-note-text", has_text=text).wait_for(timeout=STEP_TIMEOUT_MS)
    seen = run.speaker.evaluate(f"window.__podiumNotesSeen[{json.dumps(text)}]")
    sent = run.coach.evaluate("window.__podiumSentAt[window.__podiumSentAt.length - 1]")
    return round((seen - sent) / 1000, 3)


def switch_live_notes(run: Run, on: bool) -> None:
    """The speaker flips "Coaches' notes while I speak" and waits for the server to accept it."""
    page = run.speaker
    box = page.get_by_label("Coaches' notes while I speak")
    with page.expect_response(lambda r: r.request.method == "PATCH" and "/api/v1/sessions/" in r.url) as patch:
        box.set_checked(on)
    response = patch.value
    run.summary.setdefault("live_notes_patches", []).append([response.status, response.json().get("live_notes")])


def exchange_notes(run: Run) -> None:
    """A tagged note reaches the speaker; one sent with live notes off does not; one after turning on again does."""
    summary = run.summary
    send_note(run, FIRST_NOTE, tag="Pace")
    summary["note_delay_s"] = seen_on_speaker(run, FIRST_NOTE)
    summary["speaker_note_tag"] = run.speaker.locator(".coach-note-tag").first.inner_text()
    run.record(run.speaker, "practice-notes", screenshot=True)
    run.coach.mouse.move(VIEWPORT["width"] - 40, 20)
    run.coach.evaluate("window.scrollTo(0, 0)")
    run.record(run.coach, "watch", screenshot=True)
    switch_live_notes(run, on=False)
    summary["speaker_panel_when_off"] = run.speaker.locator(".coach-notes").count()
    send_note(run, HIDDEN_NOTE)
    switch_live_notes(run, on=True)
    send_note(run, THIRD_NOTE, tag="Great")
    summary["third_note_delay_s"] = seen_on_speaker(run, THIRD_NOTE)
    summary["speaker_notes"] = run.speaker.locator(".coach-notes .coach-note-text").all_inner_texts()
    summary["coach_notes"] = run.coach.locator(".notes-list .notes-text").all_inner_texts()


def end_and_review(run: Run) -> None:
    """The speaker stops; the coach's page says it ended; the review timeline holds the notes, a marker seeks."""
    page, summary = run.speaker, run.summary
    page.locator("#stop").click()
    page.wait_for_url(SESSION_PATH, timeout=STEP_TIMEOUT_MS)
    found = SESSION_PATH.search(page.url)
    summary["session_id"] = found.group(1) if found else None
    run.coach.wait_for_function(
        "() => document.querySelector('.watch')?.dataset.phase === 'ended'", timeout=STEP_TIMEOUT_MS
    )
    summary["coach_after_end"] = run.coach.get_by_role("status").filter(has_text="ended").first.inner_text()
    track = page.get_by_role("figure", name="Notes on the timeline")
    started = time.monotonic()
    track.wait_for(timeout=REPORT_TIMEOUT_MS)
    run.elapsed("review_notes_s", started)
    markers = track.get_by_role("button")
    summary["review_markers"] = [
        {"label": m.get_attribute("aria-label"), "t": float(m.get_attribute("data-t") or "nan")} for m in markers.all()
    ]
    summary["review_list"] = (
        page.get_by_role("list", name="Notes on this session").locator(".notes-text").all_inner_texts()
    )
    page.wait_for_function("() => document.querySelector('video')?.readyState >= 1", timeout=STEP_TIMEOUT_MS)
    first = markers.first
    target = float(first.get_attribute("data-t") or "nan")
    first.click()
    page.wait_for_function(_SEEKED_TO, arg=[target, SEEK_TOLERANCE_S], timeout=10_000)
    summary["video_after_marker"] = {"target": target, **page.evaluate(_VIDEO_STATE)}
    run.record(page, "review-notes", screenshot=True)


def drive(run: Run) -> None:
    sign_up(run.coach, run.base, COACH_EMAIL)
    sign_up(run.speaker, run.base, SPEAKER_EMAIL)
    share_with_coach(run)
    go_live(run)
    open_watch(run)
    exchange_notes(run)
    nav(run.coach, "Shares", "/shares")  # the coach's view: shared with me (the watch page stays in history)
    run.record(run.coach, "shares-received")
    run.coach.go_back()
    run.coach.wait_for_function(
        "() => document.querySelector('#watch-state')?.dataset.state === 'live'", timeout=STEP_TIMEOUT_MS
    )
    end_and_review(run)


def register(base: str, email: str) -> None:
    """An account made through the API (consenting), for a coach the test does not sign in as."""
    body = json.dumps({"email": email, "password": TEST_PASSWORD, "consent": True}).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/auth/register", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201, response.status


def shares_screenshot(run: Run) -> None:
    """The speaker also shares the finished session, view only, with a second coach; then photographs the page
    (the all-sessions share and this one)."""
    page = run.speaker
    register(run.base, SECOND_COACH_EMAIL)
    nav(page, "Shares", "/shares")
    page.get_by_label("What to share").select_option(label=f"{TITLE} (analyzed)")
    page.get_by_label("Coach's email").fill(SECOND_COACH_EMAIL)
    page.get_by_label("Permission", exact=True).select_option("view")
    page.get_by_role("button", name="Share", exact=True).click()
    rows = page.get_by_role("list", name="Shared by me").get_by_role("listitem")
    rows.filter(has_text=SECOND_COACH_EMAIL).wait_for(timeout=STEP_TIMEOUT_MS)
    run.summary["shares_given_after"] = rows.all_inner_texts()
    page.mouse.move(VIEWPORT["width"] - 40, 20)
    run.record(page, "shares", screenshot=True)


def _listen(page: Any, who: str, summary: dict[str, Any]) -> None:
    page.on("console", lambda m: summary["console_errors"].append(f"{who}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: summary["page_errors"].append(f"{who}: {e}"))


def run(workdir: Path, web_dir: Path | None, summary: dict[str, Any]) -> None:
    """Build (unless given) the web app, write media, start the server and drive both pages."""
    from playwright.sync_api import sync_playwright

    workdir.mkdir(parents=True, exist_ok=True)
    screens = workdir / "screens"
    screens.mkdir(exist_ok=True)
    t0 = time.monotonic()
    web = web_dir or build_web(workdir / "dist")
    summary["build_s"] = round(time.monotonic() - t0, 2)
    video, audio = write_fake_media(workdir)
    summary.update(axe={}, console_errors=[], page_errors=[])
    with running_server(workdir, free_port(), timeout_s=180.0, env_overrides={"PODIUM_WEB_DIR": str(web)}) as base:
        summary["server_ready_s"] = round(time.monotonic() - t0, 2)
        fake = [f"--use-file-for-fake-video-capture={video}", f"--use-file-for-fake-audio-capture={audio}"]
        with sync_playwright() as pw:
            browser: Any = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *fake]
            )
            try:
                speaker = browser.new_context(viewport=VIEWPORT).new_page()
                coach = browser.new_context(viewport=VIEWPORT).new_page()
                _listen(speaker, "speaker", summary)
                _listen(coach, "coach", summary)
                visit = Run(speaker, coach, base, screens, summary)
                try:
                    drive(visit)
                    shares_screenshot(visit)
                except Exception:
                    speaker.screenshot(path=str(workdir / "failure-speaker.png"))
                    coach.screenshot(path=str(workdir / "failure-coach.png"))
                    raise
            finally:
                browser.close()
    summary["total_s"] = round(time.monotonic() - t0, 2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--web-dir", type=Path, help="serve this built web app instead of building one")
    parser.add_argument("--screenshots", type=Path, help="copy the watch and shares screenshots into this directory")
    args = parser.parse_args(argv)
    summary: dict[str, Any] = {}
    workdir = args.workdir.resolve()
    with summary_reported(summary, workdir):
        run(workdir, args.web_dir, summary)
        if args.screenshots:
            summary["screenshots"] = copy_screenshots(workdir / "screens", args.screenshots, SCREENSHOTS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
