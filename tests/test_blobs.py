from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from storage.blobs import BlobNotFound, InvalidBlobKey, LocalBlobStore


async def test_streamed_blob_is_invisible_until_commit(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    writer = store.writer("recordings/a.mkv")
    await writer.write(b"hello ")
    await writer.write(b"world")
    assert not store.local_path("recordings/a.mkv").exists()
    info = await writer.commit()
    assert store.local_path("recordings/a.mkv").read_bytes() == b"hello world"
    assert info.size == 11
    assert info.sha256 == hashlib.sha256(b"hello world").hexdigest()
    assert list((tmp_path / ".partial").iterdir()) == []


async def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    with pytest.raises(RuntimeError):
        async with store.writer("x.bin") as writer:
            await writer.write(b"partial")
            raise RuntimeError("client vanished")
    assert not store.local_path("x.bin").exists()
    assert list((tmp_path / ".partial").iterdir()) == []


async def test_put_file_moves_atomically_and_hashes(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    source = tmp_path / "rec.mkv"
    source.write_bytes(b"\x1a\x45\xdf\xa3" * 100)
    info = await store.put_file("s/rec.mkv", source)
    assert not source.exists()
    assert info == await store.info("s/rec.mkv")
    assert info.size == 400


@pytest.mark.parametrize("key", ["", "/etc/passwd", "../escape", "a/../../b", ".partial/x"])
def test_invalid_keys_are_rejected(tmp_path: Path, key: str) -> None:
    with pytest.raises(InvalidBlobKey):
        LocalBlobStore(tmp_path).local_path(key)


async def test_missing_blob(tmp_path: Path) -> None:
    with pytest.raises(BlobNotFound):
        await LocalBlobStore(tmp_path).info("nope")


async def test_put_file_trusts_a_digest_computed_while_writing(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    source = tmp_path / "rec.mkv"
    source.write_bytes(b"abc")
    digest = hashlib.sha256(b"abc").hexdigest()
    info = await store.put_file("rec.mkv", source, sha256=digest)
    assert info.sha256 == digest == (await store.info("rec.mkv")).sha256
