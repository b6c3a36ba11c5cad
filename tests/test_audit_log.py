"""The audit log records sign-ins, failed sign-ins, shares, admin access, exports and deletions, and only admins
read it (``GET /api/v1/admin/audit``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import update

from inference.scoring.synthetic import synthetic_report
from server.app import create_app
from server.keys import DB
from server.retention import expire_recordings
from server.settings import Settings
from storage.models import Recording, Role, utcnow
from tests.conftest import register_and_login
from tests.shares_support import Account, account, new_session, share
from tests.test_reports_api import add_recording, add_session

PASSWORD = "correct horse"


async def _events(client: TestClient, admin: Account, action: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/admin/audit?action={action}", headers=admin.auth)
    assert response.status == 200, await response.text()
    items: list[dict[str, Any]] = (await response.json())["items"]
    return items


async def _me(client: TestClient, who: Account) -> str:
    me = await (await client.get("/api/v1/me", headers=who.auth)).json()
    return str(me["id"])


async def test_only_admins_read_the_audit_log(client: TestClient) -> None:
    speaker = await account(client, "speaker")
    assert (await client.get("/api/v1/admin/audit", headers=speaker.auth)).status == 403
    assert (await client.get("/api/v1/admin/audit")).status == 401


async def test_sign_ins_and_failed_sign_ins_are_logged(client: TestClient) -> None:
    admin = await account(client, "admin", Role.ADMIN)
    ada = await account(client, "ada")
    ada_id = await _me(client, ada)
    wrong = await client.post("/api/v1/auth/token", json={"email": ada.email, "password": "not the password"})
    assert wrong.status == 401
    nobody = await client.post("/api/v1/auth/session", json={"email": "ghost@example.com", "password": "x" * 9})
    assert nobody.status == 401
    logins = await _events(client, admin, "auth.login")
    assert any(e["actor_id"] == ada_id and e["target"] == ada_id and e["ip"] for e in logins)
    failed = await _events(client, admin, "auth.login_failed")
    assert {(e["target"], e["details"]["known_account"]) for e in failed} == {
        (ada.email, True),
        ("ghost@example.com", False),
    }
    assert all(e["actor_id"] is None for e in failed)


async def test_shares_given_changed_and_revoked_are_logged(client: TestClient) -> None:
    admin = await account(client, "admin", Role.ADMIN)
    owner, coach = await account(client, "owner"), await account(client, "coach")
    owner_id = await _me(client, owner)
    sid = await new_session(client, owner)
    given = await share(client, owner, coach, "view", sid)
    changed = await client.patch(f"/api/v1/shares/{given['id']}", json={"permission": "comment"}, headers=owner.auth)
    assert changed.status == 200
    assert (await client.delete(f"/api/v1/shares/{given['id']}", headers=owner.auth)).status == 204
    created = await _events(client, admin, "share.created")
    assert [(e["actor_id"], e["target"], e["details"]["session_id"]) for e in created] == [(owner_id, given["id"], sid)]
    assert created[0]["details"]["permission"] == "view"
    assert [e["details"]["permission"] for e in await _events(client, admin, "share.changed")] == ["comment"]
    revoked = await _events(client, admin, "share.revoked")
    assert [(e["actor_id"], e["target"]) for e in revoked] == [(owner_id, given["id"])]


async def test_admin_access_exports_and_deletions_are_logged(client: TestClient) -> None:
    admin = await account(client, "admin", Role.ADMIN)
    ada = await account(client, "ada")
    ada_id, admin_id = await _me(client, ada), await _me(client, admin)
    sid = await new_session(client, ada)
    assert (await client.get(f"/api/v1/sessions/{sid}", headers=admin.auth)).status == 200
    access = await _events(client, admin, "admin.session_access")
    assert [(e["actor_id"], e["target"], e["details"]["owner_id"]) for e in access] == [(admin_id, sid, ada_id)]

    export = await client.get("/api/v1/me/export", headers=ada.auth)
    assert export.status == 200
    await export.read()
    assert [(e["actor_id"], e["target"]) for e in await _events(client, admin, "account.exported")] == [
        (ada_id, ada_id)
    ]
    assert (await client.delete(f"/api/v1/sessions/{sid}", headers=ada.auth)).status == 204
    assert [(e["actor_id"], e["target"]) for e in await _events(client, admin, "session.deleted")] == [(ada_id, sid)]
    gone = await client.delete("/api/v1/me", json={"password": PASSWORD}, headers=ada.auth)
    assert gone.status == 204
    deleted = await _events(client, admin, "account.deleted")
    assert [(e["actor_id"], e["target"]) for e in deleted] == [(None, ada_id)]
    # the deleted account's earlier events stay, without a link to the account that no longer exists
    kept = [e for e in await _events(client, admin, "auth.login") if e["target"] == ada_id]
    assert kept and all(e["actor_id"] is None for e in kept)


async def test_recordings_deleted_by_retention_are_logged(
    aiohttp_client: Any, settings: Settings, tmp_path: Path
) -> None:
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"retention_days": 30})))
    admin = await account(client, "admin", Role.ADMIN)
    await register_and_login(client)
    sid = await add_session(client, "ada@example.com", synthetic_report(30))
    await add_recording(client, sid, tmp_path, b"\x1a\x45\xdf\xa3" + sid.encode())
    async with client.app[DB]() as db:
        old = utcnow() - timedelta(days=45)
        await db.execute(update(Recording).where(Recording.session_id == sid).values(created_at=old))
        await db.commit()
    assert await expire_recordings(client.app) == 1
    swept = await _events(client, admin, "retention.recordings_deleted")
    assert [(e["actor_id"], e["details"]["recordings"]) for e in swept] == [(None, 1)]
