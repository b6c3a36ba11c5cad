"""One contract for every blob store: the local directory and S3 (a real S3 API server, moto, on loopback).

Also: the recording endpoint and the analysis worker read through an S3 store (no shared disk).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from server.analysis.job import JobConfig, PermanentJobError, fetch_recording
from server.app import create_app
from server.keys import BLOBS
from server.settings import Settings
from storage.blobs import BlobNotFound, BlobStore, LocalBlobStore
from storage.migrate import upgrade
from storage.s3_blobs import S3BlobStore, blob_store_for, parse_s3_url

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
BUCKET = "podium-test"
MiB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on a loopback port, with the AWS_* settings boto3 reads pointing at it."""
    if not MOTO_SERVER.exists():
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    port = _free_port()
    proc = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # werkzeug announces the socket once it listens
        if "Running on" in line:
            break
    else:
        pytest.fail(f"moto_server exited with {proc.wait()}")
    # keep reading its request log so a full pipe never blocks the server
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    endpoint = f"http://127.0.0.1:{port}"
    saved = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ |= {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    try:
        import boto3

        boto3.client("s3").create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def s3_url(s3_endpoint: str, request: pytest.FixtureRequest) -> str:
    """A fresh prefix per test in the shared bucket."""
    return f"s3://{BUCKET}/t-{abs(hash(request.node.nodeid)):x}-{os.urandom(4).hex()}"


@pytest.fixture(params=["local", "s3"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "local":
        return str(tmp_path / "blobs")
    return str(request.getfixturevalue("s3_url"))


def open_store(url: str) -> BlobStore:
    return blob_store_for(url, Path(url)) if url.startswith("s3://") else LocalBlobStore(Path(url))


@pytest.fixture
def store(store_url: str) -> BlobStore:
    return open_store(store_url)


def _chunk(seed: int, index: int, size: int = MiB) -> bytes:
    return random.Random(seed * 100_003 + index).randbytes(size)


async def _read(store: BlobStore, key: str, start: int, end: int) -> bytes:
    return b"".join([chunk async for chunk in store.read_range(key, start, end)])


async def _put_bytes(store: BlobStore, key: str, data: bytes) -> None:
    writer = store.writer(key)
    await writer.write(data)
    await writer.commit()


def test_s3_urls() -> None:
    assert parse_s3_url("s3://bucket") == ("bucket", "")
    assert parse_s3_url("s3://bucket/a/b/") == ("bucket", "a/b/")
    with pytest.raises(ValueError):
        parse_s3_url("https://bucket/a")


@pytest.mark.slow
async def test_large_upload_is_streamed_in_parts_and_read_back_by_range(store: BlobStore) -> None:
    parts, digest = 104, hashlib.sha256()
    tracemalloc.start()
    try:
        writer = store.writer("recordings/big.mkv")
        for i in range(parts):
            chunk = _chunk(1, i)
            digest.update(chunk)
            await writer.write(chunk)
            del chunk
        info = await writer.commit()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * MiB, f"the upload held {peak / MiB:.0f} MiB in memory"
    assert info.size == parts * MiB == await store.size("recordings/big.mkv")
    assert info.sha256 == digest.hexdigest() == (await store.info("recordings/big.mkv")).sha256
    start = 57 * MiB + 12345
    assert await _read(store, "recordings/big.mkv", start, start + 1000) == _chunk(1, 57)[12345 : 12345 + 1000]
    across = await _read(store, "recordings/big.mkv", 3 * MiB - 10, 3 * MiB + 10)
    assert across == _chunk(1, 2)[-10:] + _chunk(1, 3)[:10]
    if isinstance(store, S3BlobStore):  # really a multipart upload: the ETag counts its parts
        head = store.client.head_object(Bucket=store.bucket, Key=store.object_key("recordings/big.mkv"))
        assert head["ETag"].strip('"').endswith(f"-{-(-parts * MiB // store.part_size)}")


async def test_ranged_reads(store: BlobStore) -> None:
    data = bytes(range(256)) * 100
    await _put_bytes(store, "r/clip.webm", data)
    assert await _read(store, "r/clip.webm", 0, 10) == data[:10]
    assert await _read(store, "r/clip.webm", 100, 200) == data[100:200]
    assert await _read(store, "r/clip.webm", len(data) - 7, len(data)) == data[-7:]
    assert await _read(store, "r/clip.webm", 0, len(data)) == data
    with pytest.raises(BlobNotFound):
        await _read(store, "r/missing.webm", 0, 10)


async def test_put_file_moves_a_finished_file_in(store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "upload.bin"
    data = _chunk(2, 0, 3 * MiB + 17)
    source.write_bytes(data)
    info = await store.put_file("uploads/s1/talk.mp4", source)
    assert not source.exists()
    assert info.size == len(data) and info.sha256 == hashlib.sha256(data).hexdigest()
    assert await store.info("uploads/s1/talk.mp4") == info
    dest = tmp_path / "copy.bin"
    await store.download("uploads/s1/talk.mp4", dest)
    assert dest.read_bytes() == data


async def test_aborted_write_leaves_no_object(store: BlobStore) -> None:
    with pytest.raises(RuntimeError):
        async with store.writer("recordings/aborted.mkv") as writer:  # type: ignore[attr-defined]
            await writer.write(_chunk(3, 0, 9 * MiB))
            raise RuntimeError("publisher vanished")
    assert await store.list_blobs() == []
    with pytest.raises(BlobNotFound):
        await store.info("recordings/aborted.mkv")


KILLED_WRITER = """
import asyncio, sys
from pathlib import Path
from tests.test_blob_contract import open_store, _chunk

async def main():
    writer = open_store(sys.argv[1]).writer("recordings/killed.mkv")
    for i in range(12):
        await writer.write(_chunk(4, i))
    print("parts sent", flush=True)
    await asyncio.to_thread(sys.stdin.read)

asyncio.run(main())
"""


async def test_killed_upload_leaves_no_visible_object(store_url: str, store: BlobStore) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        KILLED_WRITER,
        store_url,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    assert await asyncio.wait_for(proc.stdout.readline(), 120) == b"parts sent\n"
    proc.send_signal(signal.SIGKILL)
    assert await proc.wait() == -signal.SIGKILL
    assert await store.list_blobs() == []
    with pytest.raises(BlobNotFound):
        await store.size("recordings/killed.mkv")
    if isinstance(store, S3BlobStore):  # the parts did reach S3, as an upload that never completed
        uploads = store.client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix)
        assert [u["Key"] for u in uploads.get("Uploads", [])] == [store.object_key("recordings/killed.mkv")]


async def test_delete_and_list(store: BlobStore) -> None:
    for key, size in (("recordings/a/1.mkv", 10), ("recordings/a/2.mkv", 20), ("uploads/b/1.mp4", 30)):
        await _put_bytes(store, key, b"x" * size)
    listed = await store.list_blobs()
    assert [(e.key, e.size) for e in listed] == [
        ("recordings/a/1.mkv", 10),
        ("recordings/a/2.mkv", 20),
        ("uploads/b/1.mp4", 30),
    ]
    assert all(e.modified.tzinfo is not None for e in listed)
    assert [e.key for e in await store.list_blobs("recordings/")] == ["recordings/a/1.mkv", "recordings/a/2.mkv"]
    await store.delete("recordings/a/1.mkv")
    await store.delete("recordings/a/1.mkv")  # deleting twice is fine
    with pytest.raises(BlobNotFound):
        await store.info("recordings/a/1.mkv")
    assert [e.key for e in await store.list_blobs()] == ["recordings/a/2.mkv", "uploads/b/1.mp4"]


# Callers that read recordings: the HTTP endpoint and the analysis worker, with an S3 store.


@pytest.fixture
async def s3_client(aiohttp_client, tmp_path: Path, s3_url: str) -> AsyncIterator[TestClient]:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "var", models_dir=Path("var/models"), blob_url=s3_url, preload_models=False)
    settings.data_dir.mkdir()
    await asyncio.to_thread(upgrade, settings.resolved_database_url)
    yield await aiohttp_client(create_app(settings))


async def test_recording_endpoint_streams_ranges_from_s3(s3_client: TestClient, tmp_path: Path) -> None:
    from inference.scoring.synthetic import synthetic_report
    from tests.conftest import register_and_login
    from tests.test_reports_api import add_recording, add_session, auth

    assert isinstance(s3_client.app[BLOBS], S3BlobStore)
    token = await register_and_login(s3_client)
    sid = await add_session(s3_client, "ada@example.com", synthetic_report(30))
    data = bytes(range(256)) * 40
    await add_recording(s3_client, sid, tmp_path, data)
    url, headers = f"/api/v1/sessions/{sid}/recording", auth(token)
    response = await s3_client.get(url, headers=headers)
    assert response.status == 200 and await response.read() == data
    assert response.headers["Accept-Ranges"] == "bytes" and response.headers["Content-Type"] == "video/webm"
    response = await s3_client.get(url, headers=headers | {"Range": "bytes=100-199"})
    assert response.status == 206 and response.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert await response.read() == data[100:200]
    response = await s3_client.get(url, headers=headers | {"Range": "bytes=-10"})
    assert response.status == 206 and await response.read() == data[-10:]
    response = await s3_client.get(url, headers=headers | {"Range": f"bytes={len(data) + 5}-"})
    assert response.status == 416 and response.headers["Content-Range"] == f"bytes */{len(data)}"
    await s3_client.app[BLOBS].delete(f"recordings/{sid}.webm")
    response = await s3_client.get(url, headers=headers)
    assert response.status == 404 and (await response.json())["error"]["code"] == "no_recording"


async def test_worker_downloads_the_recording_through_the_store(s3_url: str, tmp_path: Path) -> None:
    store = open_store(s3_url)
    await _put_bytes(store, "recordings/s9/rec.mkv", b"matroska bytes")
    elsewhere = tmp_path / "no-shared-disk"
    config = JobConfig(database_url="sqlite://", blob_dir=elsewhere, models_dir=tmp_path, blob_url=s3_url)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    path = await fetch_recording(config, "recordings/s9/rec.mkv", scratch)
    assert path.parent == scratch and path.read_bytes() == b"matroska bytes"
    assert not elsewhere.exists()
    with pytest.raises(PermanentJobError, match="missing"):
        await fetch_recording(config, "recordings/s9/gone.mkv", scratch)
    shutil.rmtree(scratch)


async def test_account_export_includes_recordings_kept_in_s3(s3_client: TestClient, tmp_path: Path) -> None:
    import io
    import zipfile

    from inference.scoring.synthetic import synthetic_report
    from server.keys import SETTINGS
    from tests.conftest import register_and_login
    from tests.test_reports_api import add_recording, add_session, auth

    token = await register_and_login(s3_client)
    sid = await add_session(s3_client, "ada@example.com", synthetic_report(30))
    data = os.urandom(300_000)
    await add_recording(s3_client, sid, tmp_path, data)
    response = await s3_client.get("/api/v1/me/export", headers=auth(token))
    assert response.status == 200
    archive = zipfile.ZipFile(io.BytesIO(await response.read()))
    recordings = [n for n in archive.namelist() if n.startswith(f"sessions/{sid}/recording-")]
    assert len(recordings) == 1 and archive.read(recordings[0]) == data
    staged = (s3_client.app[SETTINGS].data_dir / "exports").glob(".staging-*")
    assert list(staged) == []  # the downloaded copies are removed once the zip is written
