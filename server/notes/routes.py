"""``/api/v1/sessions/{id}/notes``: timed notes by the owner and coaches with ``comment`` permission.

Readers of the session (owner, any share, admins) list them; the owner and ``comment`` coaches write (a ``view``
coach gets 403, no share 404); authors edit and delete their own. During a live session a new note reaches every
viewer and, unless the speaker turned ``live_notes`` off, the speaker, as a ``note`` feedback message; when the
session is live on another node, through the cluster bus (its ``t_s`` from the media origin in the registry).
"""

from __future__ import annotations

import logging
import time

from aiohttp import web
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from media.feedback import NoteFeedback
from server.api_docs import documented
from server.auth.guards import current_user, require_user
from server.cluster.expiry import remote_media_time
from server.cluster.node import CLUSTER, live_elsewhere
from server.errors import Forbidden, NotFound, ValidationFailed
from server.keys import DB, SETTINGS
from server.live import LIVE
from server.notes.schemas import CreateNote, NoteList, NoteOut, UpdateNote, note_out
from server.sessions.access import Need, load_session
from server.validation import read_json
from storage.models import CoachNote, PracticeSession, User
from storage.notes import NoteRepository, NoteRow

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

LIST = "/api/v1/sessions/{session_id}/notes"
ITEM = LIST + "/{note_id}"


async def _media_time(request: web.Request, session: PracticeSession, t_s: float | None) -> float:
    if t_s is not None:
        return t_s
    live = request.app[LIVE].get(session.id)
    if live is not None:
        return round(live.media_time(), 3)
    entry = await live_elsewhere(request.app, session)
    if entry is None:
        raise ValidationFailed("t_s is required: the session is not live", details=[{"loc": ["t_s"]}])
    return remote_media_time(entry, time.time())


async def _broadcast(request: web.Request, session: PracticeSession, row: NoteRow) -> None:
    """To the live session here, or through the cluster bus to the node holding it."""
    n = row.note
    message = NoteFeedback(t_s=n.media_time_s, id=n.id, author=row.author_email, text=n.text, tag=n.tag)
    live = request.app[LIVE].get(session.id)
    if live is not None:
        live.send_note(message, to_publisher=session.live_notes)
        return
    entry = await live_elsewhere(request.app, session)
    if entry is None:
        return
    try:
        await request.app[CLUSTER].bus.send_note(entry.node_id, session.id, message, session.live_notes)
    except (RedisError, OSError) as exc:
        log.warning("note %s not delivered live to node %s: %s", n.id, entry.node_id, exc)


@routes.post(LIST)
@documented("Add a timed note (t_s: now in a live session)", request=CreateNote, response=NoteOut, status=201)
@require_user()
async def create_note(request: web.Request) -> web.Response:
    user = current_user(request)
    body = await read_json(request, CreateNote, request.app[SETTINGS].max_json_bytes)
    session = (await load_session(request, user, Need.COMMENT)).session
    t_s = await _media_time(request, session, body.t_s)
    async with request.app[DB]() as db:
        note = await NoteRepository(db).add(session.id, user.id, t_s, body.text, body.tag or None)
    row = NoteRow(note, user.email)
    await _broadcast(request, session, row)
    return web.json_response(note_out(row).model_dump(mode="json"), status=201)


@routes.get(LIST)
@documented("The session's notes in media-time order (for the review timeline)", response=NoteList)
@require_user()
async def list_notes(request: web.Request) -> web.Response:
    session = (await load_session(request, current_user(request), Need.VIEW)).session
    async with request.app[DB]() as db:
        rows = await NoteRepository(db).for_session(session.id)
    return web.json_response(NoteList(items=[note_out(r) for r in rows]).model_dump(mode="json"))


async def _own_note(request: web.Request, db: AsyncSession, user: User, session_id: str) -> CoachNote:
    note = await NoteRepository(db).get(session_id, request.match_info["note_id"])
    if note is None:
        raise NotFound("no such note")
    if note.author_id != user.id:
        raise Forbidden("only its author may change a note", code="not_author")
    return note


@routes.patch(ITEM)
@documented("Edit my note (t_s, text, tag)", request=UpdateNote, response=NoteOut)
@require_user()
async def update_note(request: web.Request) -> web.Response:
    user = current_user(request)
    body = await read_json(request, UpdateNote, request.app[SETTINGS].max_json_bytes)
    session = (await load_session(request, user, Need.COMMENT)).session
    async with request.app[DB]() as db:
        note = await _own_note(request, db, user, session.id)
        note = await NoteRepository(db).update(note, t_s=body.t_s, text=body.text, tag=body.tag)
    return web.json_response(note_out(NoteRow(note, user.email)).model_dump(mode="json"))


@routes.delete(ITEM)
@documented("Delete my note", status=204)
@require_user()
async def delete_note(request: web.Request) -> web.Response:
    user = current_user(request)
    session = (await load_session(request, user, Need.COMMENT)).session
    async with request.app[DB]() as db:
        await NoteRepository(db).delete(await _own_note(request, db, user, session.id))
    return web.Response(status=204)
