"""A real ``clamd`` (Debian ``clamav-daemon``) on a private Unix socket, with a signature database we write: only
the EICAR test signature (no signature download exists on this machine)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Podium.Test.EICAR"
FOUND_AS = f"{SIGNATURE}.UNOFFICIAL"
"""clamd's name for our signature: databases it does not know as official get the ``.UNOFFICIAL`` suffix."""
START_TIMEOUT_S = 30.0


def clamd_binary() -> str | None:
    return shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if Path(p).exists()), None)


def write_database(directory: Path) -> None:
    """An extended (``.ndb``) body signature matching the EICAR string anywhere in any file."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "podium-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")


@contextmanager
def running_clamd(workdir: Path, socket: Path, stream_max_bytes: int = 64 << 20) -> Iterator[Path]:
    """Run clamd listening on ``socket`` until the block ends; yields the socket path once clamd accepts."""
    binary = clamd_binary()
    assert binary is not None, "clamd is not installed (Debian package clamav-daemon)"
    workdir.mkdir(parents=True, exist_ok=True)
    write_database(workdir / "db")
    config = workdir / "clamd.conf"
    config.write_text(
        "Foreground yes\n"
        f"LocalSocket {socket}\n"
        f"DatabaseDirectory {workdir / 'db'}\n"
        f"LogFile {workdir / 'clamd.log'}\n"
        f"PidFile {workdir / 'clamd.pid'}\n"
        f"StreamMaxLength {stream_max_bytes}\n"
    )
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not socket.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"clamd did not start: {stderr[-2000:]}")
            time.sleep(0.05)
        yield socket
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
