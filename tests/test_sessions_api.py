from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.conftest import register_and_login


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_create_list_and_get_session(client: TestClient) -> None:
    token = await register_and_login(client)
    response = await client.post("/api/v1/sessions", json={"title": "Quarterly update"}, headers=_auth(token))
    assert response.status == 201
    created = await response.json()
    assert created["state"] == "created"
    assert created["source"] == "live"
    assert created["whip_url"] == f"/api/v1/sessions/{created['id']}/whip"
    assert created["events_url"] == f"/api/v1/sessions/{created['id']}/events"

    listing = await (await client.get("/api/v1/sessions", headers=_auth(token))).json()
    assert [s["id"] for s in listing["items"]] == [created["id"]]
    one = await client.get(f"/api/v1/sessions/{created['id']}", headers=_auth(token))
    assert (await one.json())["title"] == "Quarterly update"


async def test_other_users_session_is_404(client: TestClient) -> None:
    owner = await register_and_login(client, "owner@example.com")
    intruder = await register_and_login(client, "intruder@example.com")
    created = await (await client.post("/api/v1/sessions", json={}, headers=_auth(owner))).json()
    response = await client.get(f"/api/v1/sessions/{created['id']}", headers=_auth(intruder))
    assert response.status == 404
    assert (await client.get("/api/v1/sessions", headers=_auth(intruder))).status == 200


async def test_bad_pagination_is_400(client: TestClient) -> None:
    token = await register_and_login(client)
    response = await client.get("/api/v1/sessions?limit=abc", headers=_auth(token))
    assert response.status == 400


async def test_sessions_require_auth(client: TestClient) -> None:
    assert (await client.post("/api/v1/sessions", json={})).status == 401
