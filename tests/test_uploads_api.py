"""tus uploads against a real running server: the tuspy client, resume after an interrupted PATCH, bad inputs."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import numpy as np
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from PIL import Image
from sqlalchemy import func, select
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError
from tusclient.uploader import Uploader
from yarl import URL

from server.analysis.runner import JOBS
from server.app import create_app
from server.auth.tokens import issue_token
from server.keys import BLOBS, DB, SETTINGS, SIGNING_KEY
from server.settings import Settings
from server.uploads.expiry import expire_uploads
from server.uploads.finalize import ENQUEUE_ANALYSIS
from server.uploads.protocol import OFFSET_CONTENT_TYPE, TUS_VERSION
from storage.blobs import LocalBlobStore
from storage.models import PracticeSession, Recording, SessionSource, SessionState, Upload, utcnow
from tests.conftest import register_and_login
from tests.generators.video import VideoScript, write_video
from tests.jobs_support import FAKE_ANALYZER

MAX_UPLOAD = 200_000
CHUNK = 8 * 1024
TUS = {"Tus-Resumable": TUS_VERSION}


@pytest.fixture(scope="module")
def webm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 s 160×120 VP8 + Opus talk (≈27 kB)."""
    path = tmp_path_factory.mktemp("uploads") / "talk.webm"
    t = np.arange(2 * 48_000) / 48_000
    audio = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    write_video(path, VideoScript(duration_s=2.0, fps=10, width=160, height=120), audio=audio)
    return path


@dataclass
class PatchDone:
    """Set each time a PATCH handler has returned (tests wait on it instead of sleeping)."""

    event: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Env:
    client: TestClient
    token: str
    enqueued: list[str]
    patch_done: PatchDone

    @property
    def app(self) -> web.Application:
        return self.client.app  # type: ignore[return-value]

    @property
    def url(self) -> str:
        return str(self.client.make_url("/api/v1/uploads"))

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {**TUS, "Authorization": f"Bearer {token or self.token}"}


