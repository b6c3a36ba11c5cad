"""Practise from another machine: Chromium on the client machine of :func:`tests.netns_support.two_machines`
reaches ``podium serve`` over HTTPS by IP address and starts a live session.

``python -m tests.https_e2e --url https://10.98.0.1:8443 --cert CERT.pem --spki BASE64 --workdir DIR`` (run in
the client namespace) writes the fake camera and microphone files, waits until the server answers over TLS
verified against ``CERT.pem`` (the IP address must be in the certificate), creates an account through the API,
then in headless Chromium, which trusts the self-signed certificate only by its public key
(``--ignore-certificate-errors-spki-list``), signs in on the sign-in page, starts a session on the practice page,
waits for it to be live with feedback arriving, and stops. The last stdout line is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import socket
import ssl
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, TEST_PASSWORD, write_fake_media

TEST_EMAIL = "lan-speaker@example.com"
TITLE = "Practised from another machine"
FEEDBACK_MESSAGES = 3
CONNECTED = "document.querySelector('#conn-state')?.dataset.state === 'connected'"
ERROR_SHOWN = "document.querySelector('.error-banner') !== null"
MESSAGES = f"Number(document.querySelector('.practice')?.dataset.messages) >= {FEEDBACK_MESSAGES}"
LIVE_ON_SERVER = """async (title) => {
    const items = (await (await fetch('/api/v1/sessions')).json()).items;
    return items.filter((s) => s.title === title).map((s) => s.state);
}"""


def wait_healthy(url: str, context: ssl.SSLContext, timeout_s: float) -> float:
    """Seconds until ``url/healthz`` answered 200 over verified TLS."""
    start = time.monotonic()
    last: Exception | None = None
    while time.monotonic() - start < timeout_s:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2, context=context) as response:
                if response.status == 200:
                    return round(time.monotonic() - start, 2)
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer over HTTPS in {timeout_s} s: {last}")


def isolation(url: str) -> dict[str, bool]:
    """Whether this machine reaches the server on its own loopback (it must not: another machine), and whether
    TLS without the server's certificate is refused (it must be: self-signed)."""
    port = urlsplit(url).port or 443
    with socket.socket() as probe:
        probe.settimeout(2)
        loopback = probe.connect_ex(("127.0.0.1", port)) == 0
    try:
        urllib.request.urlopen(f"{url}/healthz", timeout=5, context=ssl.create_default_context()).close()
        unverified_refused = False
    except urllib.error.URLError as exc:
        unverified_refused = isinstance(exc.reason, ssl.SSLCertVerificationError)
    return {"loopback_reaches_server": loopback, "unverified_refused": unverified_refused}


def register(url: str, context: ssl.SSLContext) -> int:
    """Create the speaker's account (with recording consent) through the API; returns the HTTP status."""
    body = json.dumps({"email": TEST_EMAIL, "password": TEST_PASSWORD, "consent": True}).encode()
    request = urllib.request.Request(
        f"{url}/api/v1/auth/register", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=20, context=context) as response:
        return int(response.status)


def practise(page: Any, url: str, timeout_s: float, summary: dict[str, Any]) -> None:
    """Sign in, start a session, wait until it is live with feedback, stop."""
    page.goto(f"{url}/signin?next=%2Fpractice")
    page.wait_for_selector("input[name=email]", timeout=30_000)
    summary["secure_context"] = page.evaluate("() => window.isSecureContext")
    summary["page_protocol"] = page.evaluate("() => location.protocol")
    page.fill("input[name=email]", TEST_EMAIL)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#start:not([disabled])", timeout=30_000)
    summary["after_sign_in"] = page.evaluate("() => location.pathname")
    summary["media_devices"] = page.evaluate("() => typeof navigator.mediaDevices?.getUserMedia === 'function'")
    page.fill("#title", TITLE)
    started = time.monotonic()
    page.click("#start")
    page.wait_for_function(f"() => {CONNECTED} || {ERROR_SHOWN}", timeout=timeout_s * 1000)
    if not page.evaluate(f"() => {CONNECTED}"):
        summary["error_banner"] = page.inner_text(".error-banner")
        page.screenshot(path=str(Path(summary["workdir"]) / "not_connected.png"))
        return
    summary["connected_s"] = round(time.monotonic() - started, 2)
    page.wait_for_function(f"() => {MESSAGES}", timeout=timeout_s * 1000)
    summary["feedback_s"] = round(time.monotonic() - started, 2)
    summary["messages"] = int(page.evaluate("() => Number(document.querySelector('.practice').dataset.messages)"))
    summary["server_states_live"] = page.evaluate(LIVE_ON_SERVER, TITLE)
    page.click("#stop")
    page.wait_for_url("**/sessions/*", timeout=30_000)
    summary["review_path"] = page.evaluate("() => location.pathname")
    summary["server_states_after_stop"] = ended_on_server(page, timeout_s)


def ended_on_server(page: Any, timeout_s: float) -> list[str]:
    """The session's state on the server once it is no longer live (it ends as the WHIP DELETE completes)."""
    deadline = time.monotonic() + timeout_s
    while True:
        states: list[str] = page.evaluate(LIVE_ON_SERVER, TITLE)
        if states != ["live"] or time.monotonic() > deadline:
            return states
        page.wait_for_timeout(200)


def drive(url: str, spki: str, media: tuple[Path, Path], timeout_s: float, summary: dict[str, Any]) -> None:
    """Chromium trusting the server's key by its hash, with the fake devices, through :func:`practise`."""
    from playwright.sync_api import sync_playwright

    video, audio = media
    workdir = Path(summary["workdir"])
    summary["page_errors"] = []
    args = [
        *CHROMIUM_ARGS,
        f"--ignore-certificate-errors-spki-list={spki}",
        f"--use-file-for-fake-video-capture={video}",
        f"--use-file-for-fake-audio-capture={audio}",
    ]
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(workdir / "chromium-profile"), executable_path=str(CHROMIUM), headless=True, args=args
        )
        try:
            page = context.new_page()
            page.on("pageerror", lambda e: summary["page_errors"].append(str(e)))
            practise(page, url, timeout_s, summary)
            summary["cookies"] = [
                {"name": c["name"], "secure": c["secure"], "http_only": c["httpOnly"]} for c in context.cookies()
            ]
        finally:
            context.close()


def run(args: argparse.Namespace, summary: dict[str, Any]) -> None:
    """The whole scenario, filling ``summary`` as it goes."""
    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    summary["workdir"] = str(workdir)
    t0 = time.monotonic()
    media = write_fake_media(workdir)
    verified = ssl.create_default_context(cafile=str(args.cert))  # checks the IP address against the SAN too
    summary["ready_s"] = wait_healthy(args.url, verified, args.server_timeout)
    summary.update(isolation(args.url))
    summary["registered"] = register(args.url, verified)
    drive(args.url, args.spki, media, args.timeout, summary)
    summary["total_s"] = round(time.monotonic() - t0, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", required=True)
    parser.add_argument("--cert", type=Path, required=True, help="the server's certificate (PEM), to verify TLS")
    parser.add_argument("--spki", required=True, help="base64 SHA-256 of the certificate's public key")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=45.0, help="seconds to wait for each browser step")
    parser.add_argument("--server-timeout", type=float, default=120.0, help="seconds to wait for the server")
    args = parser.parse_args()
    summary: dict[str, Any] = {}
    try:
        run(args, summary)
    except Exception as exc:
        summary["fatal"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        print(json.dumps(summary), flush=True)
        raise
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
