"""Serves the built web app (``web/dist``): hashed assets cached for a year, every other page path answered
with ``index.html`` so the browser app's own router can show it (single-page-app fallback)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from server.errors import NotFound

DEFAULT_WEB_DIR = Path(__file__).resolve().parents[1] / "web" / "dist"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Paths the app never answers with the web app: the API and the operator endpoints keep their JSON 404s.
SERVER_PREFIXES = ("/api/", "/healthz", "/readyz", "/metrics")

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Podium</title>
<h1>The Podium web app is not built</h1>
<p>Run <code>make run</code> (it builds <code>web/dist</code> with npm) or <code>cd web &amp;&amp; npm ci &amp;&amp;
npm run build</code>, then reload. The API is available under <code>/api/v1/</code>.</p>
"""


def _inside(root: Path, relative: str) -> Path | None:
    """``root / relative`` if it is a file inside ``root`` (no ``..`` escapes, no symlinks out)."""
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


async def _refuse_server_path(request: web.Request) -> None:
    """A GET on an API path that only this catch-all matched: 405 when the path exists with other methods, else 404."""
    allowed: set[str] = set()
    for resource in request.app.router.resources():
        if resource is request.match_info.route.resource:
            continue
        match, methods = await resource.resolve(request)
        if match is None:
            allowed |= methods
    if allowed:
        raise web.HTTPMethodNotAllowed(request.method, allowed)
    raise NotFound(f"no such resource: {request.path}")


class WebApp:
    """Answers page and asset requests from one built web app directory."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    async def asset(self, request: web.Request) -> web.StreamResponse:
        path = _inside(self._root / "assets", request.match_info["name"])
        if path is None:
            raise NotFound("no such asset")
        return web.FileResponse(path, headers={"Cache-Control": IMMUTABLE})

    async def page(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith(SERVER_PREFIXES):
            await _refuse_server_path(request)
        relative = request.match_info["tail"]
        path = _inside(self._root, relative) if relative else None
        if path is not None and path.name != "index.html":
            return web.FileResponse(path, headers={"Cache-Control": REVALIDATE})
        index = self._root / "index.html"
        if not index.is_file():
            return web.Response(text=NOT_BUILT, content_type="text/html", status=503)
        return web.FileResponse(index, headers={"Cache-Control": REVALIDATE, "Content-Type": "text/html"})


def add_page_routes(app: web.Application, root: Path = DEFAULT_WEB_DIR) -> None:
    """Register last: ``/assets/…`` and the catch-all page route come after every API route."""
    site = WebApp(root)
    app.router.add_get("/assets/{name:.+}", site.asset)
    app.router.add_get("/{tail:.*}", site.page)
