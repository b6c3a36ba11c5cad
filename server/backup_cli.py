"""``podium backup DIR`` and ``podium restore DIR``: the configured database and blob store (see storage.backup)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from server.settings import Settings
from storage.backup import MANIFEST, BackupError, Manifest, backup, restore
from storage.database import create_engine
from storage.migrate import upgrade
from storage.s3_blobs import blob_store_for


async def _run(settings: Settings, directory: Path, restoring: bool) -> dict[str, Any]:
    engine = create_engine(settings.resolved_database_url)
    store = blob_store_for(settings.blob_url, settings.resolved_blob_dir)
    try:
        if restoring:
            return await restore(engine, store, directory)
        return await backup(engine, store, directory)
    finally:
        await engine.dispose()


def run(directory: Path, restoring: bool) -> int:
    """Back up into (or restore from) ``directory``; print the JSON report. Exit 1 when a digest does not match."""
    settings = Settings()
    try:
        if restoring:  # an empty database gets the schema of the backup's revision first
            upgrade(settings.resolved_database_url, Manifest.load(directory / MANIFEST).revision or "head")
        report = asyncio.run(_run(settings, directory, restoring))
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2))
    return 1 if report["mismatched_blobs"] or report["missing_blobs"] else 0
