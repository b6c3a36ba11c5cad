"""Untrusted numbers and offers that used to raise inside a handler get a clear 4xx JSON error, never 500."""

from __future__ import annotations

import re

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.bounded_int import NotABoundedInt, parse_bounded_int
from server.settings import Settings
from server.uploads.protocol import TUS_VERSION
from tests.conftest import register_and_login
from tests.test_hardening_bodies import publisher_offer


@pytest.fixture
async def live_client(aiohttp_client, settings: Settings) -> TestClient:  # type: ignore[no-untyped-def]
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"live_asr": False})))
    return client


async def _error(response: ClientResponse, status: int) -> dict[str, str]:
    assert response.status == status, await response.text()
    body = await response.json()
    assert set(body["error"]) >= {"code", "message"}
    error: dict[str, str] = body["error"]
    return error


@pytest.mark.parametrize("text", ["²", "٣", "９", "-1", "+5", " 5", "1e3", "", "9" * 5000])
def test_only_ascii_digits_in_range_parse(text: str) -> None:
    with pytest.raises(NotABoundedInt):
        parse_bounded_int(text, 0, 10**9)


def test_bounds_are_inclusive() -> None:
    assert parse_bounded_int("007", 0, 7) == 7
    assert parse_bounded_int("2", 2, 100) == 2
    with pytest.raises(NotABoundedInt):
        parse_bounded_int("101", 2, 100)


@pytest.mark.parametrize("query", ["limit=²", "limit=９", "offset=" + "9" * 5000, "limit=201"])
async def test_bad_session_paging_is_400(client: TestClient, query: str) -> None:
    token = await register_and_login(client)
    response = await client.get(f"/api/v1/sessions?{query}", headers={"Authorization": f"Bearer {token}"})
    error = await _error(response, 400)
    assert error["code"] == "bad_request"
    assert "between 0 and" in error["message"]


async def test_superscript_last_n_is_400(client: TestClient) -> None:
    token = await register_and_login(client)
    response = await client.get("/api/v1/progress?last_n=²", headers={"Authorization": f"Bearer {token}"})
    assert (await _error(response, 400))["message"].endswith("between 2 and 100")


@pytest.mark.parametrize("header", ["Upload-Length", "Upload-Offset"])
async def test_five_thousand_digit_tus_numbers_are_400(client: TestClient, header: str) -> None:
    token = await register_and_login(client)
    auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": TUS_VERSION}
    if header == "Upload-Length":
        response = await client.post("/api/v1/uploads", headers={**auth, "Upload-Length": "9" * 5000})
    else:
        created = await client.post("/api/v1/uploads", headers={**auth, "Upload-Length": "10"})
        response = await client.patch(
            created.headers["Location"],
            data=b"0123456789",
            headers={**auth, "Upload-Offset": "9" * 5000, "Content-Type": "application/offset+octet-stream"},
        )
    error = await _error(response, 400)
    assert header in error["message"]


async def _publish(client: TestClient, sdp: str) -> ClientResponse:
    token = await register_and_login(client)
    auth = {"Authorization": f"Bearer {token}"}
    session = await (await client.post("/api/v1/sessions", json={}, headers=auth)).json()
    return await client.post(session["whip_url"], data=sdp, headers={**auth, "Content-Type": "application/sdp"})


async def test_offer_with_a_non_ascii_port_is_400(live_client: TestClient) -> None:
    offer = re.sub(r"^m=audio \d+ ", "m=audio ９ ", await publisher_offer(), flags=re.MULTILINE)
    error = await _error(await _publish(live_client, offer), 400)
    assert error["code"] == "sdp_invalid"
    assert "port" in error["message"]


async def test_offer_whose_only_audio_codec_is_opus_8000_is_422(live_client: TestClient) -> None:
    lines = [
        line.replace("opus/48000/2", "opus/8000")
        for line in (await publisher_offer()).splitlines()
        if not line.startswith("a=rtpmap:") or "opus" in line.lower()
    ]
    error = await _error(await _publish(live_client, "\r\n".join(lines) + "\r\n"), 422)
    assert error["code"] == "no_usable_codec"
    assert "opus/8000" in error["message"]
