"""`podium analyze` on unreadable input: one line on stderr, non-zero exit, nothing on stdout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from media.offline.encode import write_audio

REPO = Path(__file__).resolve().parent.parent


def _analyze(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "analyze", str(path), *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _tone_webm(path: Path, seconds: float = 3.0) -> Path:
    t = np.arange(int(16_000 * seconds)) / 16_000
    return write_audio(path, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


def _make(kind: str, tmp_path: Path) -> Path:
    if kind == "missing":
        return tmp_path / "nope.webm"
    if kind == "empty":
        path = tmp_path / "empty.webm"
        path.touch()
        return path
    if kind == "text":
        path = tmp_path / "notes.webm"
        path.write_text("these are my speaker notes, not a recording\n" * 20)
        return path
    data = _tone_webm(tmp_path / "full.webm").read_bytes()
    path = tmp_path / f"{kind}.webm"
    path.write_bytes(data[: len(data) // 2] if kind == "truncated_half" else data[:200])
    return path


@pytest.mark.parametrize(
    ("kind", "expected", "as_json"),
    [
        ("missing", "no such file", False),
        ("empty", "file is empty", True),
        ("text", "not an audio or video file", False),
        ("truncated_half", "truncated", True),
        ("truncated_header", "truncated", False),
    ],
)
def test_bad_file_gives_one_line_error(tmp_path: Path, kind: str, expected: str, as_json: bool) -> None:
    proc = _analyze(_make(kind, tmp_path), *(["--json"] if as_json else []))
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    assert expected in lines[0]
    assert "Traceback" not in proc.stderr


def test_models_missing_is_a_clear_error(tmp_path: Path) -> None:
    proc = _analyze(_tone_webm(tmp_path / "tone.webm"), "--json", "--models-dir", str(tmp_path / "no-models"))
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == ""
    assert "podium models" in proc.stderr.strip().splitlines()[-1]
    assert "Traceback" not in proc.stderr