@pytest.fixture
async def env(aiohttp_client, settings: Settings) -> AsyncIterator[Env]:  # type: ignore[no-untyped-def]
    app = create_app(settings.model_copy(update={"max_upload_bytes": MAX_UPLOAD}))
    enqueued: list[str] = []
    patch_done = PatchDone()

    def record(_app: web.Application, session_id: str) -> None:
        enqueued.append(session_id)

    @web.middleware
    async def signal_patch(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            return await handler(request)
        finally:
            if request.method == "PATCH":
                patch_done.event.set()

    app[ENQUEUE_ANALYSIS] = record
    app.middlewares.append(signal_patch)
    client = await aiohttp_client(app)
    yield Env(client, await register_and_login(client), enqueued, patch_done)


def _tus_client(env: Env, token: str | None = None) -> TusClient:
    return TusClient(env.url, headers={"Authorization": f"Bearer {token or env.token}"})


async def _count(env: Env, model: type[Upload] | type[PracticeSession] | type[Recording]) -> int:
    async with env.app[DB]() as db:
        return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def _assert_nothing_left(env: Env) -> None:
    partial_dir = env.app[SETTINGS].data_dir / "uploads"
    assert list(partial_dir.glob("*")) == []
    assert await _count(env, Upload) == 0
    assert await _count(env, PracticeSession) == 0
    blobs = env.app[BLOBS]
    assert isinstance(blobs, LocalBlobStore)
    assert not (blobs.root / "uploads").exists()


async def _create(env: Env, length: int, token: str | None = None, **headers: str) -> str:
    response = await env.client.post(
        "/api/v1/uploads", headers={**env.auth(token), "Upload-Length": str(length), **headers}
    )
    assert response.status == 201, await response.text()
    location = response.headers["Location"]
    assert location.startswith("/api/v1/uploads/")
    return location


def _session_id(uploader: Uploader) -> str:
    """The session id the completing PATCH answered with."""
    assert uploader.request is not None
    session_id: str = uploader.request.response_headers["podium-session-id"]
    return session_id


def _path(uploader: Uploader) -> str:
    assert uploader.url is not None
    return URL(uploader.url).path


def _patch_headers(env: Env, offset: int, token: str | None = None) -> dict[str, str]:
    return {**env.auth(token), "Upload-Offset": str(offset), "Content-Type": OFFSET_CONTENT_TYPE}


async def test_options_advertises_version_extensions_and_limit(env: Env) -> None:
    response = await env.client.options("/api/v1/uploads", headers=env.auth())
    assert response.status == 204
    assert response.headers["Tus-Version"] == TUS_VERSION
    assert response.headers["Tus-Max-Size"] == str(MAX_UPLOAD)
    assert set(response.headers["Tus-Extension"].split(",")) == {"creation", "termination", "expiration"}


async def test_tuspy_chunked_upload_creates_an_ended_session_with_its_recording(env: Env, webm: Path) -> None:
    uploader = _tus_client(env).uploader(
        str(webm), chunk_size=CHUNK, metadata={"filename": "my talk.webm", "title": "Pitch"}
    )
    await asyncio.to_thread(uploader.upload)

    session_id = _session_id(uploader)
    assert env.enqueued == [session_id]
    async with env.app[DB]() as db:
        session = await db.get(PracticeSession, session_id)
        recording = await db.scalar(select(Recording).where(Recording.session_id == session_id))
        upload = await db.scalar(select(Upload))
    assert session is not None and recording is not None and upload is not None
    assert (session.source, session.state, session.title) == (SessionSource.UPLOAD, SessionState.ENDED, "Pitch")
    assert session.ended_at is not None
    data = await asyncio.to_thread(webm.read_bytes)
    assert recording.blob_key == f"uploads/{session_id}/my_talk.webm"
    assert (recording.audio_codec, recording.video_codec) == ("opus", "vp8")
    assert "webm" in recording.container
    assert recording.duration_s == pytest.approx(2.0, abs=0.1)
    assert (recording.bytes, recording.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert env.app[BLOBS].local_path(recording.blob_key).read_bytes() == data
    assert upload.session_id == session_id and upload.completed_at is not None
    assert list((env.app[SETTINGS].data_dir / "uploads").glob("*")) == []

    head = await env.client.head(_path(uploader), headers=env.auth())
    assert head.status == 200
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(data))
    assert head.headers["Podium-Session-Id"] == session_id
    assert head.headers["Tus-Resumable"] == TUS_VERSION
    retried_final = await env.client.patch(_path(uploader), data=b"", headers=_patch_headers(env, len(data)))
    assert (retried_final.status, retried_final.headers["Podium-Session-Id"]) == (204, session_id)
    assert env.enqueued == [session_id]


async def test_resume_after_an_interrupted_patch(env: Env, webm: Path) -> None:
    data = await asyncio.to_thread(webm.read_bytes)
    first = _tus_client(env).uploader(str(webm), chunk_size=CHUNK, metadata={"filename": "talk.webm"})
    await asyncio.to_thread(first.upload_chunk)
    assert first.offset == CHUNK
    location = _path(first)

    sent = 10_000
    env.patch_done.event.clear()
    _, writer = await asyncio.open_connection(env.client.host, env.client.port)
    head = (
        f"PATCH {location} HTTP/1.1\r\nHost: {env.client.host}\r\nAuthorization: Bearer {env.token}\r\n"
        f"Tus-Resumable: {TUS_VERSION}\r\nUpload-Offset: {CHUNK}\r\nContent-Type: {OFFSET_CONTENT_TYPE}\r\n"
        f"Content-Length: {len(data) - CHUNK}\r\n\r\n"
    )
    writer.write(head.encode() + data[CHUNK : CHUNK + sent])
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    await asyncio.wait_for(env.patch_done.event.wait(), 10)

    state = await env.client.head(location, headers=env.auth())
    stored = int(state.headers["Upload-Offset"])
    assert CHUNK <= stored <= CHUNK + sent
    resumed = await asyncio.to_thread(
        Uploader, str(webm), url=str(env.client.make_url(location)), client=_tus_client(env), chunk_size=CHUNK
    )
    assert resumed.offset == stored
    await asyncio.to_thread(resumed.upload)

    session_id = _session_id(resumed)
    async with env.app[DB]() as db:
        recording = await db.scalar(select(Recording).where(Recording.session_id == session_id))
    assert recording is not None
    assert recording.sha256 == hashlib.sha256(data).hexdigest()
    assert env.enqueued == [session_id]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 400),
        ({"Upload-Length": "abc"}, 400),
        ({"Upload-Length": "-5"}, 400),
        ({"Upload-Length": "0"}, 422),
        ({"Upload-Length": str(MAX_UPLOAD + 1)}, 413),
        ({"Upload-Length": "10", "Upload-Metadata": "filename not-base64!"}, 400),
    ],
)
async def test_bad_creation_is_rejected(env: Env, headers: dict[str, str], status: int) -> None:
    response = await env.client.post("/api/v1/uploads", headers={**env.auth(), **headers})
    assert response.status == status, await response.text()
    assert "error" in await response.json()
    assert response.headers["Tus-Resumable"] == TUS_VERSION
    assert await _count(env, Upload) == 0


