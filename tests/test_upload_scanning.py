"""Uploads scanned by a real clamd (private socket, EICAR-only database): EICAR is refused with 422 naming the
signature, clean media is accepted, and a configured clamd that is down fails closed with 503 (retryable)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import numpy as np
import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.settings import Settings
from server.uploads.clamd import ClamdAddress, ScannerUnavailable, Verdict, parse_clamd_url, parse_reply, scan_file
from server.uploads.finalize import ENQUEUE_ANALYSIS
from tests.clamd_support import EICAR, FOUND_AS, clamd_binary, running_clamd
from tests.conftest import register_and_login
from tests.generators.video import VideoScript, write_video

TUS = {"Tus-Resumable": "1.0.0"}
STREAM_MAX = 2 << 20

needs_clamd = pytest.mark.skipif(clamd_binary() is None, reason="clamd not installed (Debian clamav-daemon)")


def test_clamd_addresses_and_replies_parse() -> None:
    assert parse_clamd_url("unix:///run/clamav/clamd.ctl") == ClamdAddress(unix_path="/run/clamav/clamd.ctl")
    assert parse_clamd_url("tcp://10.0.0.5") == ClamdAddress(host="10.0.0.5", port=3310)
    assert parse_clamd_url("tcp://scan:9999") == ClamdAddress(host="scan", port=9999)
    for bad in ("http://x", "unix://", "tcp://", "clamd.sock"):
        with pytest.raises(ValueError):
            parse_clamd_url(bad)
    assert parse_reply(b"stream: OK\0") == Verdict(clean=True)
    assert parse_reply(b"stream: Eicar-Signature FOUND\0") == Verdict(clean=False, signature="Eicar-Signature")
    with pytest.raises(ScannerUnavailable, match="size limit"):
        parse_reply(b"INSTREAM size limit exceeded. ERROR\0")


def test_a_bad_clamd_url_is_refused_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="clamd address"):
        Settings(data_dir=tmp_path, clamd_url="http://localhost:3310")


@pytest.fixture(scope="module")
def scanner_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="clamd-"))  # short: a Unix socket path must fit in 108 bytes
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def clamd_socket(scanner_dir: Path) -> Iterator[Path]:
    if clamd_binary() is None:
        pytest.skip("clamd not installed (Debian clamav-daemon)")
    with running_clamd(scanner_dir / "main", scanner_dir / "main.sock", stream_max_bytes=STREAM_MAX) as socket:
        yield socket


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("scan") / "talk.webm"
    t = np.arange(48_000) / 48_000
    audio = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    write_video(path, VideoScript(duration_s=1.0, fps=10, width=160, height=120), audio=audio)
    return path.read_bytes()


async def _client(aiohttp_client, settings: Settings, socket: Path) -> TestClient:  # type: ignore[no-untyped-def]
    app = create_app(settings.model_copy(update={"clamd_url": f"unix://{socket}", "clamd_timeout_s": 20.0}))
    app[ENQUEUE_ANALYSIS] = lambda _app, _sid: None
    client: TestClient = await aiohttp_client(app)
    return client


async def _upload(client: TestClient, auth: dict[str, str], data: bytes) -> tuple[str, int, dict[str, str], str]:
    created = await client.post("/api/v1/uploads", headers={**auth, **TUS, "Upload-Length": str(len(data))})
    assert created.status == 201
    location = created.headers["Location"]
    response = await client.patch(location, data=data, headers=_patch_headers(auth, 0))
    return location, response.status, dict(response.headers), await response.text()


def _patch_headers(auth: dict[str, str], offset: int) -> dict[str, str]:
    return {**auth, **TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}


@pytest.fixture
async def scanned(aiohttp_client, settings: Settings, clamd_socket: Path) -> AsyncIterator[TestClient]:  # type: ignore[no-untyped-def]
    yield await _client(aiohttp_client, settings, clamd_socket)


@needs_clamd
async def test_eicar_is_refused_naming_the_signature_and_leaves_nothing(
    scanned: TestClient, settings: Settings
) -> None:
    auth = {"Authorization": f"Bearer {await register_and_login(scanned)}"}
    _, status, _, text = await _upload(scanned, auth, EICAR)
    assert status == 422, text
    assert '"upload_infected"' in text and FOUND_AS in text
    sessions = await (await scanned.get("/api/v1/sessions", headers=auth)).json()
    assert sessions["items"] == []
    assert list((settings.data_dir / "uploads").glob("*")) == []


@needs_clamd
async def test_media_carrying_eicar_is_refused_before_it_is_opened(scanned: TestClient, talk: bytes) -> None:
    auth = {"Authorization": f"Bearer {await register_and_login(scanned)}"}
    _, status, _, text = await _upload(scanned, auth, talk + EICAR)  # a valid WebM with the test virus appended
    assert status == 422, text
    assert FOUND_AS in text


@needs_clamd
async def test_clean_media_is_accepted(scanned: TestClient, talk: bytes) -> None:
    auth = {"Authorization": f"Bearer {await register_and_login(scanned)}"}
    _, status, headers, text = await _upload(scanned, auth, talk)
    assert status == 204, text
    assert headers.get("Podium-Session-Id")


@needs_clamd
async def test_clamd_down_fails_closed_with_503_and_the_upload_can_be_retried(
    aiohttp_client, settings: Settings, scanner_dir: Path, talk: bytes
) -> None:  # type: ignore[no-untyped-def]
    socket = scanner_dir / "later.sock"
    client = await _client(aiohttp_client, settings, socket)
    auth = {"Authorization": f"Bearer {await register_and_login(client)}"}
    location, status, headers, text = await _upload(client, auth, talk)
    assert status == 503, text
    assert '"scanner_unavailable"' in text and int(headers["Retry-After"]) >= 1
    sessions = await (await client.get("/api/v1/sessions", headers=auth)).json()
    assert sessions["items"] == []  # nothing unscanned was accepted
    with running_clamd(scanner_dir / "later", socket):
        retried = await client.patch(location, data=b"", headers=_patch_headers(auth, len(talk)))
    assert retried.status == 204, await retried.text()
    assert retried.headers.get("Podium-Session-Id")


@needs_clamd
async def test_files_are_streamed_in_chunks_and_clamd_limits_fail_closed(clamd_socket: Path, tmp_path: Path) -> None:
    address = ClamdAddress(unix_path=str(clamd_socket))
    rng = np.random.default_rng(1)
    clean = tmp_path / "clean.bin"
    clean.write_bytes(rng.bytes(STREAM_MAX - 4096))  # two chunks, under clamd's StreamMaxLength
    assert await scan_file(address, clean, timeout_s=20) == Verdict(clean=True)
    tail = tmp_path / "tail.bin"
    tail.write_bytes(rng.bytes((1 << 20) + 100) + EICAR)  # the signature sits in the second chunk
    assert await scan_file(address, tail, timeout_s=20) == Verdict(clean=False, signature=FOUND_AS)
    huge = tmp_path / "huge.bin"
    huge.write_bytes(rng.bytes(2 * STREAM_MAX))
    with pytest.raises(ScannerUnavailable):
        await scan_file(address, huge, timeout_s=20)
