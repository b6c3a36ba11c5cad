"""Virus scanning of finished uploads with ClamAV (``PODIUM_CLAMD_URL``), before anything opens the file.

An infected file is a 422 ``upload_infected`` naming the signature; a clamd that gives no verdict is a 503
``scanner_unavailable`` (fail closed: nothing unscanned is accepted). Without ``PODIUM_CLAMD_URL`` nothing is
scanned.
"""

from __future__ import annotations

import logging
from pathlib import Path

from server.errors import ApiError, ValidationFailed
from server.settings import Settings
from server.uploads.clamd import ScannerUnavailable, parse_clamd_url, scan_file

log = logging.getLogger(__name__)

RETRY_AFTER_S = 30


class UploadInfected(ValidationFailed):
    code = "upload_infected"


class ScannerDown(ApiError):
    status, code = 503, "scanner_unavailable"


async def scan_upload(settings: Settings, path: Path, filename: str) -> None:
    """Raise :class:`UploadInfected` or :class:`ScannerDown` unless clamd (when configured) finds ``path`` clean."""
    if settings.clamd_url is None:
        return
    try:
        verdict = await scan_file(parse_clamd_url(settings.clamd_url), path, settings.clamd_timeout_s)
    except ScannerUnavailable as exc:
        log.error("upload %s not scanned: %s", filename or path.name, exc)
        raise ScannerDown(
            "the virus scanner is unavailable, so the upload cannot be accepted yet; "
            "retry the last PATCH (0 bytes at the final offset) later",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        ) from exc
    if not verdict.clean:
        log.warning("upload %s rejected: clamd found %s", filename or path.name, verdict.signature)
        raise UploadInfected(f"{filename or 'upload'}: rejected by the virus scanner (found {verdict.signature})")
