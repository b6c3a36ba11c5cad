"""Backups: every database table as JSON lines plus the recordings' blobs, with a manifest of sha256 digests.

``backup`` reads the whole database in one read transaction (PostgreSQL: REPEATABLE READ, READ ONLY; SQLite: one
``BEGIN`` … ``COMMIT``), so the dump is one consistent snapshot while the server keeps running; the blobs it copies
are those the snapshot's ``recordings`` rows name (blobs are immutable once committed). Tables are found by
reflection, so it works on SQLite and PostgreSQL alike and includes every table a migration added.

``restore`` needs an empty database migrated to the backup's Alembic revision: it verifies every file against the
manifest, inserts every row in foreign-key order in one transaction, stores the blobs and checks each stored blob's
digest. Both return a report (counts, bytes, digests checked) as a plain dict.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import inspect
import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

from sqlalchemy import MetaData, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import Date, DateTime, LargeBinary

from storage.blobs import BlobNotFound, BlobStore

FORMAT = 1
MANIFEST = "manifest.json"
VERSION_TABLE = "alembic_version"
RECORDINGS = "recordings"
_BATCH = 1000


class BackupError(Exception):
    """The backup cannot be made or restored (not empty, wrong revision, a file that fails its digest)."""


@dataclass
class TableDump:
    name: str
    file: str
    rows: int = 0
    sha256: str = ""


@dataclass
class BlobDump:
    key: str
    file: str
    size: int
    sha256: str


@dataclass
class Manifest:
    format: int
    created_at: str
    dialect: str
    revision: str | None
    tables: list[TableDump] = field(default_factory=list)
    blobs: list[BlobDump] = field(default_factory=list)
    missing_blobs: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {data.get('format')!r} (expected {FORMAT})")
        tables = [TableDump(**t) for t in data.pop("tables")]
        blobs = [BlobDump(**b) for b in data.pop("blobs")]
        return cls(**data, tables=tables, blobs=blobs)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value") and not isinstance(value, dict | list | str | int | float | bool):
        return value.value  # an Enum member
    return value


def _decode(value: Any, column_type: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, DateTime) and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None and column_type.timezone else parsed
    if isinstance(column_type, Date) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(column_type, LargeBinary) and isinstance(value, dict):
        return base64.b64decode(value["$b64"])
    return value


def _sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


async def _reflect(conn: AsyncConnection) -> list[Table]:
    metadata = MetaData()
    await conn.run_sync(metadata.reflect)
    return list(metadata.sorted_tables)


async def _begin_snapshot(conn: AsyncConnection) -> None:
    if conn.dialect.name == "postgresql":
        await conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    elif conn.dialect.name == "sqlite":
        await conn.exec_driver_sql("BEGIN")  # pysqlite would not begin before a SELECT on its own


async def _revision(conn: AsyncConnection, tables: list[Table]) -> str | None:
    version = next((t for t in tables if t.name == VERSION_TABLE), None)
    return None if version is None else await conn.scalar(select(version.c.version_num))


async def _dump_table(conn: AsyncConnection, table: Table, dest: Path) -> TableDump:
    dump = TableDump(table.name, f"tables/{table.name}.jsonl")
    digest = hashlib.sha256()
    order = list(table.primary_key.columns) or list(table.columns)
    fh = await asyncio.to_thread((dest / dump.file).open, "w", encoding="utf-8")
    try:
        lines: list[str] = []
        result = await conn.stream(select(table).order_by(*order))
        async for row in result:
            lines.append(json.dumps({k: _encode(v) for k, v in row._mapping.items()}, sort_keys=True) + "\n")
            if len(lines) >= _BATCH:
                await _write_lines(fh, lines, digest)
                dump.rows += len(lines)
                lines = []
        await _write_lines(fh, lines, digest)
        dump.rows += len(lines)
    finally:
        fh.close()
    dump.sha256 = digest.hexdigest()
    return dump


async def _write_lines(fh: IO[str], lines: list[str], digest: Any) -> None:
    text = "".join(lines)
    digest.update(text.encode())
    await asyncio.to_thread(fh.write, text)


async def _copy_blob(store: BlobStore, key: str, dest: Path) -> BlobDump:
    file = f"blobs/{PurePosixPath(key)}"
    target = dest / file
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fh = await asyncio.to_thread(target.open, "wb")
    try:
        async for chunk in store.read_range(key, 0, await store.size(key)):
            digest.update(chunk)
            size += len(chunk)
            await asyncio.to_thread(fh.write, chunk)
    finally:
        fh.close()
    return BlobDump(key, file, size, digest.hexdigest())


def _prepare_dir(dest: Path) -> None:
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty")
    (dest / "tables").mkdir(parents=True, exist_ok=True)
    (dest / "blobs").mkdir(exist_ok=True)


async def backup(engine: AsyncEngine, store: BlobStore, dest: Path, on_table: Any = None) -> dict[str, Any]:
    """Write a backup of the database and the recordings into the empty or new directory ``dest``.

    ``on_table(name)`` is called after each table is dumped, and awaited when it returns an awaitable (tests use it
    to write concurrently).
    """
    await asyncio.to_thread(_prepare_dir, dest)
    async with engine.connect() as conn:
        await _begin_snapshot(conn)
        tables = await _reflect(conn)
        manifest = Manifest(FORMAT, datetime.now(UTC).isoformat(), conn.dialect.name, await _revision(conn, tables))
        keys: list[tuple[str, str]] = []
        for table in tables:
            manifest.tables.append(await _dump_table(conn, table, dest))
            if table.name == RECORDINGS:
                rows = await conn.execute(select(table.c.blob_key, table.c.sha256).order_by(table.c.blob_key))
                keys = [(str(k), str(s)) for k, s in rows]
            if on_table is not None and inspect.isawaitable(waiting := on_table(table.name)):
                await waiting
        await conn.rollback()
    mismatched = []
    for key, recorded_sha in keys:
        try:
            blob = await _copy_blob(store, key, dest)
        except BlobNotFound:
            manifest.missing_blobs.append(key)
            continue
        manifest.blobs.append(blob)
        if blob.sha256 != recorded_sha:
            mismatched.append(key)
    text = json.dumps(asdict(manifest), indent=2)
    await asyncio.to_thread((dest / MANIFEST).write_text, text)
    return _report("backup", dest, manifest, verified=len(manifest.blobs) - len(mismatched), mismatched=mismatched)


def _report(kind: str, where: Path, manifest: Manifest, verified: int, mismatched: list[str]) -> dict[str, Any]:
    return {
        kind: str(where),
        "revision": manifest.revision,
        "tables": {t.name: t.rows for t in manifest.tables},
        "blobs": len(manifest.blobs),
        "blob_bytes": sum(b.size for b in manifest.blobs),
        "blobs_verified": verified,
        "missing_blobs": manifest.missing_blobs,
        "mismatched_blobs": mismatched,
    }


def _verify_files(src: Path, manifest: Manifest) -> None:
    for table in manifest.tables:
        if _sha256_file(src / table.file) != table.sha256:
            raise BackupError(f"{table.file} does not match its sha256 in the manifest")
    for blob in manifest.blobs:
        if _sha256_file(src / blob.file) != blob.sha256:
            raise BackupError(f"{blob.file} does not match its sha256 in the manifest")


async def _insert_rows(conn: AsyncConnection, table: Table, path: Path) -> int:
    types = {c.name: c.type for c in table.columns}
    count = 0
    batch: list[dict[str, Any]] = []
    lines = await asyncio.to_thread(path.read_text, encoding="utf-8")
    for line in lines.splitlines():
        row = json.loads(line)
        batch.append({k: _decode(v, types[k]) for k, v in row.items() if k in types})
        if len(batch) >= _BATCH:
            await conn.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        await conn.execute(insert(table), batch)
    return count + len(batch)


async def restore(engine: AsyncEngine, store: BlobStore, src: Path) -> dict[str, Any]:
    """Restore the backup in ``src`` into an empty, migrated database and the blob store; verify every digest."""
    manifest = await asyncio.to_thread(Manifest.load, src / MANIFEST)
    await asyncio.to_thread(_verify_files, src, manifest)
    async with engine.begin() as conn:
        tables = {t.name: t for t in await _reflect(conn)}
        revision = await _revision(conn, list(tables.values()))
        if revision != manifest.revision:
            raise BackupError(f"the database is at revision {revision}, the backup at {manifest.revision}")
        for dump in manifest.tables:
            if dump.name == VERSION_TABLE:
                continue
            table = tables.get(dump.name)
            if table is None:
                raise BackupError(f"the database has no table {dump.name}")
            if await conn.scalar(select(func.count()).select_from(table)):
                raise BackupError(f"table {dump.name} is not empty: restore needs an empty database")
        for dump in manifest.tables:  # the manifest lists tables in foreign-key order
            if dump.name != VERSION_TABLE:
                await _insert_rows(conn, tables[dump.name], src / dump.file)
    mismatched = []
    for blob in manifest.blobs:
        staged = src / f".restore-{hashlib.sha256(blob.key.encode()).hexdigest()[:16]}"
        await asyncio.to_thread(shutil.copyfile, src / blob.file, staged)
        await store.put_file(blob.key, staged, sha256=blob.sha256)
        if (await _stored_sha256(store, blob.key)) != blob.sha256:
            mismatched.append(blob.key)
    return _report("restore", src, manifest, verified=len(manifest.blobs) - len(mismatched), mismatched=mismatched)


async def _stored_sha256(store: BlobStore, key: str) -> str:
    """The digest of what the store now holds, read back in full (not the metadata written with it)."""
    digest = hashlib.sha256()
    async for chunk in store.read_range(key, 0, await store.size(key)):
        digest.update(chunk)
    return digest.hexdigest()
