"""Typed errors raised by the media plane; the HTTP layer maps ``http_status`` and ``code`` directly."""

from __future__ import annotations


class MediaError(Exception):
    """Base class: ``code`` is a stable machine-readable string, ``http_status`` the suggested status."""

    code: str = "media_error"
    http_status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SdpTooLarge(MediaError):
    code = "sdp_too_large"
    http_status = 400


class SdpInvalid(MediaError):
    code = "sdp_invalid"
    http_status = 400


class NoUsableCodec(MediaError):
    code = "no_usable_codec"
    http_status = 422


class AlreadyPublishing(MediaError):
    code = "already_publishing"
    http_status = 409


class SessionClosed(MediaError):
    code = "session_closed"
    http_status = 409


class SessionNotFound(MediaError):
    code = "session_not_found"
    http_status = 404
