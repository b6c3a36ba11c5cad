"""End-to-end WHIP scenario through the real HTTP server; run inside a network namespace.

``python -m tests.whip_scenario --data-dir D --models-dir M`` serves the app on 127.0.0.1, publishes with an
aiortc client over WHIP, observes the SSE stream, DELETEs the resource and prints a JSON report.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from server.app import create_app
from server.settings import Settings
from storage.migrate import upgrade_async
from tests.webrtc_support import Publisher

PORT = 18080
BASE = f"http://127.0.0.1:{PORT}"


async def _json(response: aiohttp.ClientResponse) -> Any:
    return await response.json(content_type=None)


async def _observe(http: aiohttp.ClientSession, events_url: str, token: str, into: list[dict[str, Any]]) -> None:
    async with http.get(BASE + events_url, headers={"Authorization": f"Bearer {token}"}) as response:
        async for line in response.content:
            if line.startswith(b"data: "):
                into.append(json.loads(line[6:]))


async def _bad_requests(http: aiohttp.ClientSession, whip: str, auth: dict[str, str]) -> dict[str, Any]:
    sdp = {"Content-Type": "application/sdp", **auth}
    checks = {
        "garbage": await http.post(whip, data="hello", headers=sdp),
        "oversized": await http.post(whip, data="v=0\r\n" + "a=x\r\n" * 40000, headers=sdp),
        "no_codec": await http.post(
            whip,
            data="v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
            "c=IN IP4 0.0.0.0\r\na=rtpmap:0 PCMU/8000\r\n",
            headers=sdp,
        ),
        "wrong_type": await http.post(whip, data="v=0", headers={"Content-Type": "text/plain", **auth}),
        "no_token": await http.post(whip, data="v=0", headers={"Content-Type": "application/sdp"}),
    }
    return {name: {"status": r.status, "body": await _json(r)} for name, r in checks.items()}


async def _wait_for_analysis(http: aiohttp.ClientSession, session_url: str, auth: dict[str, str]) -> dict[str, Any]:
    """Poll the analysis job (a client has no other way to learn it finished) until it is done."""
    job: dict[str, Any] = {}
    for _ in range(300):
        response = await http.get(session_url + "/analysis", headers=auth)
        if response.status == 200:
            job = await _json(response)
            if job["state"] in ("succeeded", "failed"):
                return job
        await asyncio.sleep(0.2)
    return job


async def scenario(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings(
        data_dir=args.data_dir,
        models_dir=args.models_dir,
        port=PORT,
        no_media_timeout_s=5.0,
        jobs_analyzer="tests.jobs_support:fake_analyze",
    )
    await upgrade_async(settings.resolved_database_url)
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", PORT).start()
    report: dict[str, Any] = {}
    try:
        async with aiohttp.ClientSession() as http:
            creds = {"email": "speaker@example.com", "password": "long password"}
            await http.post(f"{BASE}/api/v1/auth/register", json={**creds, "consent": True})
            token = (await _json(await http.post(f"{BASE}/api/v1/auth/token", json=creds)))["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            created = await _json(await http.post(f"{BASE}/api/v1/sessions", json={"title": "e2e"}, headers=auth))
            whip = BASE + created["whip_url"]
            report["bad"] = await _bad_requests(http, whip, auth)

            publisher = Publisher()
            offer = await publisher.offer()
            response = await http.post(whip, data=offer, headers={"Content-Type": "application/sdp", **auth})
            report["post_status"] = response.status
            report["content_type"] = response.content_type
            location = response.headers["Location"]
            report["location"] = location
            await publisher.accept(await response.text())
            second = await http.post(whip, data=offer, headers={"Content-Type": "application/sdp", **auth})
            report["second_publisher"] = {"status": second.status, "body": await _json(second)}
            observed: list[dict[str, Any]] = []
            observer = asyncio.create_task(_observe(http, created["events_url"], token, observed))
            await asyncio.wait_for(publisher.connected.wait(), 10)
            state_live = await _json(await http.get(BASE + f"/api/v1/sessions/{created['id']}", headers=auth))
            report["state_while_live"] = state_live["state"]
            speech_seen = asyncio.Event()
            finals = 0

            def on_message(data: str) -> None:
                nonlocal finals
                if '"type":"speech"' in data and '"final":true' in data:
                    finals += 1
                    if finals >= args.finals:
                        speech_seen.set()

            publisher.channel.on("message", on_message)
            await asyncio.sleep(args.seconds)
            try:
                await asyncio.wait_for(speech_seen.wait(), args.speech_timeout)
            except TimeoutError:
                report["speech_timeout"] = True
            deleted = await http.delete(BASE + location, headers=auth)
            report["delete_status"] = deleted.status
            await asyncio.wait_for(observer, 10)
            await publisher.close()
            session_url = BASE + f"/api/v1/sessions/{created['id']}"
            report["state_after_delete"] = (await _json(await http.get(session_url, headers=auth)))["state"]
            report["analysis"] = await _wait_for_analysis(http, session_url, auth)
            report["final_state"] = (await _json(await http.get(session_url, headers=auth)))["state"]
            report["report_status"] = (await http.get(session_url + "/report", headers=auth)).status
            report["again"] = (
                await http.post(whip, data=offer, headers={"Content-Type": "application/sdp", **auth})
            ).status
            report["messages"] = publisher.messages
            report["observed_types"] = sorted({m["type"] for m in observed})
            metrics = await (await http.get(f"{BASE}/metrics")).text()
            report["latency_metric"] = "podium_feedback_latency_seconds_count" in metrics
            report["session_id"] = created["id"]
    finally:
        await runner.cleanup()
    report["tensorflow_loaded"] = sys.modules.get("tensorflow") is not None
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=4.0, help="media to send before waiting for speech")
    parser.add_argument("--speech-timeout", type=float, default=40.0)
    parser.add_argument("--finals", type=int, default=3, help="final speech messages to wait for before DELETE")
    print(json.dumps(asyncio.run(scenario(parser.parse_args()))))


if __name__ == "__main__":
    main()
