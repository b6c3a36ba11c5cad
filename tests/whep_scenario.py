"""End-to-end coaching scenario through the real HTTP server; run inside a network namespace.

``python -m tests.whep_scenario --data-dir D`` serves the app on 127.0.0.1, publishes over WHIP with an aiortc
client whose video track encodes VP8 itself (so every byte it sends is known, and it honours keyframe requests),
lets three coaches watch over WHEP (one joining late), exercises notes and shares, and prints a JSON report.
"""

from __future__ import annotations

import argparse
import asyncio
import fractions
import json
import time
from pathlib import Path
from typing import Any

import aiohttp
import av
import numpy as np
from aiohttp import web
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av.video.frame import PictureType

from media.forward_hook import on_keyframe_request, tap_encoded_frames
from server.app import create_app
from server.live import LIVE
from server.settings import Settings
from storage.migrate import upgrade_async
from tests.webrtc_support import VIDEO_CLOCK, Publisher, _Paced, person_photo

PORT = 18081
BASE = f"http://127.0.0.1:{PORT}"
SDP = {"Content-Type": "application/sdp"}
FPS = 15


class EncodingVideoTrack(MediaStreamTrack):
    """A moving photo encoded to VP8 here (keyframe only on request): ``recv()`` returns ``av.Packet``."""

    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self._clock = _Paced(VIDEO_CLOCK, VIDEO_CLOCK // FPS)
        self._photo = person_photo(320, 240)
        codec = self._codec = av.CodecContext.create("libvpx", "w")
        codec.width, codec.height, codec.pix_fmt = 320, 240, "yuv420p"
        codec.time_base, codec.framerate = fractions.Fraction(1, VIDEO_CLOCK), fractions.Fraction(FPS, 1)
        codec.gop_size, codec.bit_rate = 100_000, 300_000
        codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0", "auto-alt-ref": "0"}
        self.sent: list[bytes] = []
        self.keyframes_at: list[float] = []
        self.keyframe_requests = 0
        self._force = False
        self._pending: list[av.Packet] = []

    def request_keyframe(self) -> None:
        self.keyframe_requests += 1
        self._force = True

    def _encode(self, pts: int, force: bool) -> list[av.Packet]:
        shift = int(40 * np.sin(2 * np.pi * pts / VIDEO_CLOCK / 3.0))
        frame = av.VideoFrame.from_ndarray(np.roll(self._photo, shift, axis=1), format="rgb24").reformat(
            format="yuv420p"
        )
        frame.pts, frame.time_base = pts, fractions.Fraction(1, VIDEO_CLOCK)
        if force:
            frame.pict_type = PictureType.I
        return list(self._codec.encode(frame))

    async def recv(self) -> av.Packet:  # type: ignore[override]
        while not self._pending:
            pts = await self._clock.next_pts()
            force, self._force = self._force, False
            self._pending = await asyncio.to_thread(self._encode, pts, force)
        packet = self._pending.pop(0)
        packet.pts, packet.time_base = packet.pts, fractions.Fraction(1, VIDEO_CLOCK)
        data = bytes(packet)
        self.sent.append(data)
        if packet.is_keyframe:
            self.keyframes_at.append(time.monotonic())
        return packet


class Viewer:
    """An aiortc WHEP viewer: receives audio and video (decoded by aiortc) and the feedback channel."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pc = RTCPeerConnection()
        self.pc.addTransceiver("audio", direction="recvonly")
        video = self.pc.addTransceiver("video", direction="recvonly")
        self.encoded: list[bytes] = []
        tap_encoded_frames(video.receiver, lambda _c, _r, data, _ts: self.encoded.append(data))
        self.channel = self.pc.createDataChannel("feedback")
        self.messages: list[dict[str, Any]] = []
        self.channel.on("message", lambda data: self.messages.append(json.loads(data)))
        self.frames = {"audio": 0, "video": 0}
        self.sizes: set[tuple[int, int]] = set()
        self.connected = asyncio.Event()
        self.first_video = asyncio.Event()
        self.ended = asyncio.Event()
        self.connected_at = self.first_video_at = self.ended_at = 0.0
        self._readers: list[asyncio.Task[None]] = []
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._on_state)
        self.location = ""

    def _on_state(self) -> None:
        if self.pc.connectionState == "connected" and not self.connected.is_set():
            self.connected_at = time.monotonic()
            self.connected.set()
        elif self.pc.connectionState in ("closed", "failed"):
            self._end()

    def _end(self) -> None:
        if not self.ended.is_set():
            self.ended_at = time.monotonic()
            self.ended.set()

    def _on_track(self, track: MediaStreamTrack) -> None:
        self._readers.append(asyncio.create_task(self._read(track)))

    async def _read(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                if track.kind == "video":
                    self._end()
                return
            self.frames[track.kind] += 1
            if isinstance(frame, av.VideoFrame):
                self.sizes.add((frame.width, frame.height))
                if not self.first_video.is_set():
                    self.first_video_at = time.monotonic()
                    self.first_video.set()

    async def watch(self, http: aiohttp.ClientSession, url: str, auth: dict[str, str]) -> int:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        response = await http.post(url, data=self.pc.localDescription.sdp, headers={**SDP, **auth})
        if response.status == 201:
            self.location = response.headers["Location"]
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=await response.text(), type="answer"))
        return response.status

    def report(self, sent: set[bytes]) -> dict[str, Any]:
        return {
            "frames": self.frames,
            "sizes": sorted(self.sizes),
            "encoded": len(self.encoded),
            "encoded_not_sent": sum(1 for e in self.encoded if e not in sent),
            "notes": [m for m in self.messages if m.get("type") == "note"],
            "feedback_types": sorted({m.get("type", "") for m in self.messages}),
            "first_video_after_connect_s": self.first_video_at - self.connected_at if self.first_video_at else None,
            "ended": self.ended.is_set(),
        }

    async def close(self) -> None:
        for task in self._readers:
            task.cancel()
        await self.pc.close()


async def _json(response: aiohttp.ClientResponse) -> Any:
    return await response.json(content_type=None)


async def _account(http: aiohttp.ClientSession, name: str) -> tuple[str, dict[str, str]]:
    creds = {"email": f"{name}@example.com", "password": "long password"}
    await http.post(f"{BASE}/api/v1/auth/register", json={**creds, "consent": True})
    token = (await _json(await http.post(f"{BASE}/api/v1/auth/token", json=creds)))["access_token"]
    return creds["email"], {"Authorization": f"Bearer {token}"}


async def _wait(event: asyncio.Event, timeout_s: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), timeout_s)
        return True
    except TimeoutError:
        return False


async def _until(predicate: Any, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return bool(predicate())


async def _sse(http: aiohttp.ClientSession, url: str, auth: dict[str, str], state: dict[str, Any]) -> None:
    async with http.get(url, headers=auth) as response:
        state["status"] = response.status
        async for line in response.content:
            if line.startswith(b"event: revoked"):
                state["revoked_event"] = True
    state["ended_at"] = time.monotonic()


async def scenario(args: argparse.Namespace) -> dict[str, Any]:
    models = args.data_dir / "no-models"
    models.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        data_dir=args.data_dir,
        models_dir=models,
        port=PORT,
        no_media_timeout_s=10.0,
        whep_max_viewers=3,
        live_asr=False,
        preload_models=False,
        jobs_analyzer="tests.jobs_support:fake_analyze",
    )
    await upgrade_async(settings.resolved_database_url)
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", PORT).start()
    report: dict[str, Any] = {}
    viewers = [Viewer("v1"), Viewer("v2"), Viewer("v3")]
    publisher = Publisher(video=False)
    video = EncodingVideoTrack()
    video_sender = publisher.pc.addTrack(video)
    on_keyframe_request(video_sender, video.request_keyframe)
    try:
        async with aiohttp.ClientSession() as http:
            _, speaker = await _account(http, "speaker")
            accounts = [await _account(http, n) for n in ("viewcoach", "commentcoach", "latecoach", "stranger")]
            (v1_email, v1), (v2_email, v2), (v3_email, v3), (_, stranger) = accounts
            created = await _json(
                await http.post(f"{BASE}/api/v1/sessions", json={"title": "coached"}, headers=speaker)
            )
            sid = created["id"]
            session_url = f"{BASE}/api/v1/sessions/{sid}"
            shares = {}
            for email, permission, scope in (
                (v1_email, "view", sid),
                (v2_email, "comment", None),
                (v3_email, "view", sid),
            ):
                body = {"coach_email": email, "permission": permission, **({"session_id": scope} if scope else {})}
                shares[email] = await _json(await http.post(f"{BASE}/api/v1/shares", json=body, headers=speaker))
            report["whep_before_live"] = (
                await http.post(session_url + "/whep", data="v=0", headers={**SDP, **v1})
            ).status

            offer = await publisher.offer()
            response = await http.post(session_url + "/whip", data=offer, headers={**SDP, **speaker})
            whip_location = response.headers["Location"]
            await publisher.accept(await response.text())
            await asyncio.wait_for(publisher.connected.wait(), 10)

            report["stranger_whep"] = (
                await http.post(session_url + "/whep", data=offer, headers={**SDP, **stranger})
            ).status
            report["bad_whep"] = {
                "garbage": (await http.post(session_url + "/whep", data="hello", headers={**SDP, **v1})).status,
                "wrong_type": (
                    await http.post(session_url + "/whep", data="v=0", headers={"Content-Type": "text/plain", **v1})
                ).status,
            }
            report["watch_status"] = [await viewers[0].watch(http, session_url + "/whep", v1)]
            report["watch_status"].append(await viewers[1].watch(http, session_url + "/whep", v2))
            report["locations"] = [viewers[0].location, viewers[1].location]
            report["early_connected"] = [await _wait(v.connected, 10) for v in viewers[:2]]
            report["early_first_video"] = [await _wait(v.first_video, 10) for v in viewers[:2]]
            sse: dict[str, Any] = {}
            sse_task = asyncio.create_task(_sse(http, session_url + "/events", v1, sse))
            await asyncio.sleep(args.seconds)

            keyframes_before = len(video.keyframes_at)
            report["late_status"] = await viewers[2].watch(http, session_url + "/whep", v3)
            report["late_connected"] = await _wait(viewers[2].connected, 10)
            report["late_first_video"] = await _wait(viewers[2].first_video, 10)
            report["keyframes_for_late_viewer"] = len(video.keyframes_at) - keyframes_before
            # on a loaded machine the late viewer may need longer to collect enough frames to compare
            await _until(lambda: all(v.frames["video"] >= 20 and v.frames["audio"] >= 50 for v in viewers), 10)
            extra = Viewer("extra")
            report["over_cap_status"] = await extra.watch(http, session_url + "/whep", speaker)
            await extra.close()

            notes_url = session_url + "/notes"
            report["view_note"] = (await http.post(notes_url, json={"t_s": 1, "text": "x"}, headers=v1)).status
            report["stranger_note"] = (
                await http.post(notes_url, json={"t_s": 1, "text": "x"}, headers=stranger)
            ).status
            first = await http.post(notes_url, json={"text": "slow down", "tag": "pace"}, headers=v2)
            report["comment_note"] = {"status": first.status, "body": await _json(first)}
            await _until(lambda: any(m.get("type") == "note" for m in viewers[2].messages), 3)
            await _until(lambda: any(m.get("type") == "note" for m in publisher.messages), 3)
            off = await http.patch(session_url, json={"live_notes": False}, headers=speaker)
            report["live_notes_off"] = (await _json(off))["live_notes"]
            await http.post(notes_url, json={"text": "quiet note"}, headers=v2)
            await _until(lambda: sum(m.get("type") == "note" for m in viewers[2].messages) >= 2, 3)
            await asyncio.sleep(0.3)

            t_revoke = time.monotonic()
            revoked = await http.delete(f"{BASE}/api/v1/shares/{shares[v1_email]['id']}", headers=speaker)
            report["revoke_status"] = revoked.status
            t_revoked = time.monotonic()
            report["revoke_request_s"] = t_revoked - t_revoke
            live = runner.app[LIVE].get(sid) if runner.app is not None else None
            if live is not None:
                await _until(lambda: len(live.viewers) < 3, 5)
                report["viewers_after_revoke"] = len(live.viewers)
            report["revoked_viewer_ended"] = await _wait(viewers[0].ended, 5)
            ended_at = viewers[0].ended_at if viewers[0].ended.is_set() else None
            report["revoked_viewer_end_s"] = None if ended_at is None else ended_at - t_revoked
            await asyncio.wait_for(sse_task, 5)
            report["sse"] = {**sse, "end_s": sse.get("ended_at", 0) - t_revoked}
            report["revoked_get"] = (await http.get(session_url, headers=v1)).status

            report["delete_viewer"] = (await http.delete(BASE + viewers[2].location, headers=v3)).status
            report["deleted_viewer_ended"] = await _wait(viewers[2].ended, 5)
            report["delete_viewer_again"] = (await http.delete(BASE + viewers[2].location, headers=v3)).status
            report["publisher_notes"] = [m for m in publisher.messages if m.get("type") == "note"]
            report["publisher_sent"] = len(video.sent)
            report["publisher_keyframes"] = len(video.keyframes_at)
            report["publisher_keyframe_requests"] = video.keyframe_requests
            sent = set(video.sent)
            report["viewers"] = {v.name: v.report(sent) for v in viewers}
            await http.delete(BASE + whip_location, headers=speaker)
            report["last_viewer_ended_with_session"] = await _wait(viewers[1].ended, 10)
    finally:
        for viewer in viewers:
            await viewer.close()
        await publisher.close()
        await runner.cleanup()
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=2.5, help="watching before the late viewer joins")
    print(json.dumps(asyncio.run(scenario(parser.parse_args()))))


if __name__ == "__main__":
    main()
