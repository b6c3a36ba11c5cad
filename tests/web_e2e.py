"""End-to-end test of the web app in Debian Chromium through the real server (real analysis jobs).

``python -m tests.web_e2e --workdir DIR`` runs inside a network namespace (see
:func:`tests.browser_support.namespace_command`): it builds the web app from the current sources into
``DIR/dist`` (or serves ``--web-dir``), writes the fake camera and microphone files and a short talk to upload,
starts ``podium serve`` with the real analyser and walks through the app like a speaker: a protected page
redirects to sign-in, sign up, practise ~20 s, stop, watch the analysis progress, read the report, click a filler
in the transcript (the video seeks there), find the session on the sessions and progress pages, upload a talk and
read its report, sign out, and a deep link redirects to sign-in again. Every page is audited with axe-core and
photographed at 1280×860 into ``DIR/screens``; ``--screenshots docs/screenshots`` copies the photos there (each
under :data:`SCREENSHOT_MAX_BYTES`). The last stdout line is a JSON summary of what was observed.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser_support import TEST_PASSWORD, free_port, running_server, summary_reported, write_fake_media
from tests.web_support import VIEWPORT, audit, build_web, launch

REAL_ANALYZER = "server.analysis.job:analyze_recording"
ANALYSIS_OPTIONS = {"pose_variant": "lite"}  # the live pipeline's pose model: the real analysis, sooner on 2 cores
TEST_EMAIL = "e2e-speaker@example.com"
PRACTICE_TITLE = "Browser practice run"
UPLOAD_TITLE = "Uploaded talk"
UPLOAD_SCRIPT = (
    "Thank you all for coming today. {um} This short talk was recorded at home. "
    "{pause:0.6} Let me tell you what we found."
)
PRACTISE_S = 20.0
REPORT_TIMEOUT_S = 180.0
SEEK_TOLERANCE_S = 0.3
NARROW_WIDTH = 640
SCREENSHOT_MAX_BYTES = 300_000
SCREENSHOTS = ("signin", "signup", "practice", "review", "sessions", "progress", "upload")

TRANSCRIPT = "[role=region][aria-label^='Transcript']"
TRANSCRIPT_WORD = f"{TRANSCRIPT} [data-word]"
TRANSCRIPT_FILLER = f"{TRANSCRIPT} [data-word][title^='Filler']"
REPORT_READY = f"""() => {{
    const word = document.querySelector("{TRANSCRIPT_WORD}");
    const line = [...document.querySelectorAll("figure svg path.recharts-curve")]
        .some((p) => p.getBoundingClientRect().width > 0);
    return word !== null && line;
}}"""
SESSION_PATH = re.compile(r"/sessions/([0-9A-Za-z_-]+)$")

# Samples the analysis progress bar a few times a second (SPA navigation keeps the page's globals).
_WATCH_PROGRESS = """() => {
    window.__podiumProgress = [];
    window.__podiumProgressTimer = setInterval(() => {
        const bar = document.querySelector("[role=progressbar]");
        if (bar) window.__podiumProgress.push(Number(bar.getAttribute("aria-valuenow")));
    }, 200);
}"""
_STOP_WATCHING = "() => { clearInterval(window.__podiumProgressTimer); return window.__podiumProgress; }"
_SEEKED_TO = """([t, tolerance]) => {
    const v = document.querySelector("video");
    return !v.seeking && Math.abs(v.currentTime - t) <= tolerance;
}"""
_VIDEO_STATE = """() => {
    const v = document.querySelector("video");
    return v && { time: v.currentTime, ready: v.readyState, seeking: v.seeking, duration: v.duration,
                  error: v.error && v.error.message };
}"""


@dataclass(frozen=True)
class Visit:
    """The browser page, the server's base URL and where screenshots go, for one scenario run."""

    page: Any
    base: str
    screens: Path
    summary: dict[str, Any]

    def record(self, name: str, *, screenshot: str | None = None) -> None:
        """Audit the page as it is now with axe-core (and photograph it when ``screenshot`` names it)."""
        if screenshot:
            self.page.screenshot(path=str(self.screens / f"{screenshot}.png"))
        self.summary["axe"][name] = audit(self.page)

    def path(self) -> str:
        """The page's path and query, without the origin."""
        url: str = self.page.url
        return url.removeprefix(self.base)


