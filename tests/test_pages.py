"""The built web app is served at ``/``: hashed assets cached for a year, page paths fall back to index.html,
API and operator paths keep their JSON 404s, nothing outside the build directory is reachable."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.settings import Settings

INDEX = '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>'


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "index-abc123.js").write_text("console.log('podium')")
    (root / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside the build")
    return root


@pytest.fixture
async def web_client(aiohttp_client, settings: Settings, web_dir: Path) -> AsyncIterator[TestClient]:  # type: ignore[no-untyped-def]
    yield await aiohttp_client(create_app(settings.model_copy(update={"web_dir": web_dir})))


@pytest.mark.parametrize("path", ["/", "/practice", "/sessions/abc123", "/progress?metric=wpm"])
async def test_page_paths_answer_index_html(web_client: TestClient, path: str) -> None:
    response = await web_client.get(path)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Cache-Control"] == "no-cache"
    assert await response.text() == INDEX


async def test_hashed_assets_are_cached_for_a_year(web_client: TestClient) -> None:
    response = await web_client.get("/assets/index-abc123.js")
    assert response.status == 200
    assert "javascript" in response.headers["Content-Type"]
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


async def test_other_build_files_are_served_and_revalidated(web_client: TestClient) -> None:
    response = await web_client.get("/favicon.svg")
    assert response.status == 200
    assert await response.text() == "<svg/>"
    assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/assets/missing.js", "/assets/..%2F..%2Fsecret.txt"])
async def test_missing_or_escaping_assets_are_404(web_client: TestClient, path: str) -> None:
    response = await web_client.get(path)
    assert response.status == 404
    assert "outside the build" not in await response.text()


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2E%2E/secret.txt", "/..%2Fsecret.txt"])
async def test_nothing_outside_the_build_is_served(web_client: TestClient, path: str) -> None:
    response = await web_client.get(path)
    assert "outside the build" not in await response.text()


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/metricsx"])
async def test_api_paths_keep_json_404s(web_client: TestClient, path: str) -> None:
    response = await web_client.get(path)
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


async def test_api_routes_still_win(web_client: TestClient) -> None:
    response = await web_client.get("/healthz")
    assert response.status == 200


async def test_an_unbuilt_app_explains_how_to_build_it(aiohttp_client, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = await aiohttp_client(create_app(settings.model_copy(update={"web_dir": tmp_path / "nothing"})))
    response = await client.get("/")
    assert response.status == 503
    assert "make run" in await response.text()
