from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.database import create_engine
from storage.models import Base


def _diff_and_tables(url: str) -> tuple[list[object], set[str]]:
    async def run() -> tuple[list[object], set[str]]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:

                def inspect_sync(sync_conn):  # type: ignore[no-untyped-def]
                    context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                    return compare_metadata(context, Base.metadata), set(inspect(sync_conn).get_table_names())

                return await conn.run_sync(inspect_sync)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_migrations_match_models(database_url: str) -> None:
    diff, tables = _diff_and_tables(database_url)
    assert diff == []
    assert {"users", "practice_sessions", "recordings", "analysis_reports", "coach_notes", "shares"} <= tables
    assert "alembic_version" in tables
