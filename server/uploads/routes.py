"""HTTP routes of ``server.uploads``: tus 1.0 core, creation, termination and expiration at ``/api/v1/uploads``.

``POST`` creates an upload (``Upload-Length``, optional ``Upload-Metadata`` with ``filename``/``title``) and answers
``201`` with its ``Location``; ``HEAD`` reports ``Upload-Offset``; ``PATCH`` appends
``application/offset+octet-stream`` bytes at the current offset; ``DELETE`` aborts. The ``PATCH`` that completes
the upload validates the file and answers with the new session id in ``Podium-Session-Id``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from aiohttp import web

from server.api_docs import documented
from server.auth.consent import require_consent
from server.auth.guards import current_user, require_user
from server.errors import (
    ApiError,
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from server.keys import DB, SETTINGS
from server.middleware import error_body
from server.uploads.expiry import expires_at, http_date, is_expired
from server.uploads.finalize import finalize_upload
from server.uploads.partial import ChunkTooLarge, PartialFiles, UploadBusy, partial_files
from server.uploads.protocol import (
    OFFSET_CONTENT_TYPE,
    SESSION_ID_HEADER,
    TUS_VERSION,
    ProtocolError,
    base_headers,
    check_resumable,
    encode_metadata,
    options_headers,
    parse_metadata,
    parse_non_negative,
)
from server.uploads.quota import check_upload_quota
from server.validation import body_chunks
from storage.models import Upload
from storage.uploads import UploadRepository

routes = web.RouteTableDef()

COLLECTION = "/api/v1/uploads"
ITEM = COLLECTION + "/{upload_id}"
READ_CHUNK_BYTES = 256 * 1024
_FILENAME_MAX = 255

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def tus_endpoint(handler: Handler) -> Handler:
    """Check ``Tus-Resumable`` (except on ``OPTIONS``) and put the tus headers on every answer, errors included."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            if request.method != "OPTIONS":
                try:
                    check_resumable(request.headers.get("Tus-Resumable"))
                except ProtocolError as exc:
                    raise ApiError(str(exc), status=412, code="tus_version_mismatch") from exc
            try:
                response = await handler(request)
            except ProtocolError as exc:
                raise BadRequest(str(exc)) from exc
        except ApiError as exc:
            response = web.json_response(
                error_body(exc.code, exc.message, exc.details), status=exc.status, headers=exc.headers
            )
            if exc.status == 412:
                response.headers["Tus-Version"] = TUS_VERSION
        response.headers.update(base_headers())
        return response

    return wrapped


async def _load_owned(request: web.Request) -> Upload:
    async with request.app[DB]() as db:
        upload = await UploadRepository(db).get_owned(request.match_info["upload_id"], current_user(request).id)
    if upload is None:
        raise NotFound("no such upload")
    if is_expired(upload, request.app[SETTINGS].upload_expiry_s):
        raise ApiError("the upload has expired; start a new upload", status=410, code="gone")
    return upload


def _state_headers(request: web.Request, upload: Upload) -> dict[str, str]:
    headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length)}
    if upload.completed_at is None:
        headers["Upload-Expires"] = http_date(expires_at(upload, request.app[SETTINGS].upload_expiry_s))
    if upload.upload_metadata:
        headers["Upload-Metadata"] = encode_metadata(upload.upload_metadata)
    if upload.session_id is not None:
        headers[SESSION_ID_HEADER] = upload.session_id
    return headers


@routes.route("OPTIONS", COLLECTION)
@documented("tus discovery: supported version, extensions and maximum size", status=204)
@tus_endpoint
@require_user()
async def options(request: web.Request) -> web.Response:
    return web.Response(status=204, headers=options_headers(request.app[SETTINGS].max_upload_bytes))