def write_upload_talk(workdir: Path) -> Path:
    """A few seconds of espeak-ng speech with an "um", muxed with a video of the person photo (VP8 + Opus WebM)."""
    from inference.training.speech_synth import SynthVoice, synthesize
    from tests.generators.video import VideoScript, write_video

    clip = synthesize(UPLOAD_SCRIPT, SynthVoice(name="en-us", rate_wpm=150), tail_s=0.5)
    path = workdir / "uploaded-talk.webm"
    script = VideoScript(duration_s=clip.truth.duration_s, fps=10.0, width=320, height=240)
    write_video(path, script, audio=clip.samples, sample_rate=16_000)
    return path


def _timed(summary: dict[str, Any], key: str, step: Callable[[], Any]) -> Any:
    start = time.monotonic()
    result = step()
    summary[key] = round(time.monotonic() - start, 2)
    return result


def sign_up(visit: Visit) -> None:
    """A protected page sends a new visitor to sign-in; the sign-up link leads to the account form."""
    page = visit.page
    page.goto(f"{visit.base}/practice")
    page.wait_for_url(re.compile(r"/signin"), timeout=30_000)
    page.get_by_role("heading", level=1).wait_for()
    visit.summary["redirect_to_signin"] = visit.path()
    visit.record("signin", screenshot="signin")
    page.get_by_role("link", name="Create an account").click()
    page.wait_for_url(re.compile(r"/signup"))
    page.get_by_label("Email").fill(TEST_EMAIL)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("I agree to have my practice sessions recorded").check()
    visit.record("signup", screenshot="signup")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/practice$"), timeout=30_000)
    visit.summary["after_signup"] = visit.path()


def practise(visit: Visit) -> str:
    """Start a session, speak for :data:`PRACTISE_S` with the fake devices, stop; returns the session id."""
    page = visit.page
    page.get_by_role("heading", level=1).wait_for()
    page.get_by_label("Talk title").fill(PRACTICE_TITLE)
    visit.record("practice-idle")
    page.get_by_role("button", name=re.compile(r"^start", re.I)).click()
    stop = page.get_by_role("button", name=re.compile(r"^(stop|end|finish)", re.I))
    stop.wait_for(timeout=30_000)
    connection = page.get_by_role("status", name="Connection")
    _timed(visit.summary, "live_after_s", lambda: expect(connection).to_have_text("Live", timeout=60_000))
    started = time.monotonic()
    page.wait_for_timeout(PRACTISE_S * 500)
    visit.record("practice", screenshot="practice")
    page.wait_for_timeout(max(0.0, PRACTISE_S - (time.monotonic() - started)) * 1000)
    visit.summary["practised_s"] = round(time.monotonic() - started, 1)
    stop.click()
    return _review_id(visit)


def _review_id(visit: Visit) -> str:
    """The session's review page after stopping (the app navigates there, or links to it)."""
    page = visit.page
    try:
        page.wait_for_url(SESSION_PATH, timeout=20_000)
        visit.summary["review_via"] = "redirect"
    except Exception:
        page.get_by_role("link", name=re.compile(r"review|report|see", re.I)).first.click(timeout=10_000)
        page.wait_for_url(SESSION_PATH, timeout=10_000)
        visit.summary["review_via"] = "link"
    found = SESSION_PATH.search(visit.path())
    assert found is not None
    return found.group(1)


