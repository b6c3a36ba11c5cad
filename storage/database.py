"""Async engine creation with driver selection from plain database URLs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_S = 30.0
"""How long a SQLite write waits for another connection's write to finish before ``database is locked`` (the
driver's default, 5 s, was exceeded with 200 concurrent API users on 2 busy cores: bench.load)."""

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}


def async_url(url: str) -> URL:
    """Return ``url`` with an async driver (``sqlite`` → aiosqlite, ``postgresql`` → asyncpg)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if "+" not in parsed.drivername and backend in _ASYNC_DRIVERS:
        parsed = parsed.set(drivername=_ASYNC_DRIVERS[backend])
    return parsed


def create_engine(url: str) -> AsyncEngine:
    """Create an async engine; SQLite files get their directory created and foreign keys enforced."""
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine.sync_engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_async_engine(parsed, pool_pre_ping=True)


def _enable_sqlite_foreign_keys(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    """Session factory that keeps objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
