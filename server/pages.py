"""Serves the browser app in ``web/``."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

WEB_DIR = Path(__file__).resolve().parents[1] / "web"


async def _index(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(WEB_DIR / "index.html")


def add_page_routes(app: web.Application) -> None:
    """``/`` is the practice page; ``/web/`` serves its assets."""
    app.router.add_get("/", _index)
    app.router.add_static("/web/", WEB_DIR, follow_symlinks=False)
