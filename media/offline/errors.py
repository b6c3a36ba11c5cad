"""Typed errors for unreadable input files; each message is one line meant for the user."""

from __future__ import annotations


class MediaFileError(Exception):
    """The input file cannot be analysed. ``code`` is stable and machine-readable."""

    code: str = "media_file_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileMissing(MediaFileError):
    code = "file_missing"


class FileEmpty(MediaFileError):
    code = "file_empty"


class NotMedia(MediaFileError):
    code = "not_media"


class TruncatedMedia(MediaFileError):
    code = "truncated"


class NoMediaStreams(MediaFileError):
    code = "no_audio_or_video"


class ModelsMissing(RuntimeError):
    """A model the analysis needs has not been prepared (``podium models``)."""
