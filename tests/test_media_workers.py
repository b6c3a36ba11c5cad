from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from media.config import MediaConfig
from media.workers import MediaWorkers


def test_streams_stick_to_the_least_busy_pose_worker() -> None:
    pools = [ThreadPoolExecutor(1), ThreadPoolExecutor(1)]
    workers = MediaWorkers(MediaConfig(), pose_executors=pools)
    try:
        a, b, c = (workers._pose_pool(s) for s in ("a", "b", "c"))
        assert a is not b
        assert workers._pose_pool("a") is a
        assert workers._pose_pool("b") is b
        assert c in pools
    finally:
        workers.shutdown()


async def test_released_stream_frees_its_slot() -> None:
    pools = [ThreadPoolExecutor(1), ThreadPoolExecutor(1)]
    workers = MediaWorkers(MediaConfig(), pose_executors=pools)
    try:
        first = workers._pose_pool("a")
        workers._pose_pool("b")
        await workers.release_pose_stream("a")
        assert workers._pose_pool("c") is first
    finally:
        workers.shutdown()


def test_pose_is_disabled_without_a_model() -> None:
    workers = MediaWorkers(MediaConfig(pose_model_path=None))
    assert not workers.pose_enabled
    workers.shutdown()
