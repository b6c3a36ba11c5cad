"""Turn a recording cut short (the server was killed while writing it) into a playable Matroska file.

Packets are copied, never re-encoded; a truncated last cluster simply ends the copy. The result has the
cues and duration a finalized recording has, so players and the analysis read it like any other.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import av

from media.recorder import RecordingResult, probe_duration

log = logging.getLogger(__name__)


def remux_partial(source: Path, dest: Path) -> RecordingResult | None:
    """Copy every readable audio/video packet of ``source`` into ``dest``; None when nothing usable is in it.

    Blocking (file I/O and demuxing): call it from a worker thread.
    """
    try:
        container = av.open(str(source))
    except (av.FFmpegError, OSError, ValueError) as exc:
        log.warning("recording %s is unreadable (%s); nothing to recover", source, exc)
        return None
    with container:
        streams = [s for s in container.streams if s.type in ("audio", "video")]
        if not streams:
            return None
        packets, codecs = _copy(container, streams, dest)
    if packets == 0:
        dest.unlink(missing_ok=True)
        return None
    return RecordingResult(
        path=dest,
        duration_s=probe_duration(dest),
        codecs=codecs,
        bytes=dest.stat().st_size,
        sha256=_sha256(dest),
        packets=packets,
        dropped_packets=0,
    )


def _copy(container: Any, streams: list[Any], dest: Path) -> tuple[int, dict[str, str]]:
    output = av.open(str(dest), "w", format="matroska")
    packets = 0
    try:
        mapping = {s.index: output.add_stream_from_template(s) for s in streams}
        codecs = {s.type: s.codec_context.name for s in streams}
        last_dts: dict[int, int] = {}
        try:
            for packet in container.demux(*streams):
                index = packet.stream.index
                if packet.dts is None or packet.size == 0 or packet.dts <= last_dts.get(index, -(2**62)):
                    continue
                last_dts[index] = packet.dts
                packet.stream = mapping[index]
                output.mux(packet)
                packets += 1
        except (av.FFmpegError, EOFError) as exc:
            log.info("recording %s ends in a truncated packet (%s); kept %d packets", dest, exc, packets)
    finally:
        output.close()
    return packets, codecs


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
