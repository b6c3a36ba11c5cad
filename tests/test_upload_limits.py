"""Uploads beyond the server's limits (media duration, video frame size) are refused with a 422 naming the limit,
and nothing of them is left; the probe that decides runs sandboxed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from aiohttp.test_utils import TestClient

from media.offline.decode import MediaInfo
from server.app import create_app
from server.settings import Settings
from server.uploads.finalize import ENQUEUE_ANALYSIS, over_limit_reason
from tests.conftest import register_and_login
from tests.generators.video import VideoScript, write_video

TUS = {"Tus-Resumable": "1.0.0"}


def _info(duration_s: float, width: int | None, height: int | None) -> MediaInfo:
    return MediaInfo(Path("x.webm"), 1, "matroska", None, 0.0, duration_s, "opus", "vp8", width, height, 10, 10)


def test_limits_name_what_is_over() -> None:
    assert over_limit_reason(_info(60, 640, 480), 3600, 1920 * 1080) is None
    reason = over_limit_reason(_info(7200, 640, 480), 3600, 1920 * 1080)
    assert reason == "120 minutes long; this server accepts talks up to 60 minutes"
    reason = over_limit_reason(_info(60, 3840, 2160), 3600, 1920 * 1080)
    assert reason is not None and "3840×2160" in reason and "2,073,600" in reason
    assert over_limit_reason(_info(60, None, None), 3600, 1) is None


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("limits") / "talk.webm"
    t = np.arange(2 * 48_000) / 48_000
    audio = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    write_video(path, VideoScript(duration_s=2.0, fps=10, width=160, height=120), audio=audio)
    return path.read_bytes()


@pytest.fixture
async def strict(aiohttp_client, settings: Settings) -> AsyncIterator[TestClient]:  # type: ignore[no-untyped-def]
    app = create_app(settings.model_copy(update={"max_media_duration_s": 1.0}))
    app[ENQUEUE_ANALYSIS] = lambda _app, _sid: None
    yield await aiohttp_client(app)


async def test_a_too_long_upload_is_422_and_leaves_nothing(strict: TestClient, talk: bytes, settings: Settings) -> None:
    token = await register_and_login(strict)
    auth = {**TUS, "Authorization": f"Bearer {token}"}
    created = await strict.post("/api/v1/uploads", headers={**auth, "Upload-Length": str(len(talk))})
    assert created.status == 201
    response = await strict.patch(
        created.headers["Location"],
        data=talk,
        headers={**auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert response.status == 422
    error = (await response.json())["error"]
    assert error["code"] == "media_over_limit"
    assert "up to 0 minutes" in error["message"] or "accepts talks up to" in error["message"]
    sessions = await strict.get("/api/v1/sessions", headers={"Authorization": f"Bearer {token}"})
    assert (await sessions.json())["items"] == []
    assert list((settings.data_dir / "uploads").glob("*")) == []
