"""The signing key is long enough and private; blobs and upload partials are readable by the server user only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from pydantic import ValidationError

from server.cli import main
from server.keys import SETTINGS
from server.settings import MIN_SECRET_KEY_BYTES, Settings
from server.uploads.partial import partial_files
from server.uploads.protocol import TUS_VERSION
from storage.blobs import LocalBlobStore
from tests.conftest import register_and_login


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_short_secret_key_is_refused() -> None:
    with pytest.raises(ValidationError, match=f"at least {MIN_SECRET_KEY_BYTES} bytes"):
        Settings(secret_key="x" * (MIN_SECRET_KEY_BYTES - 1))
    assert Settings(secret_key="é" * 16).signing_key() == "é" * 16  # 32 bytes in UTF-8


def test_serve_with_a_short_secret_key_stops_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PODIUM_SECRET_KEY", "too-short")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "PODIUM_SECRET_KEY must be at least 32 bytes" in err
    assert "Traceback" not in err


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """umask 0: whatever the process umask, files and directories must come out private."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("loose_umask")
def test_generated_key_and_data_dir_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "var"
    settings = Settings(data_dir=data_dir)
    key = settings.signing_key()
    assert len(key) >= MIN_SECRET_KEY_BYTES
    assert mode(data_dir / "secret_key") == 0o600
    assert mode(data_dir) == 0o700 and mode(data_dir.parent) == 0o700
    assert settings.signing_key() == key
    assert [p.name for p in data_dir.iterdir()] == ["secret_key"]


def test_key_file_is_never_readable_by_others_while_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is created 0600 (not chmod-ed after writing): every file that appears is 0600 when it appears."""
    seen: list[int] = []
    real_open = os.open

    def recording_open(path: str, flags: int, file_mode: int = 0o777, *args: object, **kwargs: object) -> int:
        fd = real_open(path, flags, file_mode, *args, **kwargs)  # type: ignore[arg-type]
        if flags & os.O_CREAT:
            seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return fd

    monkeypatch.setattr(os, "open", recording_open)
    Settings(data_dir=tmp_path / "var").signing_key()
    assert seen and all(m == 0o600 for m in seen)


@pytest.mark.usefixtures("loose_umask")
async def test_blobs_are_private(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    async with store.writer("recordings/s1/talk.mkv") as writer:
        await writer.write(b"media")
        info = await writer.commit()
    source = tmp_path / "upload.bin"
    source.write_bytes(b"upload")
    source.chmod(0o644)
    moved = await store.put_file("uploads/s2/talk.webm", source)
    for key in (info.key, moved.key):
        path = store.local_path(key)
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    assert mode(store.root) == 0o700 and mode(store.root / ".partial") == 0o700


async def test_upload_partials_are_private(client: TestClient) -> None:
    token = await register_and_login(client)
    auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": TUS_VERSION}
    created = await client.post("/api/v1/uploads", headers={**auth, "Upload-Length": "10"})
    assert created.status == 201
    upload_id = created.headers["Location"].rsplit("/", 1)[1]
    path = partial_files(client.app).path(upload_id)  # type: ignore[arg-type]
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert path.parent == client.app[SETTINGS].data_dir / "uploads"  # type: ignore[index]