def await_report(visit: Visit, prefix: str) -> None:
    """Watch the analysis progress on the review page until the report (transcript and charts) is shown."""
    page = visit.page
    page.evaluate(_WATCH_PROGRESS)
    try:
        page.get_by_role("progressbar").wait_for(timeout=30_000)
        visit.record(f"{prefix}-analysing")
    except Exception:
        visit.summary[f"{prefix}_progressbar_missing"] = True
    try:
        _timed(
            visit.summary,
            f"{prefix}_report_s",
            lambda: page.wait_for_function(REPORT_READY, timeout=REPORT_TIMEOUT_S * 1000),
        )
    finally:
        samples = page.evaluate(_STOP_WATCHING)
        visit.summary[f"{prefix}_progress_samples"] = len(samples)
        visit.summary[f"{prefix}_progress_max"] = max(samples, default=None)
        visit.summary[f"{prefix}_words"] = page.locator(TRANSCRIPT_WORD).count()


def _report(visit: Visit, session_id: str) -> Any:
    """The session's report as the page's own cookie fetches it."""
    return visit.page.evaluate(
        "async (id) => (await fetch(`/api/v1/sessions/${id}/report`)).json()",
        session_id,
    )


def click_filler(visit: Visit, session_id: str) -> None:
    """Click the first filler in the transcript and read where the video went."""
    page, summary = visit.page, visit.summary
    page.wait_for_function("() => document.querySelector('video')?.readyState >= 1", timeout=30_000)
    speech = (_report(visit, session_id).get("report") or {}).get("speech") or {}
    starts = [f["start_s"] for f in speech.get("fillers", [])]
    starts += [w["start_s"] for w in speech.get("words", []) if w.get("filler")]
    summary["report_filler_starts"] = sorted(starts)
    filler = page.locator(TRANSCRIPT_FILLER).first
    summary["fillers_shown"] = page.locator(TRANSCRIPT_FILLER).count()
    if not summary["fillers_shown"]:
        return
    start = float(filler.get_attribute("data-start") or "nan")
    summary["clicked_filler"] = {"text": filler.inner_text(), "start_s": start}
    filler.click()
    page.wait_for_function(_SEEKED_TO, arg=[start, SEEK_TOLERANCE_S], timeout=10_000)
    summary["video_after_click"] = page.evaluate(_VIDEO_STATE)


def narrow(visit: Visit, name: str) -> None:
    """Audit and photograph the page in a laptop-half window (:data:`NARROW_WIDTH` px wide), then restore it."""
    visit.page.set_viewport_size({"width": NARROW_WIDTH, "height": VIEWPORT["height"]})
    try:
        visit.record(name, screenshot=name)
        visit.summary[f"{name}_scroll_width"] = visit.page.evaluate("document.documentElement.scrollWidth")
    finally:
        visit.page.set_viewport_size(VIEWPORT)


def check_lists(visit: Visit, session_id: str) -> None:
    """The sessions and progress pages show the practice session."""
    page, summary = visit.page, visit.summary
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Sessions").click()
    page.wait_for_url(re.compile(r"/sessions$"))
    link = page.locator(f"a[href$='/sessions/{session_id}']")
    link.first.wait_for(timeout=20_000)
    summary["sessions_links_session"] = link.count() > 0
    visit.record("sessions", screenshot="sessions")
    nav.get_by_role("link", name="Progress").click()
    page.wait_for_url(re.compile(r"/progress$"))
    page.get_by_role("heading", level=1).wait_for()
    listed = page.locator(f"a[href$='/sessions/{session_id}']").or_(page.get_by_text(PRACTICE_TITLE))
    try:
        listed.first.wait_for(timeout=20_000)
        summary["progress_lists_session"] = True
    except Exception:
        summary["progress_lists_session"] = False
    visit.record("progress", screenshot="progress")


def upload(visit: Visit, talk: Path) -> str:
    """Upload ``talk`` through the upload page's file input; returns the new session's id once reviewed."""
    page = visit.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Upload").click()
    page.wait_for_url(re.compile(r"/upload$"))
    page.get_by_role("heading", level=1).wait_for()
    visit.record("upload", screenshot="upload")
    page.get_by_label("Title", exact=True).fill(UPLOAD_TITLE)
    page.get_by_label("Choose a file").set_input_files(str(talk))
    found_id = _review_id(visit)
    await_report(visit, "upload")
    return found_id


