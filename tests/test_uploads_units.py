"""Units of the upload path: tus header parsing, file names, media acceptance, partial files, the repository."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from media.offline.decode import MediaInfo
from media.offline.errors import FileEmpty, NoMediaStreams, NotMedia, TruncatedMedia
from server.uploads.expiry import expires_at, http_date, is_expired
from server.uploads.finalize import rejection, session_title, unsupported_reason
from server.uploads.partial import ChunkTooLarge, PartialFiles, UploadBusy
from server.uploads.protocol import (
    ProtocolError,
    check_resumable,
    encode_metadata,
    options_headers,
    parse_metadata,
    parse_non_negative,
    safe_filename,
)
from storage.database import create_engine, session_factory
from storage.models import Upload, utcnow
from storage.repositories import UserRepository
from storage.uploads import UploadRepository


@pytest.mark.parametrize(("raw", "value"), [("0", 0), ("42", 42), (" 7 ", 7), ("2147483648000", 2147483648000)])
def test_parse_non_negative_accepts_digits(raw: str, value: int) -> None:
    assert parse_non_negative("Upload-Length", raw) == value


@pytest.mark.parametrize("raw", [None, "", "-1", "1.5", "abc", "1e3", "+3", "٣"])
def test_parse_non_negative_rejects_everything_else(raw: str | None) -> None:
    with pytest.raises(ProtocolError, match="Upload-Offset"):
        parse_non_negative("Upload-Offset", raw)


def test_metadata_round_trips_utf8_and_keeps_empty_values() -> None:
    metadata = {"filename": "Vortrag über Ziele.webm", "title": "Q3, final", "is_confidential": ""}
    header = encode_metadata(metadata)
    assert parse_metadata(header) == metadata
    assert parse_metadata("filename d29ybGQ=, flag") == {"filename": "world", "flag": ""}
    assert parse_metadata(None) == parse_metadata("  ") == {}


@pytest.mark.parametrize(
    "header",
    [
        "filename not*base64",
        "filename d29ybGQ= extra",
        "filename d29ybGQ=,filename d29ybGQ=",
        "filename  d29ybGQ=",
        "x //8=",
    ],
)
def test_malformed_metadata_is_a_protocol_error(header: str) -> None:
    with pytest.raises(ProtocolError, match="Upload-Metadata"):
        parse_metadata(header)


def test_overlong_metadata_is_refused() -> None:
    with pytest.raises(ProtocolError, match="longer"):
        parse_metadata(encode_metadata({"filename": "x" * 5000}))


def test_tus_resumable_must_match_the_version() -> None:
    check_resumable("1.0.0")
    for bad in (None, "0.2.2", ""):
        with pytest.raises(ProtocolError):
            check_resumable(bad)
    assert options_headers(123)["Tus-Max-Size"] == "123"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("talk.webm", "talk.webm"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ada\\My Talk (final).mp4", "My_Talk_final_.mp4"),
        (".hidden.webm", "hidden.webm"),
        ("", "upload"),
        ("///", "upload"),
        ("пример.mkv", "_.mkv"),
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_safe_filename_keeps_the_suffix_of_long_names() -> None:
    name = safe_filename("a" * 300 + ".webm")
    assert len(name) == 100 and name.endswith(".webm")


def _info(audio_packets: int, video_packets: int) -> MediaInfo:
    return MediaInfo(
        path=Path("x"),
        size_bytes=10,
        container="png_pipe" if not audio_packets else "matroska,webm",
        declared_duration_s=None,
        start_s=0.0,
        end_s=0.04,
        audio_codec="opus" if audio_packets else None,
        video_codec="png" if video_packets else None,
        width=None,
        height=None,
        audio_packets=audio_packets,
        video_packets=video_packets,
    )


def test_still_images_are_not_recordings() -> None:
    assert unsupported_reason(_info(0, 1)) is not None
    assert unsupported_reason(_info(0, 30)) is None
    assert unsupported_reason(_info(5, 0)) is None
    assert unsupported_reason(_info(5, 1)) is None


def test_rejections_map_to_status_codes_without_server_paths() -> None:
    path = Path("/srv/var/uploads/abc.part")
    truncated = rejection(TruncatedMedia(f"{path}: truncated: media ends at 1.0 s"), path, "talk.webm")
    assert (truncated.status, truncated.code, truncated.message) == (
        422,
        "truncated",
        "talk.webm: truncated: media ends at 1.0 s",
    )
    assert rejection(FileEmpty(f"{path}: file is empty"), path, "a").status == 422
    not_media = rejection(NotMedia(f"{path}: not an audio or video file"), path, "")
    assert (not_media.status, not_media.code) == (415, "not_media")
    assert "/srv" not in not_media.message
    assert rejection(NoMediaStreams(f"{path}: none"), path, "a").status == 415


def test_session_title_prefers_metadata_then_file_name() -> None:
    assert session_title({"title": " Pitch "}, "x.webm") == "Pitch"
    assert session_title({}, "Board update.mp4") == "Board update"
    assert session_title({"title": ""}, "") == "Uploaded talk"
    assert len(session_title({"title": "t" * 500}, "")) == 200


async def _body(*chunks: bytes, fail: BaseException | None = None) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
    if fail is not None:
        raise fail


async def test_append_keeps_what_arrived_before_the_client_went_away(tmp_path: Path) -> None:
    files = PartialFiles(tmp_path)
    await files.create("u1")
    first = await files.append("u1", 0, _body(b"abc", b"def"), limit=100)
    assert (first.written, first.interrupted) == (6, False)
    cut = await files.append("u1", 6, _body(b"gh", fail=ConnectionResetError("Connection lost")), limit=100)
    assert (cut.written, cut.interrupted) == (2, True)
    assert files.path("u1").read_bytes() == b"abcdefgh"


async def test_append_drops_bytes_past_the_recorded_offset(tmp_path: Path) -> None:
    files = PartialFiles(tmp_path)
    await files.create("u1")
    await files.append("u1", 0, _body(b"abcdef"), limit=100)
    await files.append("u1", 4, _body(b"XY"), limit=100)
    assert files.path("u1").read_bytes() == b"abcdXY"


async def test_append_over_the_limit_keeps_nothing_of_that_body(tmp_path: Path) -> None:
    files = PartialFiles(tmp_path)
    await files.create("u1")
    await files.append("u1", 0, _body(b"ab"), limit=5)
    with pytest.raises(ChunkTooLarge):
        await files.append("u1", 2, _body(b"cd", b"ef"), limit=3)
    assert files.path("u1").read_bytes() == b"ab"
    await files.remove("u1")
    assert not files.path("u1").exists()


async def test_one_writer_per_upload(tmp_path: Path) -> None:
    files = PartialFiles(tmp_path)
    with files.exclusive("u1"):
        with pytest.raises(UploadBusy), files.exclusive("u1"):
            pass
        with files.exclusive("u2"):
            pass
    with files.exclusive("u1"):
        pass
    with pytest.raises(ValueError):
        files.path("../x")


async def test_upload_repository(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            owner = await UserRepository(db).create(f"up-{uuid.uuid4().hex}@example.com", "x")
            repo = UploadRepository(db)
            upload = await repo.create(owner.id, 100, "talk.webm", {"filename": "talk.webm"})
            await repo.set_offset(upload, 40)
            with pytest.raises(ValueError):
                await repo.set_offset(upload, 101)
            other = await UserRepository(db).create(f"other-{uuid.uuid4().hex}@example.com", "x")
        async with session_factory(engine)() as db:
            repo = UploadRepository(db)
            assert await repo.get_owned(upload.id, other.id) is None
            loaded = await repo.get_owned(upload.id, owner.id)
            assert loaded is not None and loaded.offset == 40 and loaded.upload_metadata == {"filename": "talk.webm"}
            stale = await repo.incomplete_before(utcnow() + timedelta(seconds=1))
            assert upload.id in [u.id for u in stale]
            await repo.delete(upload)
        async with session_factory(engine)() as db:
            assert await UploadRepository(db).get(upload.id) is None
    finally:
        await engine.dispose()


def test_expiry_dates() -> None:
    created = datetime(2026, 11, 24, 12, 0, 0)
    upload = Upload(owner_id="u", length=10, created_at=created, completed_at=None)
    assert expires_at(upload, 3600) == datetime(2026, 11, 24, 13, 0, 0, tzinfo=UTC)
    assert http_date(expires_at(upload, 3600)) == "Tue, 24 Nov 2026 13:00:00 GMT"
    assert not is_expired(upload, 3600, now=datetime(2026, 11, 24, 12, 59, tzinfo=UTC))
    assert is_expired(upload, 3600, now=datetime(2026, 11, 24, 13, 0, tzinfo=UTC))
    upload.completed_at = created
    assert not is_expired(upload, 3600, now=datetime(2027, 1, 1, tzinfo=UTC))
