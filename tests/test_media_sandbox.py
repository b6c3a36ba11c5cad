"""Untrusted media: only allow-listed containers are opened (no format guessing), and probing runs in a
resource-limited child process whose crash, memory bomb or hang is a clean typed error."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from media.offline.containers import container_of
from media.offline.decode import probe
from media.offline.encode import write_audio
from media.offline.errors import NotMedia, TruncatedMedia
from media.offline.sandbox import (
    MediaCrashed,
    SandboxLimits,
    SandboxResult,
    probe_result,
    probe_sandboxed,
    run_sandboxed,
)


@pytest.fixture(scope="module")
def webm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    t = np.arange(2 * 16_000) / 16_000
    path = tmp_path_factory.mktemp("sandbox") / "tone.webm"
    return write_audio(path, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "matroska,webm"),
        (b"\x00\x00\x00\x20ftypisom", "mov,mp4,m4a,3gp,3g2,mj2"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"),
        (b"OggS\x00\x02", "ogg"),
        (b"fLaC\x00\x00", "flac"),
        (b"ID3\x04\x00", "mp3"),
        (b"\xff\xfb\x90\x64", "mp3"),
        (b"ffconcat version 1.0\nfile '/etc/passwd'\n", None),
        (b"#EXTM3U\n#EXT-X-VERSION:3\n", None),
        (b"<?xml version='1.0'?><MPD", None),
        (b"", None),
    ],
)
def test_only_allow_listed_containers_are_recognised(head: bytes, name: str | None) -> None:
    assert container_of(head) == name


@pytest.mark.parametrize(
    "text", ["ffconcat version 1.0\nfile '{target}'\n", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n{target}\n"]
)
def test_playlists_that_name_other_files_are_refused(tmp_path: Path, webm: Path, text: str) -> None:
    path = tmp_path / "talk.webm"
    path.write_text(text.format(target=webm))
    with pytest.raises(NotMedia, match="not an audio or video file"):
        probe(path)


async def test_sandboxed_probe_matches_the_in_process_probe(webm: Path) -> None:
    assert await probe_sandboxed(webm) == probe(webm)


@pytest.fixture
def cut_and_text(tmp_path: Path, webm: Path) -> tuple[Path, Path]:
    cut = tmp_path / "cut.webm"
    cut.write_bytes(webm.read_bytes()[:200])
    text = tmp_path / "notes.webm"
    text.write_text("speaker notes\n" * 20)
    return cut, text


async def test_sandboxed_probe_keeps_the_typed_error(cut_and_text: tuple[Path, Path]) -> None:
    cut, text = cut_and_text
    with pytest.raises(TruncatedMedia):
        await probe_sandboxed(cut)
    with pytest.raises(NotMedia, match="not an audio or video file"):
        await probe_sandboxed(text)


def test_a_child_killed_by_a_signal_is_media_crashed(tmp_path: Path) -> None:
    with pytest.raises(MediaCrashed, match="signal 11"):
        probe_result(SandboxResult(-11, b""), tmp_path / "evil.mkv")
    with pytest.raises(MediaCrashed, match="exit code 1"):
        probe_result(SandboxResult(1, b"Traceback ..."), tmp_path / "evil.mkv")


async def test_a_hanging_child_is_killed_at_the_wall_clock_limit() -> None:
    argv = [sys.executable, "-c", "import time; time.sleep(30)"]
    result = await run_sandboxed(argv, SandboxLimits(wall_s=0.5))
    assert result.returncode == -9


async def test_the_child_cannot_exceed_its_memory_limit() -> None:
    code = (
        "from media.offline.sandbox import SandboxLimits, limit_self\n"
        "limit_self(SandboxLimits(memory_bytes=1 << 30))\n"
        "try:\n    block = bytearray(2 << 30)\nexcept MemoryError:\n    print('refused')\n"
    )
    result = await run_sandboxed([sys.executable, "-c", code], SandboxLimits())
    assert result.returncode == 0 and result.stdout.strip() == b"refused"
