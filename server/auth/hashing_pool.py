"""Argon2 work on a small dedicated thread pool, so sign-ins cannot starve the default executor.

Unknown accounts are verified against a dummy hash, so a wrong email costs the same time as a wrong password.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from aiohttp import web

from server.auth.passwords import hash_password, verify_password

T = TypeVar("T")

HASHING_THREADS = 2


class HashingPool:
    """The executor and a dummy hash made with the same parameters as real ones."""

    def __init__(self, executor: ThreadPoolExecutor, dummy_hash: str) -> None:
        self.executor = executor
        self.dummy_hash = dummy_hash

    async def run(self, func: Callable[..., T], *args: str) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)


HASHING = web.AppKey("hashing_pool", HashingPool)


async def hashing_ctx(app: web.Application) -> AsyncIterator[None]:
    """``cleanup_ctx``: own the hashing threads; shut them down (waiting for running hashes) at cleanup."""
    executor = ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="podium-argon2")
    try:
        dummy = await asyncio.get_running_loop().run_in_executor(executor, hash_password, "podium-dummy-password")
        app[HASHING] = HashingPool(executor, dummy)
        yield
    finally:
        await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)


async def hash_in_pool(app: web.Application, password: str) -> str:
    return await app[HASHING].run(hash_password, password)


async def verify_in_pool(app: web.Application, password_hash: str | None, password: str) -> bool:
    """Verify ``password``; with no hash (unknown account) do the same work against the dummy hash, return False."""
    pool = app[HASHING]
    valid = await pool.run(verify_password, password_hash or pool.dummy_hash, password)
    return valid and password_hash is not None
