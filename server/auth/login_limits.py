"""The sign-in and registration limits: per client IP, and failed sign-ins per account; 429 with Retry-After."""

from __future__ import annotations

import hashlib

from aiohttp import web

from server.auth.ratelimit import LIMITER
from server.errors import TooManyRequests
from server.keys import SETTINGS


def _ip_key(kind: str, request: web.Request) -> str:
    return f"{kind}:ip:{request.remote or 'unknown'}"


def _account_key(email: str) -> str:
    return "login:account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


async def _refuse_if_limited(request: web.Request, key: str, limit: int, what: str) -> None:
    window_s = request.app[SETTINGS].login_rate_window_s
    wait_s = await request.app[LIMITER].retry_after(key, limit, window_s)
    if wait_s > 0:
        raise TooManyRequests(f"{what}; try again in {max(1, round(wait_s))} s", wait_s)


async def check_sign_in(request: web.Request, email: str) -> None:
    """Refuse (429) when this IP made too many sign-in attempts or this account failed too often; count the try."""
    settings = request.app[SETTINGS]
    ip_key = _ip_key("login", request)
    await _refuse_if_limited(request, ip_key, settings.login_ip_limit, "too many sign-in attempts from this address")
    await _refuse_if_limited(
        request, _account_key(email), settings.login_account_limit, "too many failed sign-ins for this account"
    )
    await request.app[LIMITER].record(ip_key, settings.login_rate_window_s)


async def record_failed_sign_in(request: web.Request, email: str) -> None:
    await request.app[LIMITER].record(_account_key(email), request.app[SETTINGS].login_rate_window_s)


async def check_register(request: web.Request) -> None:
    """Refuse (429) when this IP registered too often in the window; count the try."""
    settings = request.app[SETTINGS]
    key = _ip_key("register", request)
    await _refuse_if_limited(request, key, settings.register_ip_limit, "too many registrations from this address")
    await request.app[LIMITER].record(key, settings.login_rate_window_s)
