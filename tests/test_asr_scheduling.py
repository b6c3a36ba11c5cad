"""Scheduling live Whisper passes across sessions: deadlines, late finals first, fairness, no starvation,
an interim cadence that spreads the worker over the sessions speaking."""

from __future__ import annotations

import pytest

from inference.asr.scheduling import PassScheduler, SchedulerConfig


def drain(s: PassScheduler, now: float) -> list[object]:
    out = []
    while (r := s.pick(now)) is not None:
        out.append(r.key)
    return out


def test_earliest_deadline_first_and_a_late_final_before_any_interim() -> None:
    s = PassScheduler(SchedulerConfig(final_deadline_s=0.3, interim_deadline_s=0.6))
    s.request("a", final=False, now=0.0)  # due 0.6
    s.request("b", final=True, now=0.1)  # due 0.4
    s.request("c", final=False, now=0.05)  # due 0.65
    assert drain(s, now=0.2) == ["b", "a", "c"]
    s.request("a", final=False, now=0.0)  # interim due 0.6, earlier than the final's 0.7 …
    s.request("b", final=True, now=0.4)
    assert s.pick(now=0.5) is not None and s.pick(now=0.5) is not None
    # … but once the final is late it goes first whatever the interims' deadlines.
    s.request("a", final=False, now=0.0)
    s.request("b", final=True, now=0.4)
    first = s.pick(now=0.8)
    assert first is not None and first.key == "b" and first.final
    assert s.late_finals == 1


def test_promoting_a_waiting_interim_moves_it_forward_only() -> None:
    s = PassScheduler(SchedulerConfig(final_deadline_s=0.3, interim_deadline_s=0.6))
    s.request("a", final=False, now=0.0)
    s.request("b", final=False, now=0.1)
    s.request("b", final=True, now=0.2)  # a second request only upgrades: due 0.1 + 0.3 = 0.4 < a's 0.6
    picked = s.pick(now=0.2)
    assert picked is not None and (picked.key, picked.final) == ("b", True)
    assert len(s) == 1


def test_sessions_asking_at_the_same_rate_are_served_in_turn() -> None:
    s = PassScheduler()
    keys = ["a", "b", "c", "d"]
    for i, k in enumerate(keys):
        s.request(k, final=False, now=i * 0.01)
    served: list[object] = []
    now = 1.0
    for _ in range(40):
        r = s.pick(now)
        assert r is not None
        served.append(r.key)
        now += 0.15
        s.done(r.key, 0.15, now)
        s.request(r.key, final=False, now=now)
    counts = {k: served.count(k) for k in keys}
    assert set(counts.values()) == {10}
    assert served[:4] == keys and served[4:8] == keys


def test_a_stream_of_finals_from_other_sessions_never_starves_an_interim() -> None:
    s = PassScheduler(SchedulerConfig(final_deadline_s=0.3, interim_deadline_s=0.6, starve_after_s=1.0))
    s.request("slow", final=False, now=0.0)
    now, picks = 0.0, 0
    others = [f"s{i}" for i in range(6)]
    for k in others:
        s.request(k, final=True, now=now)
    while True:
        r = s.pick(now)
        assert r is not None
        picks += 1
        if r.key == "slow":
            break
        now += 0.2
        s.request(r.key, final=True, now=now)  # every other session has a new final at once
        assert picks < 20, "the interim pass starved"
    # Late finals go first until the interim is 0.6 + 1.0 s past asking: 8 or 9 passes of 0.2 s, then it.
    assert 6 <= picks <= 10


def test_fifo_policy_keeps_arrival_order() -> None:
    s = PassScheduler(SchedulerConfig(policy="fifo"))
    s.request("a", final=False, now=0.0)
    s.request("b", final=True, now=5.0)
    assert drain(s, now=10.0) == ["a", "b"]


def test_cancel_and_forget() -> None:
    s = PassScheduler()
    s.request("a", final=False, now=0.0)
    s.cancel("a")
    assert s.pick(0.0) is None
    assert s.active(0.5) == 1
    s.forget("a")
    assert s.active(0.5) == 0


def test_interim_step_grows_with_sessions_speaking_and_the_pass_time() -> None:
    cfg = SchedulerConfig(utilisation=0.75, initial_pass_s=0.15, max_step_s=3.0, active_window_s=2.0)
    s = PassScheduler(cfg)
    s.request("a", final=False, now=0.0)
    assert s.interim_step(0.3, now=0.0) == pytest.approx(0.3)  # 1 × 0.15 / 0.75 = 0.2 < base
    for k in "bcd":
        s.request(k, final=False, now=0.0)
    assert s.interim_step(0.3, now=0.1) == pytest.approx(4 * 0.15 / 0.75)
    for _ in range(50):
        s.done("a", 0.6, now=0.2)  # passes got slower
    assert s.interim_step(0.3, now=0.2) == pytest.approx(3.0)  # capped
    drain(s, now=0.3)
    # nobody spoke in the last 2 s: the step is that of one session with passes of ≈ 0.6 s
    assert s.interim_step(0.3, now=10.0) == pytest.approx(0.6 / 0.75, rel=1e-3)


def test_not_adaptive_keeps_the_base_step() -> None:
    s = PassScheduler(SchedulerConfig(adaptive=False))
    for k in "abcdefgh":
        s.request(k, final=False, now=0.0)
    assert s.interim_step(0.3, now=0.0) == 0.3
    assert PassScheduler().interim_step(0.0, now=0.0) == 0.0
