"""HTTP routes of ``server.uploads``."""

from __future__ import annotations

from aiohttp import web

routes = web.RouteTableDef()
