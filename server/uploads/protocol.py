"""tus 1.0 header parsing and formatting as pure functions (https://tus.io/protocols/resumable-upload)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from pathlib import PurePath

from server.bounded_int import NotABoundedInt, parse_bounded_int

TUS_VERSION = "1.0.0"
EXTENSIONS = ("creation", "termination", "expiration")
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
MAX_METADATA_CHARS = 4096
SESSION_ID_HEADER = "Podium-Session-Id"
MAX_LENGTH = 2**63 - 1
"""The largest ``Upload-Length``/``Upload-Offset`` parsed (a signed 64-bit column); larger is malformed."""

_KEY = re.compile(r"^[!-+\--~]+$")
"""Printable ASCII without space or comma (0x21-0x7E minus 0x2C)."""
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME_CHARS = 100


class ProtocolError(ValueError):
    """A malformed tus request header; the message names the header and is meant for the client."""


def parse_non_negative(header: str, value: str | None) -> int:
    """Parse ``Upload-Length``/``Upload-Offset``: a required base-10 integer in 0..2⁶³-1, ASCII digits only."""
    if value is None:
        raise ProtocolError(f"{header} header is required")
    try:
        return parse_bounded_int(value.strip(), 0, MAX_LENGTH)
    except NotABoundedInt as exc:
        raise ProtocolError(f"{header} must be an integer between 0 and {MAX_LENGTH}, got {value[:40]!r}") from exc


def parse_metadata(value: str | None) -> dict[str, str]:
    """Decode ``Upload-Metadata``: comma-separated ``key base64value`` pairs (value optional), UTF-8 values."""
    if value is None or not value.strip():
        return {}
    if len(value) > MAX_METADATA_CHARS:
        raise ProtocolError(f"Upload-Metadata longer than {MAX_METADATA_CHARS} characters")
    result: dict[str, str] = {}
    for pair in value.split(","):
        parts = pair.strip().split(" ")
        if len(parts) > 2 or not _KEY.match(parts[0]):
            raise ProtocolError(f"Upload-Metadata pair {pair.strip()!r} is not 'key base64value'")
        key = parts[0]
        if key in result:
            raise ProtocolError(f"Upload-Metadata key {key!r} appears twice")
        result[key] = _decode_value(key, parts[1]) if len(parts) == 2 else ""
    return result


def _decode_value(key: str, encoded: str) -> str:
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ProtocolError(f"Upload-Metadata value of {key!r} is not base64-encoded UTF-8") from exc


def encode_metadata(metadata: Mapping[str, str]) -> str:
    """The ``Upload-Metadata`` header for ``metadata`` (inverse of :func:`parse_metadata`)."""
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode('ascii')}" for key, value in metadata.items())


def check_resumable(value: str | None) -> None:
    """Every request but ``OPTIONS`` must carry ``Tus-Resumable`` with the version this server speaks."""
    if value != TUS_VERSION:
        raise ProtocolError(f"Tus-Resumable must be {TUS_VERSION}, got {value!r}")


def safe_filename(name: str, default: str = "upload") -> str:
    """A blob-key-safe file name: last path component, ``[A-Za-z0-9._-]`` only, no leading dots, ≤100 chars."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = _UNSAFE_NAME_CHARS.sub("_", base).lstrip(".")
    if not cleaned.strip("_"):
        return default
    if len(cleaned) <= _MAX_NAME_CHARS:
        return cleaned
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and 0 < len(suffix) <= 10 and stem:
        return f"{stem[: _MAX_NAME_CHARS - len(suffix) - 1]}.{suffix}"
    return cleaned[:_MAX_NAME_CHARS]


def base_headers() -> dict[str, str]:
    """Headers every tus response carries."""
    return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"}


def options_headers(max_size: int) -> dict[str, str]:
    """Headers of the ``OPTIONS`` discovery response."""
    return {
        **base_headers(),
        "Tus-Version": TUS_VERSION,
        "Tus-Max-Size": str(max_size),
        "Tus-Extension": ",".join(EXTENSIONS),
    }
