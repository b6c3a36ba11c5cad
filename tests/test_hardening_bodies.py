"""Request bodies split across TCP segments are read whole (JSON, SDP, tus); a stalled body is cut off with 408."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from aiortc import RTCPeerConnection

from server.app import create_app
from server.settings import Settings
from server.uploads.protocol import OFFSET_CONTENT_TYPE, TUS_VERSION
from tests.conftest import register_and_login
from tests.raw_http_support import open_raw, read_response, request_head, send_in_pieces, write_pieces


@pytest.fixture
async def live_client(aiohttp_client, settings: Settings) -> AsyncIterator[TestClient]:  # type: ignore[no-untyped-def]
    yield await aiohttp_client(create_app(settings.model_copy(update={"live_asr": False})))


async def publisher_offer() -> str:
    """A real aiortc offer sending audio (Opus 48000/2)."""
    pc = RTCPeerConnection()
    try:
        pc.addTransceiver("audio", direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        return str(pc.localDescription.sdp)
    finally:
        await pc.close()


async def test_json_body_split_across_segments_is_read_whole(client: TestClient) -> None:
    body = json.dumps({"email": "split@example.com", "password": "correct horse battery"}).encode()
    response = await send_in_pieces(
        client.port, "POST", "/api/v1/auth/register", {"Content-Type": "application/json"}, body, parts=5
    )
    assert response.status == 201, response.body
    assert response.json()["email"] == "split@example.com"


async def test_sdp_offer_split_across_segments_is_answered(live_client: TestClient) -> None:
    token = await register_and_login(live_client)
    auth = {"Authorization": f"Bearer {token}"}
    session = await (await live_client.post("/api/v1/sessions", json={}, headers=auth)).json()
    offer = (await publisher_offer()).encode()
    response = await send_in_pieces(
        live_client.port,
        "POST",
        session["whip_url"],
        {**auth, "Content-Type": "application/sdp"},
        offer,
        parts=6,
    )
    assert response.status == 201, response.body
    assert response.body.startswith(b"v=0")
    assert response.headers["location"] == f"/api/v1/sessions/{session['id']}/whip/publisher"
    assert (await live_client.delete(response.headers["location"], headers=auth)).status == 200


async def test_tus_patch_split_across_segments_stores_every_byte(client: TestClient) -> None:
    token = await register_and_login(client)
    auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": TUS_VERSION}
    created = await client.post("/api/v1/uploads", headers={**auth, "Upload-Length": "1000"})
    location = created.headers["Location"]
    body = bytes(range(256)) * 2
    response = await send_in_pieces(
        client.port,
        "PATCH",
        location,
        {**auth, "Content-Type": OFFSET_CONTENT_TYPE, "Upload-Offset": "0"},
        body,
        parts=4,
    )
    assert response.status == 204, response.body
    assert response.headers["upload-offset"] == str(len(body))


async def test_stalled_json_body_is_cut_off_with_408(aiohttp_client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"body_read_timeout_s": 0.3})))
    body = json.dumps({"email": "slow@example.com", "password": "correct horse battery"}).encode()
    reader, writer = await open_raw(client.port)
    try:
        head = request_head("POST", "/api/v1/auth/register", {"Content-Type": "application/json"}, len(body))
        await write_pieces(writer, [head, body[:10]])
        response = await read_response(reader, timeout_s=5.0)
    finally:
        writer.close()
    assert response.status == 408
    assert response.json()["error"]["code"] == "request_timeout"
