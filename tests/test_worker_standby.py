"""Standby spares resolved per machine, and a dead pose worker's streams moved to a warm sibling."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from media.config import MediaConfig
from media.standby import AUTO_SPEECH_MIN_MEMORY_BYTES, Standby, resolve_standby
from media.workers import MediaWorkers

GIB = 1024**3


def test_auto_keeps_a_speech_spare_where_memory_allows_and_a_pose_spare_only_for_a_single_pose_worker() -> None:
    assert resolve_standby("auto", 2, 16 * GIB) == Standby(pose=False, speech=True)
    assert resolve_standby("auto", 1, 16 * GIB) == Standby(pose=True, speech=True)
    assert resolve_standby("auto", 2, AUTO_SPEECH_MIN_MEMORY_BYTES - 1) == Standby(pose=False, speech=False)


def test_true_and_false_mean_both_spares_or_none_whatever_the_machine() -> None:
    assert resolve_standby(True, 4, 0) == Standby(pose=True, speech=True)
    assert resolve_standby(False, 1, 64 * GIB) == Standby(pose=False, speech=False)


def test_the_streams_of_a_dead_pose_worker_move_to_the_least_busy_other_ones() -> None:
    pools = [ThreadPoolExecutor(1) for _ in range(3)]
    workers = MediaWorkers(MediaConfig(pose_model_path=None), pose_executors=pools)
    try:
        placed = {f"s{i}": workers._pose_index(f"s{i}") for i in range(6)}
        assert sorted(placed.values()) == [0, 0, 1, 1, 2, 2]
        workers._fail_over(0)
        moved = {s: workers._pose_index(s) for s in placed}
        assert all(index != 0 for index in moved.values())
        assert sorted(moved.values()) == [1, 1, 1, 2, 2, 2], "spread evenly over the others"
        assert all(moved[s] == placed[s] for s in placed if placed[s] != 0), "the others' streams stay"
    finally:
        workers.shutdown()


def test_with_a_single_pose_worker_there_is_nowhere_to_move() -> None:
    workers = MediaWorkers(MediaConfig(pose_model_path=None), pose_executors=[ThreadPoolExecutor(1)])
    try:
        workers._pose_index("a")
        workers._fail_over(0)
        assert workers._pose_index("a") == 0
    finally:
        workers.shutdown()
