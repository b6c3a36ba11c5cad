"""HTTP routes of ``server.reports``: a session's report and exports, its recording (with HTTP range
requests), the progress summary and goals. The owner, coaches it is shared with and admins may read; others get 404."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aiohttp import web

from inference.report.model import Report
from inference.report.scores import Scores
from inference.report.upgrade import dump_report, load_report
from inference.scoring.progress import Comparator, GoalSpec, SessionPoint, progress_summary
from inference.scoring.scores import METRICS
from server.api_docs import documented
from server.auth.guards import current_user, require_user
from server.blob_response import blob_response
from server.errors import BadRequest, NotFound, ValidationFailed
from server.keys import BLOBS, DB, SETTINGS
from server.notes.export import notes_for_export
from server.reports.export import metrics_csv, timeline_csv
from server.reports.schemas import GoalIn, GoalList, GoalOut, ProgressOut, ReportOut
from server.sessions.access import load_readable_session
from server.sessions.schemas import session_out
from server.validation import int_query, read_json
from storage.blobs import BlobNotFound
from storage.models import AnalysisReport, Goal, PracticeSession
from storage.reports import GoalRepository, ReportReader
from storage.repositories import RecordingRepository

routes = web.RouteTableDef()

CONTENT_TYPES = {
    "webm": "video/webm",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "mkv": "video/x-matroska",
    "matroska": "video/x-matroska",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
}


async def _owned_report(request: web.Request) -> tuple[PracticeSession, AnalysisReport, Report]:
    session = await load_readable_session(request, current_user(request))
    async with request.app[DB]() as db:
        row = await ReportReader(db).latest(session.id)
    if row is None:
        raise NotFound(f"session not analysed yet (state: {session.state.value})", code="report_not_ready")
    return session, row, load_report(row.report)


def _attachment(session: PracticeSession, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="podium-report-{session.id}.{ext}"'}


@routes.get("/api/v1/sessions/{session_id}/report")
@documented("A session with its report: scores, recommendations and timelines (404 until analysed)", response=ReportOut)
@require_user()
async def get_report(request: web.Request) -> web.Response:
    session, row, report = await _owned_report(request)
    overall = report.scores.overall if report.scores is not None else None
    body = ReportOut(
        session=session_out(session, overall, duration_s=report.duration_s or None),
        schema_version=report.schema_version,
        created_at=row.created_at,
        report=report,
    )
    return web.json_response(body.model_dump(mode="json"))


@routes.get("/api/v1/sessions/{session_id}/report.json")
@documented("Download the report as a JSON file (the current schema_version)", response=Report)
@require_user()
async def export_json(request: web.Request) -> web.Response:
    session, _, report = await _owned_report(request)
    notes = await notes_for_export(request.app, session.id)
    text = json.dumps(dump_report(report) | {"notes": notes}, indent=2)
    return web.Response(text=text, content_type="application/json", headers=_attachment(session, "json"))


@routes.get("/api/v1/sessions/{session_id}/report.csv")
@documented(
    "Download the report as CSV: ?rows=metrics (default; one row per dimension and metric: kind, name, score, "
    "value, unit, reason) or ?rows=timeline (one row per timeline window: start_s, end_s, word_count, wpm, "
    "volume_dbfs, pitch_variation_st, fillers, person_visible_ratio, facing_ratio, posture, gesture)"
)
@require_user()
async def export_csv(request: web.Request) -> web.Response:
    rows = request.query.get("rows", "metrics")
    if rows not in ("metrics", "timeline"):
        raise BadRequest("rows must be 'metrics' or 'timeline'")
    session, row, report = await _owned_report(request)
    scores = report.scores if report.scores is not None else Scores.model_validate(row.scores or {})
    text = metrics_csv(scores) if rows == "metrics" else timeline_csv(report)
    headers = _attachment(session, "csv") | {"Content-Type": "text/csv; charset=utf-8"}
    return web.Response(text=text, headers=headers)


@routes.get("/api/v1/sessions/{session_id}/recording")
@documented("The session's recording; supports HTTP Range requests (206, 416) so players can seek")
@require_user()
async def get_recording(request: web.Request) -> web.StreamResponse:
    session = await load_readable_session(request, current_user(request))
    async with request.app[DB]() as db:
        recordings = await RecordingRepository(db).for_session(session.id)
    if not recordings:
        raise NotFound("this session has no recording", code="no_recording")
    recording = max(recordings, key=lambda r: r.created_at)
    content_type = CONTENT_TYPES.get(recording.container.lower(), "application/octet-stream")
    headers = {"Content-Type": content_type, "Cache-Control": "private, max-age=3600"}
    try:
        return await blob_response(request, request.app[BLOBS], recording.blob_key, headers)
    except BlobNotFound as exc:
        raise NotFound("the recording file is missing", code="no_recording") from exc


def _goal_spec(goal: Goal) -> GoalSpec:
    comparator: Comparator = "lte" if goal.comparator == "lte" else "gte"
    return GoalSpec(goal.metric, comparator, goal.target, goal.created_at)


def _goal_out(goal: Goal) -> dict[str, Any]:
    return GoalOut(
        metric=goal.metric,
        comparator=goal.comparator,
        target=goal.target,
        created_at=goal.created_at,
        achieved_at=goal.achieved_at,
    ).model_dump(mode="json")


def _stored_scores(row: AnalysisReport) -> Scores:
    """The scores stored next to a report (or, for reports stored without them, inside it)."""
    return Scores.model_validate(row.scores or row.report.get("scores") or {})


def _last_n(request: web.Request) -> int:
    return int_query(request, "last_n", 5, 2, 100)


@routes.get("/api/v1/progress")
@documented(
    "Progress: history of analysed sessions with scores, trends (slope over the last ?last_n=5 sessions), "
    "personal bests, goals, milestones and the latest session against the previous average",
    response=ProgressOut,
)
@require_user()
async def get_progress(request: web.Request) -> web.Response:
    last_n = _last_n(request)
    user = current_user(request)
    async with request.app[DB]() as db:
        rows = await ReportReader(db).history(user.id)
        goals_repo = GoalRepository(db)
        goals = list(await goals_repo.for_user(user.id))
        points = [SessionPoint(s.id, s.analyzed_at or r.created_at, _stored_scores(r), s.title) for s, r in rows]
        summary = progress_summary(points, [_goal_spec(g) for g in goals], last_n)
        for goal, result in zip(goals, summary["goals"], strict=True):
            if result["achieved_at"] is not None and goal.achieved_at is None:
                await goals_repo.mark_achieved(goal, datetime.fromisoformat(result["achieved_at"]))
    return web.json_response(summary)


@routes.get("/api/v1/goals")
@documented("The signed-in user's goals and the metric names a goal may use", response=GoalList)
@require_user()
async def list_goals(request: web.Request) -> web.Response:
    async with request.app[DB]() as db:
        goals = await GoalRepository(db).for_user(current_user(request).id)
    return web.json_response({"items": [_goal_out(g) for g in goals], "metrics": METRICS})


@routes.put("/api/v1/goals/{metric}")
@documented("Set the goal on one metric, e.g. fillers_per_min lte 3 (201 when new)", request=GoalIn, response=GoalOut)
@require_user()
async def put_goal(request: web.Request) -> web.Response:
    metric = request.match_info["metric"]
    if metric not in METRICS:
        raise ValidationFailed(f"unknown metric {metric!r}", details={"metrics": sorted(METRICS)})
    body = await read_json(request, GoalIn, request.app[SETTINGS].max_json_bytes)
    async with request.app[DB]() as db:
        goal, created = await GoalRepository(db).put(current_user(request).id, metric, body.comparator, body.target)
    return web.json_response(_goal_out(goal), status=201 if created else 200)


@routes.delete("/api/v1/goals/{metric}")
@documented("Remove the goal on one metric", status=204)
@require_user()
async def delete_goal(request: web.Request) -> web.Response:
    async with request.app[DB]() as db:
        removed = await GoalRepository(db).delete(current_user(request).id, request.match_info["metric"])
    if not removed:
        raise NotFound("no goal on that metric")
    return web.Response(status=204)
