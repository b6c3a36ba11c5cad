"""Real-browser driver for the practice page: Podium server and Debian Chromium in a network namespace.

The pytest test runs ``python -m tests.browser_support --workdir DIR`` through :func:`namespace_command`,
which wraps it in ``unshare -n`` with only ``lo`` up (127.0.0.1 plus 10.99.0.1/32, the address aiortc
gathers), so the WebRTC call never leaves the namespace. Inside, the driver writes fake camera/microphone
files (a real photo of a person as y4m, espeak-ng speech as WAV), migrates a fresh database, starts
``podium serve``, opens ``http://127.0.0.1:PORT/`` in headless Chromium with fake media devices, exercises
sign-in errors, registers, starts a session, waits for voice and pose feedback on the page, stops (the page
then shows the session's review), takes
screenshots and prints a JSON summary as the last line of stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
NAMESPACE_ADDR = "10.99.0.1/32"
TEST_EMAIL = "speaker@example.com"
TEST_PASSWORD = "correct horse battery"
SPEECH_SCRIPT = (
    "Good morning everyone. {pause:0.6} Today I want to show you how our team cut costs by a third, "
    "{um} and what we learned along the way. {pause:0.8} Let us start with the numbers."
)

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
)


def environment_problem() -> str | None:
    """Why the browser test cannot run here, or ``None`` when it can."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root to create a network namespace (unshare -n)"
    for tool in ("unshare", "ip", "espeak-ng", "sox"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not CHROMIUM.exists():
        return f"Debian Chromium not found at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    models = Path(os.environ.get("PODIUM_MODELS_DIR", REPO_ROOT / "var" / "models"))
    if not (models / "pose_landmarker_lite.task").exists():
        return f"pose models not prepared in {models} (run `podium models`)"
    probe = subprocess.run(
        ["unshare", "-n", "sh", "-c", f"ip link set lo up && ip addr add {NAMESPACE_ADDR} dev lo"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return f"cannot create a network namespace: {probe.stderr.strip() or probe.returncode}"
    return None


def namespace_command(args: Sequence[str]) -> list[str]:
    """``args`` wrapped to run in a new network namespace with ``lo`` up and :data:`NAMESPACE_ADDR` on it."""
    quoted = " ".join(shlex.quote(a) for a in args)
    script = f"ip link set lo up && ip addr add {NAMESPACE_ADDR} dev lo && exec {quoted}"
    return ["unshare", "-n", "sh", "-c", script]


def run_driver(module: str, workdir: Path, timeout_s: float, *args: str) -> tuple[dict[str, Any], str]:
    """Run the browser driver ``python -m module --workdir workdir *args`` in a private network namespace (see
    :func:`namespace_command`): its summary (the last stdout line) and a context for assertion messages (the
    summary, stderr and the server log's tail). Fails when the driver printed nothing, exited non-zero or
    reported a fatal error."""
    driver = [sys.executable, "-m", module, "--workdir", str(workdir), *args]
    result = subprocess.run(
        namespace_command(driver), cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout_s, check=False
    )
    lines = result.stdout.strip().splitlines()
    assert lines, f"driver printed nothing (rc {result.returncode}):\n{result.stderr[-3000:]}"
    summary = json.loads(lines[-1])
    log_path = workdir / "server.log"
    server_log = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
    context = f"summary={json.dumps(summary, indent=1)}\nstderr={result.stderr[-3000:]}\nserver:\n{server_log}"
    assert result.returncode == 0 and "fatal" not in summary, context
    return summary, context


@contextlib.contextmanager
def summary_reported(summary: dict[str, Any], workdir: Path) -> Iterator[None]:
    """A driver's summary printed as the last stdout line (and kept in ``workdir/summary.json``) however its
    scenario ends; an exception is recorded as ``summary["fatal"]`` and raised again."""
    try:
        yield
    except Exception as exc:
        summary["fatal"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        raise
    finally:
        text = json.dumps(summary)
        if workdir.is_dir():
            (workdir / "summary.json").write_text(text)
        print(text, flush=True)


def write_fake_media(workdir: Path) -> tuple[Path, Path]:
    """The y4m camera file (a swaying real person, 2 s at 15 fps, looped by Chromium) and the speech WAV."""
    from inference.training.speech_synth import SynthVoice, synthesize
    from tests.generators.video import VideoScript, sway_keyframes, write_y4m

    video = workdir / "camera.y4m"
    write_y4m(video, VideoScript(duration_s=2.0, fps=15.0, x_offset_px=sway_keyframes(20.0, 2.0, 2.0)))
    audio = workdir / "speech.wav"
    synthesize(SPEECH_SCRIPT, SynthVoice(name="en-us", rate_wpm=150), tail_s=0.6).write_wav(audio)
    return video, audio


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(workdir: Path, port: int) -> dict[str, str]:
    """Environment for a server with its own data dir (and the repo's prepared models unless configured)."""
    env = dict(os.environ)
    env.update(
        PODIUM_DATA_DIR=str(workdir / "data"),
        PODIUM_HOST="127.0.0.1",
        PODIUM_PORT=str(port),
        PODIUM_SECRET_KEY="browser-test-secret-key-0123456789abcdef",
        PODIUM_JOBS_ANALYZER="tests.jobs_support:fake_analyze",
    )
    env.setdefault("PODIUM_MODELS_DIR", str(REPO_ROOT / "var" / "models"))
    env.pop("PODIUM_DATABASE_URL", None)
    env.pop("PODIUM_REDIS_URL", None)
    return env


@contextlib.contextmanager
def running_server(
    workdir: Path, port: int, timeout_s: float = 60.0, env_overrides: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Migrate a fresh database, start ``podium serve`` and yield its base URL once ``/healthz`` answers.

    ``env_overrides`` replace :func:`server_env`'s values (e.g. the real analyser instead of the fake one)."""
    env = {**server_env(workdir, port), **(env_overrides or {})}
    podium = [sys.executable, "-m", "server.cli"]
    subprocess.run([*podium, "db", "upgrade"], env=env, cwd=REPO_ROOT, check=True, capture_output=True)
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen([*podium, "serve"], env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, timeout_s)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before /healthz answered")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"server at {base} not healthy after {timeout_s} s")


_CONNECTED = "document.querySelector('#conn-state')?.dataset.state === 'connected'"
_ERROR_SHOWN = "document.querySelector('.error-banner') !== null"


def _wait(page: Any, expression: str, timeout_s: float) -> float | None:
    """Seconds until ``expression`` became true in the page, or ``None`` on timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    start = time.monotonic()
    try:
        page.wait_for_function(expression, timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        return None
    return round(time.monotonic() - start, 3)


def drive_browser(
    base: str, video: Path, audio: Path, workdir: Path, feedback_timeout_s: float, summary: dict[str, Any]
) -> None:
    """Run the practice-page scenario in Chromium, recording what was observed into ``summary`` as it goes."""
    from playwright.sync_api import sync_playwright

    summary.update(console_errors=[], page_errors=[])
    args = [
        *CHROMIUM_ARGS,
        f"--use-file-for-fake-video-capture={video}",
        f"--use-file-for-fake-audio-capture={audio}",
    ]
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(workdir / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=args,
            bypass_csp=True,
            viewport={"width": 1280, "height": 860},
        )
        try:
            page = context.new_page()
            page.on(
                "console",
                lambda m: summary["console_errors"].append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: summary["page_errors"].append(str(e)))
            page.goto(f"{base}/")
            page.wait_for_selector("input[name=email]", timeout=15_000)
            summary["secure_context"] = page.evaluate("window.isSecureContext")

            page.fill("input[name=email]", TEST_EMAIL)
            page.fill("input[name=password]", TEST_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector(".error-banner", timeout=10_000)
            summary["unknown_login_error"] = page.inner_text(".error-banner")

            page.click("text=Create an account")
            page.fill("input[name=email]", TEST_EMAIL)
            page.fill("input[name=password]", TEST_PASSWORD)
            page.check("input[name=consent]")  # recording needs consent; without it Start stays disabled
            page.click("button[type=submit]")
            page.wait_for_selector("#start:not([disabled])", timeout=20_000)
            summary["error_cleared_after_register"] = page.locator(".error-banner").count() == 0
            summary["signed_in_as"] = page.inner_text(".nav-email")

            page.fill("#title", "Browser test talk")
            t0 = time.monotonic()
            page.click("#start")
            settled = _wait(page, f"{_CONNECTED} || {_ERROR_SHOWN}", feedback_timeout_s)
            summary["connected_s"] = settled if page.evaluate(_CONNECTED) else None
            if summary["connected_s"] is None:
                summary["state_when_not_connected"] = page.inner_text("#conn-state")
                summary["error_when_not_connected"] = (
                    page.inner_text(".error-banner") if page.evaluate(_ERROR_SHOWN) else ""
                )
                page.screenshot(path=str(workdir / "not_connected.png"), full_page=True)
                return
            summary["first_voice_s"] = _wait(
                page, "document.querySelector('#gauge-volume .gauge-value')?.dataset.value !== ''", feedback_timeout_s
            )
            summary["speaking_seen_s"] = _wait(
                page, "document.querySelector('.practice')?.dataset.speaking === 'yes'", feedback_timeout_s
            )
            summary["person_visible_seen_s"] = _wait(
                page, "document.querySelector('.self-view')?.dataset.person === 'visible'", feedback_timeout_s
            )
            summary["six_messages_s"] = _wait(
                page, "Number(document.querySelector('.practice')?.dataset.messages) >= 6", feedback_timeout_s
            )
            summary["live_for_s"] = round(time.monotonic() - t0, 3)
            summary["message_count"] = int(
                page.evaluate("Number(document.querySelector('.practice').dataset.messages)")
            )
            summary["gauges"] = page.locator(".gauge-value").all_inner_texts()
            summary["preview_playing"] = page.evaluate(
                "((v) => v.videoWidth > 0 && !v.paused)(document.querySelector('#preview'))"
            )
            page.screenshot(path=str(workdir / "live.png"), full_page=True)

            page.click("#stop")
            summary["stopped_s"] = _wait(page, "/^\\/sessions\\/[0-9a-f]+$/.test(location.pathname)", 15)
            summary["review_path"] = page.evaluate("location.pathname")
            summary["error_after_stop"] = page.inner_text(".error-banner") if page.evaluate(_ERROR_SHOWN) else ""
            page.screenshot(path=str(workdir / "stopped.png"), full_page=True)
            sessions = page.request.get(f"{base}/api/v1/sessions").json()["items"]
            summary["server_sessions"] = [{"title": s["title"], "state": s["state"]} for s in sessions]
        finally:
            context.close()


def run(workdir: Path, feedback_timeout_s: float, summary: dict[str, Any]) -> None:
    """The whole scenario, filling ``summary``; call inside the network namespace."""
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    video, audio = write_fake_media(workdir)
    summary["media_s"] = round(time.monotonic() - t0, 3)
    port = free_port()
    t1 = time.monotonic()
    with running_server(workdir, port) as base:
        summary["server_start_s"] = round(time.monotonic() - t1, 3)
        drive_browser(base, video, audio, workdir, feedback_timeout_s, summary)
    summary["total_s"] = round(time.monotonic() - t0, 3)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--feedback-timeout", type=float, default=30.0, help="seconds to wait for each step")
    args = parser.parse_args(argv)
    summary: dict[str, Any] = {}
    workdir = args.workdir.resolve()
    with summary_reported(summary, workdir):
        run(workdir, args.feedback_timeout, summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
