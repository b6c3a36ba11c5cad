"""Shared pieces of the reliability scripts (``bench.fuzz``, ``bench.faults``, ``bench.soak``, ``bench.load``).

A real ``podium serve`` in a subprocess (:class:`Server`) on a free loopback port with its own data directory,
its process tree (server + worker processes) for kills and RSS, an account helper, a tally of response codes,
and the network-namespace re-exec the WebRTC scripts use (as ``bench.capacity`` does).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import requests

SERVE = "from server.cli import main; raise SystemExit(main(['serve']))"
UPGRADE = "from server.cli import main; raise SystemExit(main(['db', 'upgrade']))"
MODELS_DIR = Path("var/models").resolve()
PASSWORD = "reliability password 1"

BENCH_ENV = {
    "PODIUM_LOGIN_IP_LIMIT": "1000000",
    "PODIUM_LOGIN_ACCOUNT_LIMIT": "1000000",
    "PODIUM_REGISTER_IP_LIMIT": "1000000",
    "PODIUM_UPLOADS_PER_USER_OPEN": "1000",
    "PODIUM_UPLOADS_PER_USER_PER_DAY": "1000000",
}
"""Every bench server runs with the sign-in rate limits and the per-user upload quotas lifted: all clients share
127.0.0.1 and the scripts upload far more than a person does in a day."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def children_of(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (read from ``/proc``)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        frontier += kids
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Server:
    """``podium serve`` as a subprocess; ``env`` overrides the defaults below (``PODIUM_*``)."""

    data_dir: Path
    env: Mapping[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0
    crashes: list[int] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def full_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PODIUM_DATA_DIR": str(self.data_dir),
            "PODIUM_HOST": "127.0.0.1",
            "PODIUM_PORT": str(self.port),
            "PODIUM_MODELS_DIR": str(MODELS_DIR),
            **BENCH_ENV,
            **self.env,
        }

    def start(self, timeout_s: float = 180.0) -> None:
        """Migrate (first start), start, and wait until ``/healthz`` answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.starts == 0:
            subprocess.run([sys.executable, "-c", UPGRADE], env=self.full_env(), check=True, capture_output=True)
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", SERVE], env=self.full_env(), stdout=log, stderr=log)
        self.starts += 1
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"server did not start within {timeout_s:.0f} s: {self.log_tail()}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def workers(self) -> list[int]:
        return children_of(self.pid) if self.proc is not None else []

    def rss_mb(self) -> tuple[float, float]:
        """(server RSS, all worker processes' RSS) in MB."""
        return rss_mb(self.pid), sum(rss_mb(p) for p in self.workers())

    def check_alive(self) -> bool:
        """False (and the exit code recorded as a crash) when the server died without being told to."""
        if self.proc is None or self.proc.poll() is None:
            return self.proc is not None
        if self.proc.returncode not in self.crashes:
            self.crashes.append(self.proc.returncode)
        return False

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(30)

    def stop(self) -> None:
        """SIGTERM and wait (SIGKILL after 60 s); a server that had already died counts as a crash."""
        if self.proc is None:
            return
        self.check_alive()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def log_count(self, text: str) -> int:
        """How many lines of the server's log hold ``text``."""
        with contextlib.suppress(OSError):
            return sum(text in line for line in self.log_path.read_text(errors="replace").splitlines())
        return 0

    def log_errors(self) -> list[str]:
        """Tracebacks of unhandled request errors the server logged."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if "unhandled error on" in line]


def add_server_env(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server-env", action="append", default=[], metavar="PODIUM_X=V", help="extra server setting (repeatable)"
    )


def server_env(items: Sequence[str]) -> dict[str, str]:
    """``--server-env`` values as a dict (``PODIUM_LIVE_ASR=false`` …)."""
    return dict(item.split("=", 1) for item in items)


def account(base: str, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Register ``email`` (consenting to recording) and return its bearer ``Authorization`` header."""
    body: dict[str, Any] = {"email": email, "password": password, "consent": True}
    requests.post(f"{base}/api/v1/auth/register", json=body, timeout=30)
    response = requests.post(f"{base}/api/v1/auth/token", json={"email": email, "password": password}, timeout=30)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@dataclass
class Tally:
    """Response codes of one fuzz target, with every 5xx kept (method, path, status, body start)."""

    codes: Counter[int] = field(default_factory=Counter)
    server_errors: list[tuple[str, str, int, str]] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.codes.values()) + len(self.transport_errors)

    def record(self, method: str, path: str, status: int, body: str = "") -> None:
        self.codes[status] += 1
        if status >= 500:
            self.server_errors.append((method, path, status, body[:300]))

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "codes": {str(k): v for k, v in sorted(self.codes.items())},
            "5xx": len(self.server_errors),
            "5xx_examples": self.server_errors[:10],
            "transport_errors": len(self.transport_errors),
            "transport_examples": self.transport_errors[:5],
        }


def pct(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if len(values) else None


def loadavg() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def in_netns(module: str, argv: Sequence[str]) -> None:
    """Re-execute ``python -m module argv`` inside a private network namespace (loopback only; needs root),
    unless already inside one; WebRTC then never leaves the machine."""
    if os.environ.get("PODIUM_BENCH_NETNS") == "1":
        return
    os.environ["PODIUM_BENCH_NETNS"] = "1"
    script = 'ip link set lo up && ip addr add 10.99.0.1/32 dev lo && exec "$@"'
    os.execvp("unshare", ["unshare", "-n", "sh", "-c", script, "sh", sys.executable, "-m", module, *argv])


def emit_report(report: Mapping[str, Any], json_path: Path | None) -> None:
    """Print a script's report as indented JSON, and write it to ``json_path`` when one is given."""
    text = json.dumps(report, indent=1)
    print(text)
    if json_path is not None:
        json_path.write_text(text)
