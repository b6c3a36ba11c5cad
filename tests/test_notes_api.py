"""Timed notes: who may write, read, edit and delete them; the live default time; the report export."""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient

from inference.scoring.synthetic import synthetic_report
from tests.shares_support import account, db_client, new_session, share
from tests.test_reports_api import add_session

__all__ = ["db_client"]


async def test_owner_and_comment_coach_write_and_everyone_reads_in_media_time_order(db_client: TestClient) -> None:
    speaker, coach, viewer = [await account(db_client, n) for n in ("speaker", "coach", "viewer")]
    sid = await new_session(db_client, speaker)
    await share(db_client, speaker, coach, "comment", sid)
    await share(db_client, speaker, viewer, "view", sid)
    url = f"/api/v1/sessions/{sid}/notes"

    late = await db_client.post(url, json={"t_s": 42.5, "text": "good pause", "tag": "pauses"}, headers=coach.auth)
    assert late.status == 201, await late.text()
    early = await db_client.post(url, json={"t_s": 3, "text": "slow start"}, headers=speaker.auth)
    assert early.status == 201
    created = await late.json()
    assert (created["t_s"], created["tag"], created["author"]) == (42.5, "pauses", coach.email)

    for who in (speaker, coach, viewer):
        listing = await (await db_client.get(url, headers=who.auth)).json()
        assert [(n["t_s"], n["author"]) for n in listing["items"]] == [(3.0, speaker.email), (42.5, coach.email)]


async def test_view_share_403_no_share_404_and_authors_edit_their_own(db_client: TestClient) -> None:
    speaker, coach, viewer, stranger = [await account(db_client, n) for n in ("sp", "coach", "viewer", "stranger")]
    sid = await new_session(db_client, speaker)
    await share(db_client, speaker, coach, "comment", sid)
    await share(db_client, speaker, viewer, "view", sid)
    url = f"/api/v1/sessions/{sid}/notes"
    note = await (await db_client.post(url, json={"t_s": 5, "text": "eyes up"}, headers=coach.auth)).json()
    item = f"{url}/{note['id']}"

    assert (await db_client.post(url, json={"t_s": 1, "text": "x"}, headers=viewer.auth)).status == 403
    assert (await db_client.patch(item, json={"text": "y"}, headers=viewer.auth)).status == 403
    assert (await db_client.delete(item, headers=viewer.auth)).status == 403
    assert (await db_client.post(url, json={"t_s": 1, "text": "x"}, headers=stranger.auth)).status == 404
    assert (await db_client.get(url, headers=stranger.auth)).status == 404
    assert (await db_client.patch(item, json={"text": "mine now"}, headers=speaker.auth)).status == 403

    edited = await db_client.patch(item, json={"text": "look up", "tag": "facing", "t_s": 6}, headers=coach.auth)
    body = await edited.json()
    assert (body["text"], body["tag"], body["t_s"]) == ("look up", "facing", 6.0) and body["updated_at"]
    untagged = await (await db_client.patch(item, json={"tag": ""}, headers=coach.auth)).json()
    assert untagged["tag"] is None and untagged["text"] == "look up"
    assert (await db_client.delete(item, headers=coach.auth)).status == 204
    assert (await db_client.delete(item, headers=coach.auth)).status == 404
    assert (await (await db_client.get(url, headers=speaker.auth)).json())["items"] == []


async def test_note_without_time_needs_a_live_session_and_bad_notes_are_422(db_client: TestClient) -> None:
    speaker = await account(db_client, "speaker")
    url = f"/api/v1/sessions/{await new_session(db_client, speaker)}/notes"
    missing = await db_client.post(url, json={"text": "when?"}, headers=speaker.auth)
    assert missing.status == 422 and "not live" in (await missing.json())["error"]["message"]
    for bad in ({"t_s": -1, "text": "x"}, {"t_s": 1, "text": ""}, {"t_s": 1, "text": "x", "tag": "t" * 33}):
        assert (await db_client.post(url, json=bad, headers=speaker.auth)).status == 422, bad


async def test_live_notes_setting_is_owner_only(db_client: TestClient) -> None:
    speaker, coach = await account(db_client, "speaker"), await account(db_client, "coach")
    sid = await new_session(db_client, speaker)
    await share(db_client, speaker, coach, "comment", sid)
    off = await db_client.patch(f"/api/v1/sessions/{sid}", json={"live_notes": False}, headers=speaker.auth)
    assert (await off.json())["live_notes"] is False
    again = await (await db_client.get(f"/api/v1/sessions/{sid}", headers=speaker.auth)).json()
    assert again["live_notes"] is False
    assert (
        await db_client.patch(f"/api/v1/sessions/{sid}", json={"live_notes": True}, headers=coach.auth)
    ).status == 404


async def test_notes_are_in_the_report_json_export(db_client: TestClient) -> None:
    speaker, coach = await account(db_client, "speaker"), await account(db_client, "coach")
    sid = await add_session(db_client, speaker.email, synthetic_report(60))
    await share(db_client, speaker, coach, "comment", sid)
    await db_client.post(f"/api/v1/sessions/{sid}/notes", json={"t_s": 12, "text": "breathe"}, headers=coach.auth)
    response = await db_client.get(f"/api/v1/sessions/{sid}/report.json", headers=coach.auth)
    assert response.status == 200
    exported = json.loads(await response.text())
    assert [(n["t_s"], n["text"], n["author"]) for n in exported["notes"]] == [(12.0, "breathe", coach.email)]
    assert "speech" in exported or "schema_version" in exported
