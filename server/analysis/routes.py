"""HTTP routes of ``server.analysis``: read and (re)start the analysis job of a session (owner only)."""

from __future__ import annotations

from aiohttp import web

from server.analysis.runner import enqueue_analysis
from server.analysis.schemas import AnalysisJobOut, job_out
from server.api_docs import documented
from server.auth.guards import current_user, require_user
from server.errors import NotFound
from server.keys import DB
from server.sessions.access import load_owned_session, load_readable_session
from storage.jobs import JobRepository

routes = web.RouteTableDef()

ITEM = "/api/v1/sessions/{session_id}/analysis"


@routes.get(ITEM)
@documented("State, progress and error of the session's analysis job", response=AnalysisJobOut)
@require_user()
async def get_analysis(request: web.Request) -> web.Response:
    session = await load_readable_session(request, current_user(request))
    async with request.app[DB]() as db:
        job = await JobRepository(db).for_session(session.id)
    if job is None:
        raise NotFound("this session has not been analysed", code="no_analysis")
    return web.json_response(job_out(job).model_dump(mode="json"))


@routes.post(ITEM)
@documented("Run (or re-run) the analysis of the session's recording", response=AnalysisJobOut, status=202)
@require_user()
async def start_analysis(request: web.Request) -> web.Response:
    session = await load_owned_session(request, current_user(request))
    job = await enqueue_analysis(request.app, session.id)
    return web.json_response(job_out(job).model_dump(mode="json"), status=202)