async def test_missing_tus_resumable_is_412(env: Env) -> None:
    headers = {"Authorization": f"Bearer {env.token}", "Upload-Length": "10"}
    response = await env.client.post("/api/v1/uploads", headers=headers)
    assert response.status == 412
    assert response.headers["Tus-Version"] == TUS_VERSION


async def test_wrong_offset_is_409_and_wrong_content_type_is_415(env: Env) -> None:
    location = await _create(env, 100)
    wrong_offset = await env.client.patch(location, data=b"x" * 10, headers=_patch_headers(env, 5))
    assert wrong_offset.status == 409
    wrong_type = await env.client.patch(
        location, data=b"x" * 10, headers={**_patch_headers(env, 0), "Content-Type": "application/octet-stream"}
    )
    assert wrong_type.status == 415
    too_long = await env.client.patch(location, data=b"x" * 101, headers=_patch_headers(env, 0))
    assert too_long.status == 413
    ok = await env.client.patch(location, data=b"x" * 10, headers=_patch_headers(env, 0))
    assert (ok.status, ok.headers["Upload-Offset"]) == (204, "10")


async def test_auth_is_required_and_checked(env: Env) -> None:
    no_token = await env.client.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "10"})
    assert no_token.status == 401
    expired = issue_token(env.app[SIGNING_KEY], "someone", "speaker", 60, time.time() - 3600)
    response = await env.client.post("/api/v1/uploads", headers={**env.auth(expired), "Upload-Length": "10"})
    assert response.status == 401
    assert "expired" in (await response.json())["error"]["message"]
    options = await env.client.options("/api/v1/uploads", headers=TUS)
    assert options.status == 401


async def test_another_users_upload_is_404(env: Env) -> None:
    location = await _create(env, 100)
    intruder = await register_and_login(env.client, "intruder@example.com")
    assert (await env.client.head(location, headers=env.auth(intruder))).status == 404
    patch = await env.client.patch(location, data=b"x", headers=_patch_headers(env, 0, intruder))
    assert patch.status == 404
    assert (await env.client.delete(location, headers=env.auth(intruder))).status == 404
    assert (await env.client.head(location, headers=env.auth())).status == 200


async def test_delete_aborts_and_removes_the_data(env: Env) -> None:
    location = await _create(env, 100)
    await env.client.patch(location, data=b"x" * 10, headers=_patch_headers(env, 0))
    response = await env.client.delete(location, headers=env.auth())
    assert response.status == 204
    assert (await env.client.head(location, headers=env.auth())).status == 404
    await _assert_nothing_left(env)


