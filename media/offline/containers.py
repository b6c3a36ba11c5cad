"""The container formats Podium opens, recognised from a file's first bytes.

FFmpeg guesses a format from content and name when none is given, which makes demuxers such as ``concat``,
``hls`` or ``dash`` reachable from an uploaded file (they open further files or URLs named inside it). Podium
never lets it guess: the format comes from the magic bytes below, or the file is refused.
"""

from __future__ import annotations

from pathlib import Path

from media.offline.errors import NotMedia

ACCEPTED = "WebM/Matroska, MP4/MOV/M4A, WAV, Ogg, FLAC or MP3"
_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")


def container_of(head: bytes) -> str | None:
    """The FFmpeg demuxer for a file starting with ``head`` (its first 16+ bytes), or ``None`` when not allowed."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska,webm"
    if head[4:8] in _MP4_BOXES:
        return "mov,mp4,m4a,3gp,3g2,mj2"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def sniff_container(path: Path) -> str:
    """The demuxer to open ``path`` with; raises :class:`NotMedia` for anything outside the allow-list."""
    with path.open("rb") as fh:
        head = fh.read(16)
    name = container_of(head)
    if name is None:
        raise NotMedia(f"{path}: not an audio or video file Podium accepts ({ACCEPTED})")
    return name
