"""LiveSession/registry behaviour that needs no network: offer rejection, duplicates, close semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from media.config import MediaConfig
from media.errors import AlreadyPublishing, NoUsableCodec, SdpInvalid, SdpTooLarge, SessionNotFound
from media.feedback import pose_feedback, voice_feedback
from media.live_session import LiveSession
from media.session_registry import LiveSessionRegistry
from media.workers import MediaWorkers

HEAD = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"


def _registry(tmp_path: Path) -> tuple[LiveSessionRegistry, list[LiveSession]]:
    config = MediaConfig(recordings_dir=tmp_path)
    ended: list[LiveSession] = []

    async def hook(session: LiveSession) -> None:
        ended.append(session)

    return LiveSessionRegistry(config, MediaWorkers(config), hook), ended


@pytest.mark.parametrize(
    ("sdp", "error", "status"),
    [
        ("x" * 70_000, SdpTooLarge, 400),
        ("garbage", SdpInvalid, 400),
        (HEAD + "m=video 9 UDP/TLS/RTP/SAVPF 45\r\na=rtpmap:45 AV1/90000\r\n", NoUsableCodec, 422),
    ],
)
async def test_bad_offers_are_rejected_and_leave_nothing(
    tmp_path: Path, sdp: str, error: type[Exception], status: int
) -> None:
    registry, ended = _registry(tmp_path)
    with pytest.raises(error) as exc:
        await registry.start("s1", sdp)
    assert exc.value.http_status == status  # type: ignore[attr-defined]
    assert len(registry) == 0 and registry.get("s1") is None and ended == []


async def test_second_publisher_conflicts_and_close_is_idempotent(tmp_path: Path) -> None:
    registry, ended = _registry(tmp_path)
    from aiortc import RTCConfiguration, RTCPeerConnection

    client = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    client.addTransceiver("audio", direction="sendonly")
    client.createDataChannel("feedback")
    await client.setLocalDescription(await client.createOffer())
    session = await registry.start("s1", client.localDescription.sdp)
    assert session.answer_sdp and "m=audio" in session.answer_sdp
    with pytest.raises(AlreadyPublishing) as exc:
        await registry.start("s1", client.localDescription.sdp)
    assert exc.value.http_status == 409
    await registry.close("s1")
    await session.close("again")
    assert session.end_reason == "deleted" and session.ended.is_set()
    assert session.result is not None and session.result.recording.path is None
    assert ended == [session] and len(registry) == 0
    with pytest.raises(SessionNotFound):
        await registry.close("s1")
    async with session.subscribe() as sub:
        assert [m async for m in sub] == []
    await client.close()


async def test_close_all(tmp_path: Path) -> None:
    registry, ended = _registry(tmp_path)
    from aiortc import RTCConfiguration, RTCPeerConnection

    clients = []
    for i in range(2):
        client = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        client.addTransceiver("video", direction="sendonly")
        await client.setLocalDescription(await client.createOffer())
        await registry.start(f"s{i}", client.localDescription.sdp)
        clients.append(client)
    await registry.close_all()
    assert len(registry) == 0 and {s.end_reason for s in ended} == {"shutdown"}
    for c in clients:
        await c.close()


def test_message_builders() -> None:
    import numpy as np

    from inference.pose.types import PoseResult
    from inference.voice.types import VoiceSummary

    lm = np.zeros((33, 4), dtype=np.float32)
    lm[0] = (0.5, 0.25, 0.0, 0.9)
    msg = pose_feedback(PoseResult(t_s=1.0, landmarks=lm, width=640, height=480), 12.5)
    assert msg.keypoints is not None and msg.keypoints["nose"] == pytest.approx((0.5, 0.25, 0.9))
    assert pose_feedback(PoseResult(t_s=1.0, landmarks=None, width=1, height=1)).keypoints is None
    v = voice_feedback(VoiceSummary(2.0, True, -20.0, float("nan"), float("nan"), 0.0, 0.8, False))
    assert v.pitch_hz is None and v.loudness_dbfs == -20.0 and v.speaking
