"""Unit tests of the media plane's pure parts: SDP checks, feedback JSON, scheduling, fan-out, sampling."""

from __future__ import annotations

import asyncio
import json

import pytest

from media.errors import NoUsableCodec, SdpInvalid, SdpTooLarge
from media.fanout import FanoutHub
from media.feedback import AlertFeedback, PoseFeedback, SpeechFeedback, VoiceFeedback
from media.ratelimit import FeedbackScheduler
from media.sampler import LatestSlot, RateSampler, fit_within
from media.sdp import validate_offer

HEAD = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
AUDIO = "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
VIDEO_VP8 = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\na=sendonly\r\n"
VIDEO_AV1 = "m=video 9 UDP/TLS/RTP/SAVPF 45\r\na=rtpmap:45 AV1/90000\r\na=sendonly\r\n"
APP = "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"


def test_valid_offer_summary() -> None:
    s = validate_offer(HEAD + AUDIO + VIDEO_VP8 + APP)
    assert (s.has_audio, s.has_video, s.has_datachannel) == (True, True, True)
    assert s.sections[0].codecs == ("opus", "pcmu")


def test_audio_only_is_enough() -> None:
    s = validate_offer(HEAD + AUDIO)
    assert s.has_audio and not s.has_video and not s.has_datachannel


def test_too_large() -> None:
    with pytest.raises(SdpTooLarge) as e:
        validate_offer(HEAD + AUDIO + "a=x-pad:" + "x" * 2000 + "\r\n", max_bytes=1024)
    assert e.value.http_status == 400


@pytest.mark.parametrize("sdp", ["", "hello world", "v=0\r\nnot an sdp line\r\n", HEAD, HEAD + "m=audio\r\n"])
def test_invalid(sdp: str) -> None:
    with pytest.raises(SdpInvalid) as e:
        validate_offer(sdp)
    assert e.value.http_status == 400 and e.value.code == "sdp_invalid"


def test_no_usable_codec_names_what_was_offered() -> None:
    with pytest.raises(NoUsableCodec) as e:
        validate_offer(HEAD + VIDEO_AV1 + APP)
    assert e.value.http_status in (415, 422)
    assert "av1" in e.value.message


def test_recvonly_media_is_not_usable() -> None:
    with pytest.raises(NoUsableCodec):
        validate_offer(HEAD + AUDIO.replace("sendrecv", "recvonly"))


def test_feedback_json_is_versioned_and_compact() -> None:
    msg = VoiceFeedback(t_s=1.23456, speaking=True, loudness_dbfs=-20.12345, pitch_hz=float("nan"))
    text = msg.to_json()
    assert " " not in text
    data = json.loads(text)
    assert data == {
        "v": 1,
        "type": "voice",
        "t_s": 1.235,
        "speaking": True,
        "loudness_dbfs": -20.123,
        "pitch_hz": None,
        "pitch_variety_st": None,
        "speech_ratio": None,
        "pause_s": None,
    }
    pose_msg = PoseFeedback(t_s=0.5, person_visible=True, keypoints={"nose": (0.5, 0.25, 0.99)})
    pose = json.loads(pose_msg.to_json())
    assert pose["type"] == "pose" and pose["keypoints"] == {"nose": [0.5, 0.25, 0.99]}
    speech = json.loads(SpeechFeedback(t_s=1.0, end_s=2.0, text="hi", words=(("hi", 1.0, 1.4),)).to_json())
    assert speech["words"] == [["hi", 1.0, 1.4]]


def test_scheduler_latest_wins_within_its_own_budget() -> None:
    s = FeedbackScheduler(rate=100.0, latest_rates={"voice": 10.0})
    for i in range(5):
        s.offer(VoiceFeedback(t_s=i * 0.01, speaking=False))
    first = s.pop(0.0)
    assert isinstance(first, VoiceFeedback) and first.t_s == pytest.approx(0.04)
    assert s.stats.superseded == 4
    s.offer(VoiceFeedback(t_s=1.0, speaking=True))
    assert s.pop(0.05) is None
    assert s.wait_time(0.05) == pytest.approx(0.05)
    assert s.pop(0.1) is not None


