"""Sharing sessions with coaches: the shares API, what a share lets a coach read, and the admin audit trail."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from storage.models import Role
from tests.shares_support import Account, account, db_client, new_session, share

__all__ = ["db_client"]


async def _status(client: TestClient, method: str, path: str, who: Account, **kwargs: object) -> int:
    response = await client.request(method, path, headers=who.auth, **kwargs)  # type: ignore[arg-type]
    return response.status


async def test_view_share_lets_a_coach_read_but_not_write(db_client: TestClient) -> None:
    speaker, coach = await account(db_client, "speaker"), await account(db_client, "coach")
    shared = await new_session(db_client, speaker, "shared")
    await new_session(db_client, speaker, "private")
    await share(db_client, speaker, coach, "view", shared)

    listing = await (await db_client.get("/api/v1/sessions", headers=coach.auth)).json()
    assert [(s["id"], s["access"], s["owner_email"]) for s in listing["items"]] == [(shared, "view", speaker.email)]
    one = await (await db_client.get(f"/api/v1/sessions/{shared}", headers=coach.auth)).json()
    assert (one["access"], one["owner_email"]) == ("view", speaker.email)
    base = f"/api/v1/sessions/{shared}"
    analysis = await db_client.get(base + "/analysis", headers=coach.auth)
    assert analysis.status == 404 and (await analysis.json())["error"]["code"] == "no_analysis"
    report = await db_client.get(base + "/report", headers=coach.auth)
    assert (await report.json())["error"]["code"] == "report_not_ready"
    assert await _status(db_client, "GET", base + "/notes", coach) == 200
    assert await _status(db_client, "POST", base + "/notes", coach, json={"t_s": 1, "text": "hi"}) == 403
    for method, path in (("DELETE", base), ("POST", base + "/analysis"), ("PATCH", base)):
        assert await _status(db_client, method, path, coach, json={"live_notes": False}) == 404, (method, path)
    own = await (await db_client.get("/api/v1/sessions", headers=speaker.auth)).json()
    assert {s["access"] for s in own["items"]} == {"owner"} and len(own["items"]) == 2


async def test_without_a_share_everything_is_404(db_client: TestClient) -> None:
    speaker, stranger = await account(db_client, "speaker"), await account(db_client, "stranger")
    sid = await new_session(db_client, speaker)
    for suffix in ("", "/notes", "/analysis", "/report", "/report.json", "/recording", "/events"):
        assert await _status(db_client, "GET", f"/api/v1/sessions/{sid}{suffix}", stranger) == 404, suffix
    assert await _status(db_client, "POST", f"/api/v1/sessions/{sid}/notes", stranger, json={"text": "x"}) == 404
    listing = await (await db_client.get("/api/v1/sessions", headers=stranger.auth)).json()
    assert listing["items"] == []


async def test_all_sessions_share_covers_later_sessions_and_comment_allows_notes(db_client: TestClient) -> None:
    speaker, coach = await account(db_client, "speaker"), await account(db_client, "coach")
    first = await new_session(db_client, speaker, "first")
    created = await share(db_client, speaker, coach, "comment")
    assert created["session_id"] is None and created["permission"] == "comment"
    later = await new_session(db_client, speaker, "later")
    listing = await (await db_client.get("/api/v1/sessions", headers=coach.auth)).json()
    assert {s["id"]: s["access"] for s in listing["items"]} == {first: "comment", later: "comment"}
    note = await db_client.post(
        f"/api/v1/sessions/{later}/notes", json={"t_s": 2.5, "text": "nice"}, headers=coach.auth
    )
    assert note.status == 201


async def test_widest_share_wins(db_client: TestClient) -> None:
    speaker, coach = await account(db_client, "speaker"), await account(db_client, "coach")
    sid = await new_session(db_client, speaker)
    await share(db_client, speaker, coach, "view")
    await share(db_client, speaker, coach, "comment", sid)
    one = await (await db_client.get(f"/api/v1/sessions/{sid}", headers=coach.auth)).json()
    assert one["access"] == "comment"


async def test_list_change_and_revoke_shares(db_client: TestClient) -> None:
    speaker, coach = await account(db_client, "speaker"), await account(db_client, "coach")
    sid = await new_session(db_client, speaker)
    created = await share(db_client, speaker, coach, "view", sid)
    given = await (await db_client.get("/api/v1/shares", headers=speaker.auth)).json()
    received = await (await db_client.get("/api/v1/shares", headers=coach.auth)).json()
    assert [s["id"] for s in given["given"]] == [created["id"]] and given["received"] == []
    assert [s["coach_email"] for s in received["received"]] == [coach.email]
    assert received["received"][0]["owner_email"] == speaker.email

    item = f"/api/v1/shares/{created['id']}"
    assert await _status(db_client, "PATCH", item, coach, json={"permission": "comment"}) == 404
    changed = await db_client.patch(item, json={"permission": "comment"}, headers=speaker.auth)
    assert (await changed.json())["permission"] == "comment"
    note = await db_client.post(f"/api/v1/sessions/{sid}/notes", json={"t_s": 1, "text": "x"}, headers=coach.auth)
    assert note.status == 201

    assert await _status(db_client, "DELETE", item, speaker) == 204
    assert await _status(db_client, "GET", f"/api/v1/sessions/{sid}", coach) == 404
    assert await _status(db_client, "DELETE", item, speaker) == 404


async def test_a_coach_may_give_a_share_up(db_client: TestClient) -> None:
    speaker, coach = await account(db_client, "speaker"), await account(db_client, "coach")
    created = await share(db_client, speaker, coach)
    assert await _status(db_client, "DELETE", f"/api/v1/shares/{created['id']}", coach) == 204
    assert (await (await db_client.get("/api/v1/shares", headers=speaker.auth)).json())["given"] == []


async def test_bad_shares_are_refused(db_client: TestClient) -> None:
    speaker, coach, other = [await account(db_client, n) for n in ("speaker", "coach", "other")]
    sid = await new_session(db_client, speaker)
    theirs = await new_session(db_client, other)
    await share(db_client, speaker, coach, "view", sid)

    async def post(body: dict[str, object]) -> int:
        return (await db_client.post("/api/v1/shares", json=body, headers=speaker.auth)).status

    assert await post({"coach_email": coach.email, "session_id": sid}) == 409
    assert await post({"coach_email": speaker.email}) == 422
    assert await post({"coach_email": "nobody@example.com"}) == 404
    assert await post({"coach_email": coach.email, "session_id": theirs}) == 404
    assert await post({"coach_email": coach.email, "permission": "edit"}) == 422
    assert (await db_client.post("/api/v1/shares", json={"coach_email": coach.email})).status == 401


async def test_admin_access_to_someone_elses_session_is_audited(db_client: TestClient) -> None:
    speaker = await account(db_client, "speaker")
    admin = await account(db_client, "admin", Role.ADMIN)
    sid = await new_session(db_client, speaker)
    assert await _status(db_client, "GET", f"/api/v1/sessions/{sid}", admin) == 200
    assert await _status(db_client, "GET", f"/api/v1/sessions/{sid}", speaker) == 200
    assert await _status(db_client, "GET", "/api/v1/admin/audit", speaker) == 403

    audit = await (await db_client.get("/api/v1/admin/audit?action=admin.session_access", headers=admin.auth)).json()
    mine = [e for e in audit["items"] if e["target"] == sid]
    assert len(mine) == 1, mine
    event = mine[0]
    assert event["details"]["method"] == "GET" and event["details"]["path"] == f"/api/v1/sessions/{sid}"
    assert event["actor_id"] is not None and event["ip"] and event["created_at"]
