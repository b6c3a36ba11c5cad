"""Backup drill: create data, `podium backup`, wipe everything, `podium restore`, verify every row, hash and the
report; on SQLite and PostgreSQL. Also: the dump is one snapshot while others write, and tampering is refused."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from storage.backup import BackupError, backup, restore
from storage.blobs import LocalBlobStore
from storage.database import create_engine
from storage.migrate import upgrade
from storage.models import (
    AnalysisJob,
    AnalysisReport,
    Goal,
    JobState,
    PracticeSession,
    Recording,
    SessionSource,
    SessionState,
    User,
)
from tests.conftest import POSTGRES_URL, _admin_execute, _reachable

PODIUM = Path(sys.executable).with_name("podium")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two new, empty databases of one backend: where the data lives and where it is restored."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
        return
    if not _reachable(POSTGRES_URL, 5432):
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} (set PODIUM_TEST_POSTGRES_URL)")
    names = [f"podium_backup_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    for name in names:
        asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
    base = make_url(POSTGRES_URL)
    urls = [base.set(database=name).render_as_string(hide_password=False) for name in names]
    yield urls[0], urls[1]
    for name in names:
        asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _seed(url: str, store: LocalBlobStore, tmp_path: Path) -> dict[str, str]:
    """Users, sessions, recordings with real blobs, a job, a report and a goal; returns blob key → sha256."""
    engine = create_engine(url)
    digests = {}
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as db:
            ada = User(email="ada@example.com", password_hash="argon2$x")
            bob = User(email="bob@example.com", password_hash="argon2$y")
            db.add_all([ada, bob])
            await db.flush()
            for i, owner in enumerate([ada, ada, bob]):
                session = PracticeSession(
                    owner_id=owner.id,
                    title=f"talk {i} — naïve",
                    source=SessionSource.UPLOAD,
                    state=SessionState.ANALYZED,
                )
                db.add(session)
                await db.flush()
                data = os.urandom(3 * 1024 * 1024 + i)
                source = tmp_path / f"seed-{i}.webm"
                source.write_bytes(data)
                key = f"uploads/{session.id}/talk.webm"
                info = await store.put_file(key, source)
                digests[key] = info.sha256
                db.add(
                    Recording(
                        session_id=session.id, blob_key=key, container="webm", bytes=info.size, sha256=info.sha256
                    )
                )
                db.add(AnalysisJob(session_id=session.id, state=JobState.SUCCEEDED, progress=1.0, stage="done"))
                db.add(
                    AnalysisReport(
                        session_id=session.id,
                        schema_version=2,
                        report={"words": [["hi", 0.1, 0.4]]},
                        scores={"overall": 71.5},
                    )
                )
            db.add(Goal(user_id=ada.id, metric="fillers_per_min", comparator="lte", target=3.0))
            await db.commit()
    finally:
        await engine.dispose()
    return digests


async def _all_rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, normalised for comparison (datetimes as UTC ISO strings)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            metadata = MetaData()
            await conn.run_sync(metadata.reflect)
            rows = {}
            for table in metadata.sorted_tables:
                result = await conn.execute(select(table).order_by(*table.primary_key.columns))
                rows[table.name] = [{k: _normal(v) for k, v in r._mapping.items()} for r in result]
    finally:
        await engine.dispose()
    return rows


def _normal(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return (value if value.tzinfo is None else value.astimezone(None).replace(tzinfo=None)).isoformat()
    return value


def _podium(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PODIUM), *map(str, args)], env=os.environ | env, capture_output=True, text=True, timeout=180, check=False
    )


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@pytest.mark.slow
async def test_backup_wipe_restore_drill(database_urls: tuple[str, str], tmp_path: Path) -> None:
    source_url, restored_url = database_urls
    await asyncio.to_thread(upgrade, source_url)
    blobs = tmp_path / "blobs"
    digests = await _seed(source_url, LocalBlobStore(blobs), tmp_path)
    before = await _all_rows(source_url)
    env = {"PODIUM_DATA_DIR": str(tmp_path / "var"), "PODIUM_DATABASE_URL": source_url, "PODIUM_BLOB_DIR": str(blobs)}

    made = await asyncio.to_thread(_podium, "backup", tmp_path / "backup", env=env)
    assert made.returncode == 0, made.stderr
    report = json.loads(made.stdout)
    assert report["tables"]["users"] == 2 and report["tables"]["recordings"] == 3
    assert report["tables"]["analysis_reports"] == 3 and report["tables"]["goals"] == 1
    assert (report["blobs"], report["blobs_verified"], report["missing_blobs"]) == (3, 3, [])
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert {b["key"]: b["sha256"] for b in manifest["blobs"]} == digests

    shutil.rmtree(blobs)  # the wipe: blobs gone, and the restore goes to a database that never saw the data
    if source_url.startswith("sqlite"):
        await asyncio.to_thread(Path(make_url(source_url).database or "").unlink)
    env |= {"PODIUM_DATABASE_URL": restored_url, "PODIUM_BLOB_DIR": str(tmp_path / "restored-blobs")}
    done = await asyncio.to_thread(_podium, "restore", tmp_path / "backup", env=env)
    assert done.returncode == 0, done.stderr
    restored = json.loads(done.stdout)
    assert (restored["blobs"], restored["blobs_verified"], restored["mismatched_blobs"]) == (3, 3, [])
    assert restored["tables"] == report["tables"]

    after = await _all_rows(restored_url)
    assert after == before
    store = LocalBlobStore(tmp_path / "restored-blobs")
    for row in after["recordings"]:
        assert _sha256(store.local_path(row["blob_key"])) == row["sha256"] == digests[row["blob_key"]]

    again = await asyncio.to_thread(_podium, "restore", tmp_path / "backup", env=env)
    assert again.returncode == 2 and "not empty" in again.stderr


async def test_backup_is_one_snapshot_while_others_write(database_url: str, tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    await _seed(database_url, store, tmp_path)
    engine = create_engine(database_url)
    writer = create_engine(database_url)
    late: list[asyncio.Task[None]] = []

    async def add_user() -> None:
        async with async_sessionmaker(writer)() as db:
            db.add(User(email=f"late-{uuid.uuid4().hex[:6]}@example.com", password_hash="x"))
            db.add(
                Goal(
                    user_id=(await db.scalar(select(User.id).limit(1))) or "", metric="wpm", comparator="gte", target=1
                )
            )
            await db.commit()

    def on_table(name: str) -> asyncio.Task[None] | None:
        """After the first table is dumped, someone else adds a user and a goal. PostgreSQL: the backup waits
        for that commit, so the tables dumped later would show it without the snapshot. SQLite: the writer's
        commit waits for the read transaction to end (a rollback journal allows no commit under a reader)."""
        if late:
            return None
        late.append(asyncio.get_running_loop().create_task(add_user()))
        return late[0] if database_url.startswith("postgresql") else None

    try:
        report = await backup(engine, store, tmp_path / "backup", on_table=on_table)
        await asyncio.wait_for(late[0], 30)  # the writer was never starved by the read transaction
        assert report["tables"]["users"] == 2 and report["tables"]["goals"] == 1
        lines = (tmp_path / "backup" / "tables" / "users.jsonl").read_text().splitlines()
        assert {json.loads(line)["email"] for line in lines} == {"ada@example.com", "bob@example.com"}
    finally:
        await engine.dispose()
        await writer.dispose()


async def test_restore_refuses_a_tampered_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'podium.db'}"
    await asyncio.to_thread(upgrade, url)
    store = LocalBlobStore(tmp_path / "blobs")
    await _seed(url, store, tmp_path)
    engine = create_engine(url)
    try:
        await backup(engine, store, tmp_path / "backup")
        with pytest.raises(BackupError, match="not empty"):
            await backup(engine, store, tmp_path / "backup")
        blob = next((tmp_path / "backup" / "blobs").rglob("*.webm"))
        blob.write_bytes(b"tampered")
        target = f"sqlite:///{tmp_path / 'target.db'}"
        await asyncio.to_thread(upgrade, target)
        restore_engine = create_engine(target)
        try:
            with pytest.raises(BackupError, match="does not match its sha256"):
                await restore(restore_engine, LocalBlobStore(tmp_path / "other"), tmp_path / "backup")
        finally:
            await restore_engine.dispose()
    finally:
        await engine.dispose()
