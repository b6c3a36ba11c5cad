"""HTTP routes of ``server.reports``."""

from __future__ import annotations

from aiohttp import web

routes = web.RouteTableDef()