@routes.post(COLLECTION)
@documented("tus creation: start a resumable upload (Upload-Length, Upload-Metadata filename/title)", status=201)
@tus_endpoint
@require_user()
async def create_upload(request: web.Request) -> web.Response:
    require_consent(current_user(request))
    length = parse_non_negative("Upload-Length", request.headers.get("Upload-Length"))
    limit = request.app[SETTINGS].max_upload_bytes
    if length == 0:
        raise ValidationFailed("Upload-Length must be at least 1 byte: an empty file is not a recording")
    if length > limit:
        raise PayloadTooLarge(f"Upload-Length {length} exceeds the maximum of {limit} bytes")
    metadata = parse_metadata(request.headers.get("Upload-Metadata"))
    filename = metadata.get("filename", "")[:_FILENAME_MAX]
    await check_upload_quota(request, current_user(request).id)
    async with request.app[DB]() as db:
        upload = await UploadRepository(db).create(current_user(request).id, length, filename, metadata)
    await partial_files(request.app).create(upload.id)
    headers = {"Location": f"{COLLECTION}/{upload.id}", **_state_headers(request, upload)}
    return web.Response(status=201, headers=headers)


@routes.head(ITEM)
@documented("tus: the upload's current offset and length", status=200)
@tus_endpoint
@require_user()
async def upload_state(request: web.Request) -> web.Response:
    upload = await _load_owned(request)
    return web.Response(status=200, headers=_state_headers(request, upload))


@routes.patch(ITEM)
@documented(
    "tus: append bytes at Upload-Offset; the completing PATCH answers with Podium-Session-Id",
    status=204,
    request_content_type=OFFSET_CONTENT_TYPE,
)
@tus_endpoint
@require_user()
async def append(request: web.Request) -> web.Response:
    if request.content_type != OFFSET_CONTENT_TYPE:
        raise UnsupportedMediaType(f"expected Content-Type {OFFSET_CONTENT_TYPE}, got {request.content_type!r}")
    offset = parse_non_negative("Upload-Offset", request.headers.get("Upload-Offset"))
    upload = await _load_owned(request)
    partials = partial_files(request.app)
    try:
        with partials.exclusive(upload.id):
            upload = await _load_owned(request)
            return await _append_locked(request, partials, upload, offset)
    except UploadBusy as exc:
        raise Conflict("another request is writing this upload; retry after it ends") from exc


async def _append_locked(request: web.Request, partials: PartialFiles, upload: Upload, offset: int) -> web.Response:
    if offset != upload.offset:
        raise Conflict(f"Upload-Offset {offset} does not match the upload's offset {upload.offset}")
    if upload.completed_at is not None:
        return web.Response(status=204, headers=_state_headers(request, upload))
    left = upload.length - offset
    if request.content_length is not None and request.content_length > left:
        raise PayloadTooLarge(f"body of {request.content_length} bytes exceeds the {left} bytes left in the upload")
    try:
        result = await partials.append(upload.id, offset, body_chunks(request, READ_CHUNK_BYTES), left)
    except ChunkTooLarge as exc:
        raise PayloadTooLarge(str(exc)) from exc
    except FileNotFoundError as exc:
        async with request.app[DB]() as db:
            await UploadRepository(db).delete(upload)
        raise ApiError("the upload's data is gone; start a new upload", status=410, code="gone") from exc
    async with request.app[DB]() as db:
        await UploadRepository(db).set_offset(upload, offset + result.written)
    if result.stalled is not None:
        raise result.stalled
    if upload.offset == upload.length:
        upload.session_id = await finalize_upload(request.app, upload, partials.path(upload.id))
    return web.Response(status=204, headers=_state_headers(request, upload))


@routes.delete(ITEM)
@documented("tus termination: abort an upload and delete its data", status=204)
@tus_endpoint
@require_user()
async def terminate(request: web.Request) -> web.Response:
    upload = await _load_owned(request)
    partials = partial_files(request.app)
    try:
        with partials.exclusive(upload.id):
            await partials.remove(upload.id)
            async with request.app[DB]() as db:
                await UploadRepository(db).delete(upload)
    except UploadBusy as exc:
        raise Conflict("another request is writing this upload; retry after it ends") from exc
    return web.Response(status=204)