def sign_out(visit: Visit, session_id: str) -> None:
    """Sign out; a deep link to a session then redirects to sign-in (with the page to return to)."""
    page, summary = visit.page, visit.summary
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/signin"), timeout=15_000)
    page.goto(f"{visit.base}/sessions/{session_id}")
    page.wait_for_url(re.compile(r"/signin"), timeout=15_000)
    summary["deep_link_after_signout"] = visit.path()
    summary["me_after_signout"] = page.evaluate("async () => (await fetch('/api/v1/me')).status")


def drive(visit: Visit, talk: Path) -> None:
    """The whole scenario in one browser page, filling the summary as it goes."""
    summary = visit.summary
    sign_up(visit)
    session_id = practise(visit)
    summary["session_id"] = session_id
    await_report(visit, "practice")
    click_filler(visit, session_id)
    visit.record("review-word-hovered")  # the pointer still rests on the word it clicked
    visit.page.mouse.move(VIEWPORT["width"] - 40, 20)
    visit.page.wait_for_function("() => document.querySelector('video')?.readyState >= 2", timeout=10_000)
    visit.record("review", screenshot="review")
    narrow(visit, "review-640")
    check_lists(visit, session_id)
    summary["upload_session_id"] = upload(visit, talk)
    visit.record("review-upload")
    sign_out(visit, session_id)


def run(workdir: Path, web_dir: Path | None, summary: dict[str, Any]) -> None:
    """Build (unless given) the web app, write media, start the server with the real analyser and drive it."""
    from playwright.sync_api import sync_playwright

    workdir.mkdir(parents=True, exist_ok=True)
    screens = workdir / "screens"
    screens.mkdir(exist_ok=True)
    t0 = time.monotonic()
    web = web_dir or _timed(summary, "build_s", lambda: build_web(workdir / "dist"))
    video, audio = write_fake_media(workdir)
    talk = write_upload_talk(workdir)
    summary["media_s"] = round(time.monotonic() - t0, 2)
    overrides = {
        "PODIUM_JOBS_ANALYZER": REAL_ANALYZER,
        "PODIUM_ANALYSIS_OPTIONS": json.dumps(ANALYSIS_OPTIONS),
        "PODIUM_WEB_DIR": str(web),
    }
    summary.update(axe={}, console_errors=[], page_errors=[])
    with running_server(workdir, free_port(), timeout_s=180.0, env_overrides=overrides) as base:
        summary["server_ready_s"] = round(time.monotonic() - t0, 2)
        fake = [f"--use-file-for-fake-video-capture={video}", f"--use-file-for-fake-audio-capture={audio}"]
        with sync_playwright() as pw:
            context = launch(pw, workdir / "chromium-profile", fake)
            try:
                page = context.new_page()
                page.on("console", lambda m: summary["console_errors"].append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: summary["page_errors"].append(str(e)))
                visit = Visit(page, base, screens, summary)
                try:
                    drive(visit, talk)
                except Exception:
                    page.screenshot(path=str(workdir / "failure.png"))
                    raise
            finally:
                context.close()
    summary["total_s"] = round(time.monotonic() - t0, 2)


def copy_screenshots(screens: Path, dest: Path, names: Sequence[str] = SCREENSHOTS) -> dict[str, int]:
    """Copy the named screenshots to ``dest``, re-encoded as palette PNGs when over the size limit."""
    from PIL import Image

    dest.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    for name in names:
        source, target = screens / f"{name}.png", dest / f"{name}.png"
        if not source.exists():
            continue
        with Image.open(source) as image:
            image.convert("RGB").save(target, optimize=True)
            if target.stat().st_size > SCREENSHOT_MAX_BYTES:
                image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE).save(target, optimize=True)
        sizes[name] = target.stat().st_size
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--web-dir", type=Path, help="serve this built web app instead of building one")
    parser.add_argument("--screenshots", type=Path, help="copy the page screenshots into this directory")
    args = parser.parse_args(argv)
    summary: dict[str, Any] = {}
    workdir = args.workdir.resolve()
    with summary_reported(summary, workdir):
        run(workdir, args.web_dir, summary)
        if args.screenshots:
            summary["screenshots"] = copy_screenshots(workdir / "screens", args.screenshots)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