def test_pose_never_waits_for_a_voice_slot() -> None:
    """Both produced at 10/s: every message of each goes out the moment it is offered."""
    s = FeedbackScheduler(rate=30.0, latest_rates={"voice": 15.0, "pose": 15.0})
    delays: list[float] = []
    for step in range(100):
        now = step * 0.1
        s.offer(VoiceFeedback(t_s=now, speaking=True))
        s.offer(PoseFeedback(t_s=now + 0.003, person_visible=True))
        for _ in range(2):
            msg = s.pop(now + 0.003)
            assert msg is not None, f"held back at step {step}"
            delays.append(now + 0.003 - msg.t_s)
    assert max(delays) <= 0.003 + 1e-9
    assert s.stats.superseded == 0


def test_each_latest_type_is_capped_by_its_own_rate() -> None:
    s = FeedbackScheduler(rate=1000.0, burst=10.0, latest_rates={"voice": 5.0, "pose": 10.0})
    sent = {"voice": 0, "pose": 0}
    for step in range(1000):
        now = step / 1000
        s.offer(PoseFeedback(t_s=now, person_visible=True))
        s.offer(VoiceFeedback(t_s=now, speaking=True))
        while (msg := s.pop(now)) is not None:
            sent[msg.type] += 1
    assert 5 <= sent["voice"] <= 6 and 10 <= sent["pose"] <= 11


def test_scheduler_total_rate_over_one_second() -> None:
    s = FeedbackScheduler(rate=10.0, burst=2.0, latest_rates={"voice": 100.0, "pose": 100.0})
    sent = 0
    for step in range(1000):
        now = step / 1000
        s.offer(PoseFeedback(t_s=now, person_visible=True))
        s.offer(VoiceFeedback(t_s=now, speaking=True))
        if s.pop(now) is not None:
            sent += 1
    assert 10 <= sent <= 12


def test_scheduler_alerts_first_then_the_longest_pending() -> None:
    s = FeedbackScheduler(rate=100.0, burst=10.0)
    s.offer(PoseFeedback(t_s=0, person_visible=True))
    s.offer(VoiceFeedback(t_s=0, speaking=True))
    s.offer(PoseFeedback(t_s=0.01, person_visible=True))
    s.offer(AlertFeedback(t_s=0, code="too_fast", message="slow down"))
    types = [m.type for m in (s.pop(0.0), s.pop(0.0), s.pop(0.0)) if m is not None]
    assert types == ["alert", "pose", "voice"]
    assert s.pop(0.0) is None


async def test_fanout_drop_oldest_and_unsubscribe() -> None:
    hub = FanoutHub(maxsize=3)
    sub = hub.subscribe()
    for i in range(5):
        hub.publish(str(i))
    assert sub.dropped == 2
    got = [await sub.__anext__() for _ in range(3)]
    assert got == ["2", "3", "4"]
    async with hub.subscribe() as other:
        assert hub.subscriber_count == 2
        hub.publish("x")
        assert await other.__anext__() == "x"
    assert hub.subscriber_count == 1
    hub.close()
    assert [m async for m in sub] == ["x"]


async def test_fanout_iterator_wakes_on_publish() -> None:
    hub = FanoutHub()
    sub = hub.subscribe()

    async def consume() -> list[str]:
        return [m async for m in sub]

    task = asyncio.create_task(consume())
    await asyncio.sleep(0)
    hub.publish("a")
    hub.close()
    assert await asyncio.wait_for(task, 1) == ["a"]


async def test_latest_slot_keeps_only_newest() -> None:
    slot: LatestSlot[int] = LatestSlot()
    assert slot.put(1) is False
    assert slot.put(2) is True
    assert await slot.get() == 2
    getter = asyncio.create_task(slot.get())
    await asyncio.sleep(0)
    assert not getter.done()
    slot.put(3)
    assert await asyncio.wait_for(getter, 1) == 3
    slot.close()
    assert await slot.get() is None
    assert slot.replaced == 1


def test_rate_sampler_30_to_10_fps() -> None:
    sampler = RateSampler(10.0)
    picked = [i for i in range(90) if sampler.due(i / 30)]
    assert len(picked) == 30
    assert picked[:4] == [0, 3, 6, 9]


def test_rate_sampler_resyncs_after_gap() -> None:
    sampler = RateSampler(10.0)
    assert sampler.due(0.0)
    assert sampler.due(5.0)
    assert not sampler.due(5.05)
    assert sampler.due(5.1)


def test_fit_within() -> None:
    assert fit_within(1280, 720, 640) == (640, 360)
    assert fit_within(320, 240, 640) == (320, 240)
    assert fit_within(721, 1281, 640) == (360, 640)
