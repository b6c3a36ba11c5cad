"""JWT access tokens (HS256) with enforced expiry."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"


class TokenError(Exception):
    """A token that is missing, malformed, badly signed or expired."""


@dataclass(frozen=True)
class TokenClaims:
    """The claims Podium puts in an access token."""

    user_id: str
    role: str
    expires_at: int


def issue_token(key: str, user_id: str, role: str, ttl_s: int, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    payload = {"sub": user_id, "role": role, "iat": issued, "exp": issued + ttl_s, "typ": "access"}
    return jwt.encode(payload, key, algorithm=ALGORITHM)


def decode_token(key: str, token: str) -> TokenClaims:
    """Validate signature and expiry; raise :class:`TokenError` with a readable reason."""
    try:
        payload = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError(f"invalid token: {exc}") from exc
    if payload.get("typ") != "access":
        raise TokenError("invalid token: not an access token")
    return TokenClaims(user_id=str(payload["sub"]), role=str(payload.get("role", "")), expires_at=int(payload["exp"]))