async def test_text_file_is_rejected_and_nothing_is_left(env: Env, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("These are my speaker notes, not a recording.\n" * 200)
    uploader = _tus_client(env).uploader(str(text), chunk_size=CHUNK, metadata={"filename": "notes.txt"})
    with pytest.raises(TusCommunicationError) as raised:
        await asyncio.to_thread(uploader.upload)
    assert raised.value.status_code == 415
    assert b"not_media" in raised.value.response_content
    assert b"notes.txt" in raised.value.response_content
    assert str(text.parent).encode() not in raised.value.response_content
    assert env.enqueued == []
    await _assert_nothing_left(env)


async def test_truncated_webm_is_rejected_and_nothing_is_left(env: Env, webm: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.webm"
    data = await asyncio.to_thread(webm.read_bytes)
    await asyncio.to_thread(cut.write_bytes, data[: len(data) // 2])
    uploader = _tus_client(env).uploader(str(cut), chunk_size=CHUNK, metadata={"filename": "cut.webm"})
    with pytest.raises(TusCommunicationError) as raised:
        await asyncio.to_thread(uploader.upload)
    assert raised.value.status_code == 422
    assert b"truncated" in raised.value.response_content
    assert env.enqueued == []
    await _assert_nothing_left(env)


async def test_still_image_is_unsupported(env: Env, tmp_path: Path) -> None:
    image = tmp_path / "slide.png"
    await asyncio.to_thread(Image.new("RGB", (64, 48), (200, 10, 10)).save, image)
    uploader = _tus_client(env).uploader(str(image), metadata={"filename": "slide.png"})
    with pytest.raises(TusCommunicationError) as raised:
        await asyncio.to_thread(uploader.upload)
    assert raised.value.status_code == 415
    assert b"slide.png: not an audio or video file Podium accepts" in raised.value.response_content
    await _assert_nothing_left(env)


async def test_cors_lets_a_browser_tus_client_through(aiohttp_client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    origin = "http://example.com"
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"cors_origin": origin})))
    token = await register_and_login(client)
    preflight = await client.options(
        "/api/v1/uploads/abc", headers={"Origin": origin, "Access-Control-Request-Method": "PATCH"}
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "HEAD" in preflight.headers["Access-Control-Allow-Methods"]
    allowed = {h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"tus-resumable", "upload-length", "upload-offset", "upload-metadata"} <= allowed
    auth = {**TUS, "Authorization": f"Bearer {token}", "Origin": origin}
    created = await client.post("/api/v1/uploads", headers={**auth, "Upload-Length": "10"})
    exposed = {h.strip().lower() for h in created.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"location", "upload-offset", "tus-resumable", "podium-session-id"} <= exposed


async def test_upload_is_analysed_by_the_local_job_runner(aiohttp_client, settings: Settings, webm: Path) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"jobs_analyzer": FAKE_ANALYZER})))
    token = await register_and_login(client)
    tus = TusClient(str(client.make_url("/api/v1/uploads")), headers={"Authorization": f"Bearer {token}"})
    uploader = tus.uploader(str(webm), chunk_size=64 * 1024, metadata={"filename": "talk.webm"})
    await asyncio.to_thread(uploader.upload)
    session_id = _session_id(uploader)

    await client.app[JOBS].idle()
    auth = {"Authorization": f"Bearer {token}"}
    job = await (await client.get(f"/api/v1/sessions/{session_id}/analysis", headers=auth)).json()
    session = await (await client.get(f"/api/v1/sessions/{session_id}", headers=auth)).json()
    assert (job["state"], session["state"], session["source"]) == ("succeeded", "analyzed", "upload")


async def test_unfinished_uploads_expire(env: Env, webm: Path) -> None:
    response = await env.client.post("/api/v1/uploads", headers={**env.auth(), "Upload-Length": "100"})
    expires = parsedate_to_datetime(response.headers["Upload-Expires"])
    assert expires - utcnow() == pytest.approx(
        timedelta(seconds=env.app[SETTINGS].upload_expiry_s), abs=timedelta(minutes=1)
    )
    finished = _tus_client(env).uploader(str(webm), metadata={"filename": "talk.webm"})
    await asyncio.to_thread(finished.upload)

    assert await expire_uploads(env.app) == 0
    assert await expire_uploads(env.app, now=expires + timedelta(seconds=1)) == 1
    assert (await env.client.head(response.headers["Location"], headers=env.auth())).status == 404
    assert list((env.app[SETTINGS].data_dir / "uploads").glob("*")) == []
    assert (await env.client.head(_path(finished), headers=env.auth())).status == 200
