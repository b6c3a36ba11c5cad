"""The recording caps: as plain numbers (a sliding-window bitrate, which cap a recording is over), and live: a
real aiortc publisher over a cap is ended cleanly with a playable recording (inside a network namespace)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import av
import pytest

from media.recording_caps import BITRATE_LIMIT, SIZE_LIMIT, BitrateMeter, RecordingCaps, over_cap
from tests.webrtc_support import last_json_line, netns_available, run_in_netns

live = pytest.mark.skipif(not netns_available(), reason="needs root to create a network namespace")


def test_bitrate_is_averaged_over_a_full_window() -> None:
    meter = BitrateMeter(window_s=2.0)
    assert meter.sample(0.0, 0) is None
    assert meter.sample(1.0, 125_000) is None  # less than a window seen: no figure yet
    assert meter.sample(2.0, 250_000) == pytest.approx(1000.0)  # 250 kB in 2 s = 1000 kbit/s
    # the window slides: a burst of 1 MB between 2 s and 3 s shows in the next figure
    assert meter.sample(3.0, 1_250_000) == pytest.approx((1_250_000 - 125_000) * 8 / 2 / 1000)
    assert meter.sample(5.0, 1_250_000) == pytest.approx(0.0)  # nothing new for two seconds


def test_the_size_cap_wins_over_the_bitrate_cap_and_zero_means_none() -> None:
    caps = RecordingCaps(max_bytes=1000, max_kbps=100.0)
    assert over_cap(caps, 999, 99.0) is None
    assert over_cap(caps, 999, None) is None
    assert over_cap(caps, 999, 101.0) == BITRATE_LIMIT
    assert over_cap(caps, 1000, 101.0) == SIZE_LIMIT
    assert over_cap(RecordingCaps(), 10**12, 10**9) is None


def _capped(tmp_path: Path, *caps: str) -> dict[str, Any]:
    args = ["capped", "--seconds", "20", "--rate-window", "2", "--out", str(tmp_path), *caps]
    proc = run_in_netns([sys.executable, "-m", "tests.webrtc_support", *args], timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return last_json_line(proc.stdout)


def _playable_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        return sum(frame.samples / frame.sample_rate for frame in container.decode(audio=0))


@live
@pytest.mark.parametrize(
    ("caps", "reason"),
    [(("--max-recording-bytes", "150000"), SIZE_LIMIT), (("--max-recording-kbps", "40"), BITRATE_LIMIT)],
)
def test_a_publisher_over_a_cap_is_ended_with_a_playable_recording(
    tmp_path: Path, caps: tuple[str, str], reason: str
) -> None:
    report = _capped(tmp_path, *caps)
    assert report["end_reason"] == reason
    assert report["hook_called"] == 1
    assert report["ended_after_s"] < 15
    assert report["messages"][-1] == {**report["messages"][-1], "state": "ended", "reason": reason}
    recording = report["recording"]
    assert recording["path"] is not None and recording["codecs"] == {"audio": "opus", "video": "vp8"}
    assert recording["duration_s"] > 0.5
    assert _playable_seconds(Path(recording["path"])) > 0.5
