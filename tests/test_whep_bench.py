"""bench.whep: how it names the sent frame a viewer received, the loop index mark, and one short real run."""

from __future__ import annotations

import fractions
import json
import subprocess
import sys
from pathlib import Path

import av
import pytest

from bench import whep

REPO = Path(__file__).resolve().parents[1]


def _video_sent_every_frame_interval(frames: int) -> whep.MarkedVideo:
    video = whep.MarkedVideo([(b"x", False)] * whep.LOOP_FRAMES)
    video.sent = [i / whep.FPS for i in range(frames)]
    return video


def test_frames_are_named_from_the_anchor_across_the_rtp_timestamp_wrap() -> None:
    video = _video_sent_every_frame_interval(100)
    anchor_ts = 2**32 - whep.STEP  # the next frame's timestamp wraps to 0
    arrivals = {
        anchor_ts: video.sent[65] + 0.010,  # loop index 5 arrived just after index 65 was sent: it is 65, not 5
        (anchor_ts + 3 * whep.STEP) % 2**32: video.sent[68] + 0.020,
        anchor_ts - 2 * whep.STEP: video.sent[63] + 0.030,
        anchor_ts + whep.STEP // 2: 99.0,  # not on the frame grid: not a frame of this stream
    }
    matched = whep.match_frames((anchor_ts, 5), arrivals, video)
    assert sorted(matched) == [63, 65, 68]
    assert [round((matched[i] - video.sent[i]) * 1000) for i in (63, 65, 68)] == [30, 10, 20]


def test_an_anchor_that_never_arrived_names_nothing() -> None:
    video = _video_sent_every_frame_interval(10)
    assert whep.match_frames((1234, 3), {5678: 0.5}, video) == {}


def test_the_loop_index_mark_survives_vp8() -> None:
    encoder = av.CodecContext.create("libvpx", "w")
    encoder.width, encoder.height, encoder.pix_fmt = whep.WIDTH, whep.HEIGHT, "yuv420p"
    encoder.time_base, encoder.bit_rate = fractions.Fraction(1, whep.VIDEO_CLOCK), 1_000_000
    frame = av.VideoFrame.from_ndarray(whep.marked_image(37), format="rgb24").reformat(format="yuv420p")
    frame.pts = 0
    packets = [*encoder.encode(frame), *encoder.encode(None)]
    decoder = av.CodecContext.create("vp8", "r")
    (decoded,) = [f for p in packets for f in decoder.decode(p)]
    assert whep.read_mark(decoded) == 37


@pytest.mark.slow
def test_one_viewer_forwarded_and_relayed_for_two_seconds(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "bench.whep", "-n", "1", "--seconds", "2", "--warmup", "0.5"),
            *("--modes", "forward,relay", "--no-baseline", "--json", str(out)),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    forward, relay = json.loads(out.read_text())["rows"]
    for row in (forward, relay):
        assert row["frames_sent"] >= 20, row
        assert row["frames_lost"] <= row["frames_sent"] // 5, row
        assert row["latency_p50_ms"] is not None and row["latency_p50_ms"] > 0, row
    assert forward["latency_p50_ms"] < relay["latency_p50_ms"], "relaying decodes, re-encodes and waits a frame"
    assert "| forward | 1 |" in proc.stdout and "| relay | 1 |" in proc.stdout
