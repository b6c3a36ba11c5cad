"""Consent to being recorded is asked, stored with its moment, and required before publishing or uploading."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.conftest import register_and_login

TUS = {"Tus-Resumable": "1.0.0"}
PASSWORD = "correct horse"


async def _token_without_consent(client: TestClient, email: str = "nc@example.com") -> str:
    created = await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert created.status == 201
    assert (await created.json())["consent_at"] is None
    signed_in = await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    token: str = (await signed_in.json())["access_token"]
    return token


async def _publish(client: TestClient, auth: dict[str, str]) -> tuple[int, dict[str, object]]:
    session = await (await client.post("/api/v1/sessions", json={"title": "t"}, headers=auth)).json()
    response = await client.post(
        f"/api/v1/sessions/{session['id']}/whip",
        data=b"v=0\r\n",
        headers={**auth, "Content-Type": "application/sdp"},
    )
    return response.status, await response.json() if response.status >= 400 else {}


async def _start_upload(client: TestClient, auth: dict[str, str]) -> int:
    response = await client.post("/api/v1/uploads", headers={**auth, **TUS, "Upload-Length": "100"})
    return response.status


async def test_registration_with_consent_stamps_it(client: TestClient) -> None:
    body = {"email": "yes@example.com", "password": PASSWORD, "consent": True}
    created = await client.post("/api/v1/auth/register", json=body)
    assert created.status == 201
    assert (await created.json())["consent_at"] is not None


async def test_without_consent_publishing_and_uploading_are_403(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {await _token_without_consent(client)}"}
    status, body = await _publish(client, auth)
    assert status == 403
    assert body["error"]["code"] == "consent_required"  # type: ignore[index]
    response = await client.post("/api/v1/uploads", headers={**auth, **TUS, "Upload-Length": "100"})
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "consent_required"


async def test_consent_given_later_unlocks_recording_and_can_be_withdrawn(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {await _token_without_consent(client)}"}
    given = await client.post("/api/v1/me/consent", headers=auth)
    assert given.status == 200
    stamped = (await given.json())["consent_at"]
    assert stamped is not None
    assert (await (await client.get("/api/v1/me", headers=auth)).json())["consent_at"] == stamped
    again = await client.post("/api/v1/me/consent", headers=auth)
    assert (await again.json())["consent_at"] == stamped  # the first moment is kept
    assert await _start_upload(client, auth) == 201
    withdrawn = await client.delete("/api/v1/me/consent", headers=auth)
    assert (await withdrawn.json())["consent_at"] is None
    assert await _start_upload(client, auth) == 403


async def test_consent_changes_are_audited(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {await _token_without_consent(client)}"}
    await client.post("/api/v1/me/consent", headers=auth)
    await client.delete("/api/v1/me/consent", headers=auth)
    from server.keys import DB
    from storage.audit import AuditRepository

    async with client.app[DB]() as db:
        actions = [event.action for event in await AuditRepository(db).recent()]
    assert {"consent.given", "consent.withdrawn"} <= set(actions)


async def test_the_test_helper_gives_consent(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {await register_and_login(client)}"}
    assert (await (await client.get("/api/v1/me", headers=auth)).json())["consent_at"] is not None
    assert await _start_upload(client, auth) == 201
