"""Practise from another machine over HTTPS: ``podium serve`` with a self-signed certificate on one network
namespace, Debian Chromium on a second one reaching it by IP address over a veth pair (driver:
:mod:`tests.https_e2e`), signing in and starting a live session in a secure context."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import browser_support, netns_support

PORT = 8443
WEB_DIST = browser_support.REPO_ROOT / "web" / "dist"


def _problem() -> str | None:
    problem = browser_support.environment_problem()
    if problem is None and not (WEB_DIST / "index.html").exists():
        problem = "the web app is not built (make web)"
    return problem or netns_support.lan_problem()


def _env(workdir: Path) -> dict[str, str]:
    env = browser_support.server_env(workdir, PORT)
    env.update(
        PODIUM_HOST="0.0.0.0",
        PODIUM_TLS_SELF_SIGNED="true",
        PODIUM_LIVE_ASR="false",  # voice and pose feedback suffice here; no Whisper on a shared machine
        PODIUM_WORKERS="1",
    )
    return env


def _podium(env: dict[str, str], lan: netns_support.Lan, *args: str) -> str:
    result = subprocess.run(
        lan.on_server([sys.executable, "-m", "server.cli", *args]),
        env=env,
        cwd=browser_support.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _fingerprints(text: str) -> dict[str, str]:
    keys = {"certificate SHA-256 fingerprint": "sha256", "public key (SPKI) SHA-256, base64": "spki"}
    found: dict[str, str] = {}
    for line in text.splitlines():
        for label, key in keys.items():
            if label + ": " in line:
                found[key] = line.split(label + ": ", 1)[1].strip()
        if "UTC for: " in line:
            found["names"] = line.split("UTC for: ", 1)[1].strip()
    return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[netns_support.Lan, dict[str, str], Path]]:
    """The LAN, the fingerprints ``podium tls self-signed`` printed, and the log of the running server."""
    with netns_support.two_machines() as lan:
        env = _env(tmp_path)
        printed = _fingerprints(_podium(env, lan, "tls", "self-signed"))
        _podium(env, lan, "db", "upgrade")
        log_path = tmp_path / "server.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                lan.on_server([sys.executable, "-m", "server.cli", "serve"]),
                env=env,
                cwd=browser_support.REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                yield lan, printed, log_path
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _drive(lan: netns_support.Lan, spki: str, workdir: Path) -> dict[str, Any]:
    cert = workdir / "data" / "tls" / "self-signed-cert.pem"
    driver = [sys.executable, "-m", "tests.https_e2e", f"--url=https://{lan.server_addr}:{PORT}"]
    driver += [f"--cert={cert}", f"--spki={spki}", f"--workdir={workdir / 'client'}"]
    result = subprocess.run(
        lan.on_client(driver),
        cwd=browser_support.REPO_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert lines, f"driver printed nothing (rc {result.returncode}):\n{result.stderr[-3000:]}"
    summary: dict[str, Any] = json.loads(lines[-1])
    summary["rc"], summary["stderr"] = result.returncode, result.stderr[-2000:]
    return summary


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_chromium_on_another_machine_practises_over_https(
    server: tuple[netns_support.Lan, dict[str, str], Path], tmp_path: Path
) -> None:
    lan, printed, log_path = server
    assert lan.server_addr in printed["names"].split(", "), printed  # the LAN address, found inside the namespace
    summary = _drive(lan, printed["spki"], tmp_path)
    log = log_path.read_text(errors="replace")
    context = f"summary={json.dumps(summary, indent=1)}\nserver:\n{log[-3000:]}"
    assert summary["rc"] == 0 and "fatal" not in summary, context

    assert summary["loopback_reaches_server"] is False  # the browser's machine is not the server's
    assert summary["unverified_refused"] is True  # self-signed: trusted only by the pinned key
    assert summary["registered"] == 201
    assert summary["page_protocol"] == "https:"
    assert summary["secure_context"] is True, context
    assert summary["media_devices"] is True, context
    assert summary["after_sign_in"] == "/practice"
    assert summary.get("connected_s") is not None, context
    assert summary["messages"] >= 3, context
    assert summary["server_states_live"] == ["live"], context
    assert summary["review_path"].startswith("/sessions/"), context
    assert summary["server_states_after_stop"] != ["live"], context
    assert summary["page_errors"] == [], context
    session_cookie = [c for c in summary["cookies"] if c["name"] == "podium_session"]
    assert session_cookie == [{"name": "podium_session", "secure": True, "http_only": True}], context

    served = _fingerprints(log)  # the server kept the pair the command made, and says so
    assert served["sha256"] == printed["sha256"] and served["spki"] == printed["spki"], log[-3000:]
    assert "serving HTTPS with the certificate in" in log
    assert f"serving on https://0.0.0.0:{PORT}" in log
    assert f"{lan.client_addr} [" in log  # requests came from the other machine's address
