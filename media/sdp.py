"""Validation of a publisher's SDP offer before aiortc touches it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from media.errors import NoUsableCodec, SdpInvalid, SdpTooLarge

AUDIO_CODECS = frozenset({"opus"})
VIDEO_CODECS = frozenset({"vp8", "h264"})
OPUS_ENCODING = "opus/48000/2"
"""RFC 7587: Opus is always signalled with a 48 kHz clock and two channels; anything else is not Opus we decode."""

_PORT = re.compile(r"[0-9]{1,5}")
"""ASCII digits only: ``'９'.isdigit()`` is true too."""
MAX_PORT = 65535


@dataclass(frozen=True)
class MediaSection:
    """One ``m=`` line with the codec names it offers (lower case) and its direction."""

    kind: str
    port: int
    protocol: str
    codecs: tuple[str, ...]
    direction: str


@dataclass(frozen=True)
class OfferSummary:
    """What an offer carries that we can use."""

    sections: tuple[MediaSection, ...]
    has_audio: bool
    has_video: bool
    has_datachannel: bool


def _parse_sections(sdp: str) -> list[MediaSection]:
    sections: list[MediaSection] = []
    current: dict[str, object] | None = None
    session_direction = "sendrecv"

    def finish() -> None:
        if current is not None:
            sections.append(
                MediaSection(
                    kind=str(current["kind"]),
                    port=int(str(current["port"])),
                    protocol=str(current["protocol"]),
                    codecs=tuple(current["codecs"]),  # type: ignore[arg-type,call-overload]
                    direction=str(current.get("direction", session_direction)),
                )
            )

    for raw in sdp.splitlines():
        line = raw.strip()
        if not line:
            continue
        if len(line) < 2 or line[1] != "=":
            raise SdpInvalid(f"malformed SDP line: {line[:60]!r}")
        if line.startswith("m="):
            finish()
            parts = line[2:].split()
            if len(parts) < 4 or not _valid_port(parts[1].split("/")[0]):
                raise SdpInvalid(f"malformed m-line (port must be 0-{MAX_PORT}): {line[:80]!r}")
            current = {"kind": parts[0], "port": parts[1].split("/")[0], "protocol": parts[2], "codecs": []}
        elif line.startswith("a=rtpmap:") and current is not None:
            try:
                _pt, encoding = line[len("a=rtpmap:") :].split(None, 1)
            except ValueError as exc:
                raise SdpInvalid(f"malformed rtpmap: {line[:80]!r}") from exc
            codecs = current["codecs"]
            assert isinstance(codecs, list)
            codecs.append(_codec_name(encoding))
        elif line[2:] in ("sendrecv", "sendonly", "recvonly", "inactive"):
            if current is None:
                session_direction = line[2:]
            else:
                current["direction"] = line[2:]
    finish()
    return sections


def _valid_port(text: str) -> bool:
    return _PORT.fullmatch(text) is not None and int(text) <= MAX_PORT


def _codec_name(encoding: str) -> str:
    """The codec name in lower case, e.g. ``vp8``; Opus at another rate keeps its rate (``opus/8000``)."""
    encoding = encoding.strip().lower()
    name = encoding.split("/")[0]
    if name == "opus" and encoding != OPUS_ENCODING:
        return encoding
    return name


def validate_offer(sdp: str, max_bytes: int = 64 * 1024) -> OfferSummary:
    """Check that ``sdp`` is a plausible offer carrying audio (Opus) and/or video (VP8/H264) we can decode.

    Raises :class:`SdpTooLarge`, :class:`SdpInvalid` or :class:`NoUsableCodec` (naming what was offered).
    """
    if len(sdp.encode("utf-8", errors="replace")) > max_bytes:
        raise SdpTooLarge(f"SDP offer is larger than {max_bytes} bytes")
    if not sdp.lstrip().startswith("v=0"):
        raise SdpInvalid("SDP offer must start with 'v=0'")
    sections = _parse_sections(sdp)
    if not sections:
        raise SdpInvalid("SDP offer has no media sections (m= lines)")

    def usable(section: MediaSection, wanted: frozenset[str]) -> bool:
        sending = section.direction in ("sendrecv", "sendonly")
        return section.port != 0 and sending and any(c in wanted for c in section.codecs)

    has_audio = any(s.kind == "audio" and usable(s, AUDIO_CODECS) for s in sections)
    has_video = any(s.kind == "video" and usable(s, VIDEO_CODECS) for s in sections)
    has_dc = any(s.kind == "application" and "sctp" in s.protocol.lower() for s in sections)
    if not (has_audio or has_video):
        offered = "; ".join(
            f"{s.kind} [{', '.join(s.codecs) or 'no codecs'}] {s.direction}"
            for s in sections
            if s.kind in ("audio", "video")
        )
        raise NoUsableCodec(
            "no usable media: need audio (opus/48000/2) or video (VP8/H264) sent by the publisher; "
            f"offered: {offered or 'no audio/video sections'}"
        )
    return OfferSummary(tuple(sections), has_audio, has_video, has_dc)
