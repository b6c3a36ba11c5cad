"""Recorder: encoded frames in, finalized Matroska file out, without re-encoding."""

from __future__ import annotations

import hashlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from media.recorder import Recorder, h264_is_keyframe, vp8_keyframe_size


def _vp8_packets(n: int, fps: int = 30) -> list[tuple[bytes, int]]:
    enc = av.CodecContext.create("libvpx", "w")
    enc.width, enc.height, enc.pix_fmt = 160, 120, "yuv420p"
    enc.time_base = Fraction(1, 90000)
    out: list[tuple[bytes, int]] = []
    for i in range(n):
        img = np.full((120, 160, 3), (i * 7) % 255, dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(img, format="rgb24").reformat(format="yuv420p")
        frame.pts = i * 90000 // fps
        out += [(bytes(p), p.pts or 0) for p in enc.encode(frame)]
    out += [(bytes(p), p.pts or 0) for p in enc.encode(None)]
    return out


def _opus_packets(n: int) -> list[tuple[bytes, int]]:
    enc = av.CodecContext.create("libopus", "w")
    enc.sample_rate, enc.layout, enc.format = 48000, "stereo", "s16"
    out: list[tuple[bytes, int]] = []
    for i in range(n):
        tone = (np.sin(np.arange(960) * 2 * np.pi * 440 / 48000 + i) * 8000).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(np.repeat(tone, 2)[None, :], format="s16", layout="stereo")
        frame.sample_rate, frame.pts = 48000, i * 960
        out += [(bytes(p), i * 960) for p in enc.encode(frame)]
    return out


def test_bitstream_helpers() -> None:
    packets = _vp8_packets(2)
    assert vp8_keyframe_size(packets[0][0]) == (160, 120)
    assert vp8_keyframe_size(packets[1][0]) is None
    assert h264_is_keyframe(b"\x00\x00\x00\x01\x67\x42\x00\x00\x00\x01\x65\x88")
    assert not h264_is_keyframe(b"\x00\x00\x00\x01\x41\x9a")


async def test_records_vp8_and_opus_without_reencoding(tmp_path: Path) -> None:
    video, audio = _vp8_packets(60), _opus_packets(100)
    rec = Recorder(tmp_path / "s1.mkv")
    rec.expect("video")
    rec.expect("audio")
    rec.push("video", "VP8", video[1][0], 1000, 90000)  # delta frame before any keyframe: dropped
    for i in range(max(len(video), len(audio))):
        if i < len(audio):
            rec.push("audio", "opus", audio[i][0], audio[i][1] + 5000, 48000)
        if i < len(video):
            rec.push("video", "VP8", video[i][0], video[i][1] + 7000, 90000)
    result = await rec.close()
    assert await rec.close() is result
    assert result.path == tmp_path / "s1.mkv" and result.path.exists()
    assert not rec.tmp_path.exists()
    assert result.codecs == {"video": "vp8", "audio": "opus"}
    assert abs(result.duration_s - 2.0) < 0.1
    assert result.bytes == result.path.stat().st_size
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    with av.open(str(result.path)) as c:
        assert sum(1 for _ in c.decode(video=0)) == 60
    with av.open(str(result.path)) as c:
        assert sum(f.samples for f in c.decode(audio=0)) >= 48000 * 1.9


async def test_nothing_received_gives_no_file(tmp_path: Path) -> None:
    rec = Recorder(tmp_path / "empty.mkv")
    rec.expect("video")
    result = await rec.close()
    assert result.path is None and result.bytes == 0
    assert not any(tmp_path.iterdir())  # noqa: ASYNC240
