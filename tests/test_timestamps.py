"""Timestamp rebasing: jumps both ways and 32-bit wrap-around keep a track's timeline (and a recording) real."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest

from media.recorder import Recorder
from media.timestamps import FrameRebaser, RebaseConfig, TimestampRebaser
from tests.test_media_recorder import _opus_packets, _vp8_packets

AUDIO = RebaseConfig.for_clock(48000, 0.02, max_jump_s=1.0)
WRAP = 1 << 32


def _rebased(raw: list[int], config: RebaseConfig = AUDIO) -> list[int]:
    rebaser = TimestampRebaser(config)
    return [rebaser.rebase(ts) for ts in raw]


def test_config_in_clock_ticks() -> None:
    assert (AUDIO.frame_ticks, AUDIO.max_jump_ticks, AUDIO.wrap_bits) == (960, 48000, 32)
    assert RebaseConfig.for_clock(90000, 1 / 30).frame_ticks == 3000


def test_steady_timestamps_start_at_zero_and_keep_their_steps() -> None:
    assert _rebased([5000, 5960, 6920, 8840]) == [0, 960, 1920, 3840]


def test_forward_jump_continues_one_frame_after_the_last() -> None:
    hours = 3 * 3600 * 48000
    assert _rebased([0, 960, 1920 + hours, 2880 + hours]) == [0, 960, 1920, 2880]


def test_backward_jump_continues_one_frame_after_the_last() -> None:
    start = 10 * 3600 * 48000
    assert _rebased([start, start + 960, 120, 1080]) == [0, 960, 1920, 2880]


def test_wrap_around_is_a_small_forward_step_not_a_jump() -> None:
    rebaser = TimestampRebaser(AUDIO)
    out = [rebaser.rebase(ts % WRAP) for ts in (WRAP - 1920, WRAP - 960, WRAP, WRAP + 960)]
    assert out == [0, 960, 1920, 2880]
    assert rebaser.jumps == 0


def test_small_step_back_stays_behind_without_moving_the_timeline() -> None:
    rebaser = TimestampRebaser(AUDIO)
    out = [rebaser.rebase(ts) for ts in (0, 960, 1920, 960, 2880)]
    assert out == [0, 960, 1920, 960, 2880]
    assert rebaser.jumps == 0


def test_jump_just_within_the_threshold_is_kept() -> None:
    assert _rebased([0, 48000]) == [0, 48000]
    assert _rebased([0, 48001]) == [0, 960]


def test_frame_rebaser_learns_the_clock_from_the_time_base() -> None:
    rebaser = FrameRebaser(1 / 30)
    tb = Fraction(1, 90000)
    out = [rebaser.rebase(pts, tb) for pts in (7000, 10000, 7000 + 90000 * 3600 * 5, 7000 + 90000 * 3600 * 5 + 3000)]
    assert out == [0, 3000, 6000, 9000]
    assert rebaser.jumps == 1


@pytest.mark.parametrize("jump_s", [4 * 3600.0, -2 * 3600.0])
async def test_recording_with_hour_long_timestamp_jumps_keeps_its_real_duration(tmp_path: Path, jump_s: float) -> None:
    video, audio = _vp8_packets(60), _opus_packets(100)
    rec = Recorder(tmp_path / "jumpy.mkv")
    rec.expect("video")
    rec.expect("audio")
    base_audio, base_video = 10**9, 2 * 10**9
    for i in range(max(len(video), len(audio))):
        half = i >= 50  # the publisher restarts its stream half way, with timestamps hours away
        if i < len(audio):
            shift = round(jump_s * 48000) if half else 0
            rec.push("audio", "opus", audio[i][0], (base_audio + audio[i][1] + shift) % WRAP, 48000)
        if i < len(video):
            shift = round(jump_s * 90000) if i >= 30 else 0
            rec.push("video", "VP8", video[i][0], (base_video + video[i][1] + shift) % WRAP, 90000)
    result = await rec.close()

    assert result.path is not None
    assert result.duration_s == pytest.approx(2.0, abs=0.15)
    with av.open(str(result.path)) as c:
        assert float(c.duration or 0) / 1e6 < 2.2
        assert sum(1 for _ in c.decode(video=0)) == 60
    with av.open(str(result.path)) as c:
        assert sum(f.samples for f in c.decode(audio=0)) >= 48000 * 1.9
