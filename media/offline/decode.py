"""Open any audio/video file PyAV can read: probe it, decode audio to 16 kHz mono, sample video frames as RGB.

Times are media seconds counted from the start of the file (the earliest stream start), so audio sample ``i``
sits at ``i / 16000`` s and video frames carry their own ``t_s`` on the same clock. Unreadable input raises a
:class:`~media.offline.errors.MediaFileError` subclass whose message is a single line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

from inference.speech.types import SAMPLE_RATE
from media.offline.containers import sniff_container
from media.offline.errors import FileEmpty, FileMissing, MediaFileError, NoMediaStreams, NotMedia, TruncatedMedia

FractionCallback = Callable[[float], None]
"""Receives the fraction of the file done, 0.0 to 1.0."""

TRUNCATION_TOLERANCE_S = 0.5
"""How much shorter than its declared duration a file may be before it counts as truncated."""
_GAP_FILL_S = 0.05


@dataclass(frozen=True)
class MediaInfo:
    """What a demux-only scan of a file found (no decoding)."""

    path: Path
    size_bytes: int
    container: str
    declared_duration_s: float | None
    """Duration written in the container header, if any (browser recordings often have none)."""
    start_s: float
    """Earliest packet time; media time 0 of the report is this instant."""
    end_s: float
    """End of the last packet, relative to ``start_s``."""
    audio_codec: str | None
    video_codec: str | None
    width: int | None
    height: int | None
    audio_packets: int
    video_packets: int

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None and self.audio_packets > 0

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None and self.video_packets > 0

    @property
    def duration_s(self) -> float:
        """Best known duration: the scanned media end (never more than the declared duration)."""
        return self.end_s

    def to_dict(self) -> dict[str, Any]:
        return {
            "container": self.container,
            "size_bytes": self.size_bytes,
            "declared_duration_s": _round(self.declared_duration_s),
            "audio_codec": self.audio_codec,
            "video_codec": self.video_codec,
            "width": self.width,
            "height": self.height,
        }


@dataclass(frozen=True)
class VideoSample:
    """One sampled video frame: ``rgb`` is ``H×W×3`` uint8, ``t_s`` media seconds."""

    t_s: float
    rgb: np.ndarray


def _round(value: float | None, ndigits: int = 3) -> float | None:
    return None if value is None else round(value, ndigits)


def _open(path: Path) -> Any:
    container_format = sniff_container(path)
    try:
        return av.open(str(path), format=container_format, metadata_errors="ignore")
    except av.error.InvalidDataError as exc:
        raise NotMedia(f"{path}: not an audio or video file PyAV can read") from exc
    except (av.error.EOFError, EOFError) as exc:
        raise TruncatedMedia(f"{path}: file ends before its header is complete (truncated?)") from exc
    except av.error.FFmpegError as exc:
        reason = exc.strerror or exc
        raise TruncatedMedia(f"{path}: cannot read the container ({reason}); truncated or corrupt?") from exc


def _check_path(path: Path) -> int:
    if not path.exists():
        raise FileMissing(f"{path}: no such file")
    if not path.is_file():
        raise NotMedia(f"{path}: not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise FileEmpty(f"{path}: file is empty")
    return size


def probe(path: Path | str, *, allow_truncated: bool = False) -> MediaInfo:
    """Scan ``path`` without decoding and describe it.

    Raises :class:`FileMissing`, :class:`FileEmpty`, :class:`NotMedia` (not a media container, or a container
    with neither audio nor video), :class:`NoMediaStreams` and :class:`TruncatedMedia` (header cut off, no media
    data, a demux error mid-file, or media ending well before the declared duration — the last two are accepted
    when ``allow_truncated``).
    """
    path = Path(path)
    size = _check_path(path)
    with _open(path) as container:
        audio = container.streams.audio[0] if container.streams.audio else None
        video = container.streams.video[0] if container.streams.video else None
        if audio is None and video is None:
            raise NoMediaStreams(f"{path}: has neither an audio nor a video stream")
        declared = container.duration / av.time_base if container.duration and container.duration > 0 else None
        counts = {"audio": 0, "video": 0}
        first = math.inf
        last = -math.inf
        streams = [s for s in (audio, video) if s is not None]
        try:
            for packet in container.demux(*streams):
                if packet.size == 0 or packet.pts is None:
                    continue
                tb = float(packet.time_base)
                t0 = packet.pts * tb
                t1 = t0 + (packet.duration or 0) * tb
                first = min(first, t0)
                last = max(last, t1)
                counts[packet.stream.type] += 1
        except av.error.FFmpegError as exc:
            if not allow_truncated or not math.isfinite(last):
                where = max(last, 0.0)
                raise TruncatedMedia(f"{path}: damaged data after {where:.1f} s ({exc.strerror or exc})") from exc
        container_name = container.format.name
        width = video.codec_context.width if video is not None else None
        height = video.codec_context.height if video is not None else None
        audio_codec = audio.codec_context.name if audio is not None else None
        video_codec = video.codec_context.name if video is not None else None
    if not math.isfinite(first):
        raise TruncatedMedia(f"{path}: contains no audio or video data (truncated?)")
    start = max(first, 0.0)
    end = last - start
    if declared is not None and end < declared - TRUNCATION_TOLERANCE_S and not allow_truncated:
        raise TruncatedMedia(f"{path}: truncated: media ends at {end:.1f} s but the file declares {declared:.1f} s")
    return MediaInfo(
        path=path,
        size_bytes=size,
        container=container_name,
        declared_duration_s=declared,
        start_s=start,
        end_s=max(end, 0.0),
        audio_codec=audio_codec,
        video_codec=video_codec,
        width=width,
        height=height,
        audio_packets=counts["audio"],
        video_packets=counts["video"],
    )


def decode_audio(info: MediaInfo, progress: FractionCallback | None = None) -> np.ndarray:
    """The first audio stream as 16 kHz mono float32, sample 0 at media time 0 (gaps filled with silence).

    Decode errors in single packets are skipped (the gap becomes silence); an empty result is returned when
    the file has no audio. This holds the whole file in memory: analysis uses :func:`iter_audio` instead.
    """
    pieces = list(iter_audio(info, progress))
    return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)


def iter_audio(info: MediaInfo, progress: FractionCallback | None = None) -> Iterator[np.ndarray]:
    """:func:`decode_audio` as a stream of consecutive float32 pieces (a few ms to a gap's length each), decoded
    as they are consumed, so memory does not grow with the file's duration (a silence fill of a gap is one
    piece of at most :data:`MAX_PIECE_S`)."""
    if not info.has_audio:
        return
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    written = 0
    total = max(info.end_s, 1e-6)
    next_report = 0.0
    with _open(info.path) as container:
        stream = container.streams.audio[0]
        for packet in _safe_demux(container, stream):
            for frame in _safe_decode(packet):
                if frame.time is not None:
                    t = frame.time - info.start_s
                    gap = round(t * SAMPLE_RATE) - written
                    if gap > _GAP_FILL_S * SAMPLE_RATE:
                        yield from _silence(gap)
                        written += gap
                    if progress is not None and t / total >= next_report:
                        progress(min(1.0, t / total))
                        next_report = t / total + 0.02
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                    written += len(chunk)
                    yield chunk
        for out in resampler.resample(None):
            yield out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
    if progress is not None:
        progress(1.0)


MAX_PIECE_S = 10.0
"""Longest silence piece :func:`iter_audio` yields at once (a long gap comes as several)."""


def _silence(samples: int) -> Iterator[np.ndarray]:
    step = int(MAX_PIECE_S * SAMPLE_RATE)
    for start in range(0, samples, step):
        yield np.zeros(min(step, samples - start), np.float32)


def iter_video_frames(
    info: MediaInfo,
    fps: float = 5.0,
    max_width: int = 640,
    progress: FractionCallback | None = None,
) -> Iterator[VideoSample]:
    """Sample the first video stream at about ``fps`` frames per second, downscaled to at most ``max_width``.

    A frame is taken whenever its time reaches the next sampling instant, so variable frame rate input works;
    frames are converted to RGB only when taken. Undecodable packets are skipped.
    """
    if not info.has_video:
        return
    if fps <= 0:
        raise ValueError("fps must be positive")
    step = 1.0 / fps
    next_t = 0.0
    total = max(info.end_s, 1e-6)
    with _open(info.path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for packet in _safe_demux(container, stream):
            for frame in _safe_decode(packet):
                if frame.time is None:
                    continue
                t = frame.time - info.start_s
                if t + 1e-6 < next_t:
                    continue
                next_t = max(next_t + step, t - step / 2 + step)
                width, height = _scaled_size(frame.width, frame.height, max_width)
                rgb = frame.reformat(width=width, height=height, format="rgb24").to_ndarray()
                if progress is not None:
                    progress(min(1.0, t / total))
                yield VideoSample(t_s=round(t, 4), rgb=rgb)
    if progress is not None:
        progress(1.0)


def _scaled_size(width: int, height: int, max_width: int) -> tuple[int, int]:
    if width <= max_width:
        return width, height
    scale = max_width / width
    return max_width, max(2, round(height * scale / 2) * 2)


def _safe_demux(container: Any, stream: Any) -> Iterator[Any]:
    try:
        yield from container.demux(stream)
    except av.error.FFmpegError:
        return


def _safe_decode(packet: Any) -> list[Any]:
    try:
        return list(packet.decode())
    except av.error.InvalidDataError:
        return []
    except av.error.FFmpegError as exc:
        raise MediaFileError(f"cannot decode {packet.stream.type} data: {exc.strerror or exc}") from exc
