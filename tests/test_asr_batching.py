"""Which waiting Whisper passes of several sessions run as one batched call: deadline order, batch size bounds,
alike windows only, a final never waits for partners, fairness and no starvation (pure state, plain values)."""

from __future__ import annotations

import itertools

from inference.asr.scheduling import PassRequest, PassScheduler, SchedulerConfig


def keys(batch: list[PassRequest]) -> list[object]:
    return [r.key for r in batch]


def test_a_batch_takes_the_earliest_deadlines_in_order_up_to_max_batch() -> None:
    s = PassScheduler(SchedulerConfig(max_batch=4, final_deadline_s=0.3, interim_deadline_s=0.6))
    for i, k in enumerate("abcdef"):
        s.request(k, final=False, now=i * 0.01, audio_s=2.0)
    s.request("g", final=True, now=0.05, audio_s=3.0)  # due 0.35: before every interim
    first = s.pick_batch(now=0.1)
    assert keys(first) == ["g", "a", "b", "c"]
    assert keys(s.pick_batch(now=0.1)) == ["d", "e", "f"]
    assert s.pick_batch(now=0.1) == [] and s.served == 7


def test_a_lone_final_runs_at_once_and_max_batch_one_is_a_plain_pick() -> None:
    s = PassScheduler(SchedulerConfig(max_batch=8))
    s.request("a", final=True, now=0.0, audio_s=1.0)
    assert keys(s.pick_batch(now=0.0)) == ["a"]  # nothing else waits: no waiting for partners
    single = PassScheduler(SchedulerConfig(max_batch=1))
    for i, k in enumerate("abc"):
        single.request(k, final=False, now=i * 0.1)
    assert [keys(single.pick_batch(now=1.0)) for _ in range(3)] == [["a"], ["b"], ["c"]]


def test_a_late_final_heads_its_batch_and_a_long_window_stays_out() -> None:
    s = PassScheduler(SchedulerConfig(max_batch=4, final_deadline_s=0.3, interim_deadline_s=0.6))
    s.request("i1", final=False, now=0.0, audio_s=1.0)
    s.request("i2", final=False, now=0.0, audio_s=4.5)  # window 5.5 s
    s.request("joined", final=False, now=0.0, audio_s=18.0)  # window 19 s: padding 5 s windows to it costs more
    s.request("late", final=True, now=0.1, audio_s=2.0)
    first = s.pick_batch(now=1.0)
    assert keys(first) == ["late", "i1", "i2"] and first[0].final
    assert s.late_finals == 1
    assert keys(s.pick_batch(now=1.0)) == ["joined"]  # left out, served next: alone


def test_long_windows_batch_with_each_other() -> None:
    s = PassScheduler(SchedulerConfig(max_batch=4))
    s.request("a", final=True, now=0.0, audio_s=12.0)
    s.request("b", final=True, now=0.0, audio_s=2.0)
    s.request("c", final=True, now=0.0, audio_s=10.0)
    assert keys(s.pick_batch(now=0.0)) == ["a", "c"]
    assert s.window_s(40.0) == 30.0 and s.window_s(0.5) == 5.0


def test_sessions_asking_in_turn_are_served_fairly_and_none_starves() -> None:
    """Eight sessions ask again as soon as served (every third pass a final), one of them always with a long
    window that never batches with the others; batches of up to 4 take 0.3 s each. The short ones are served
    equally often, the long one nearly as often, and no request waits longer than its deadline plus the
    starvation bound plus one batch."""
    cfg = SchedulerConfig(max_batch=4, final_deadline_s=0.3, interim_deadline_s=0.6, starve_after_s=1.0)
    s = PassScheduler(cfg)
    audio = {f"s{i}": (16.0 if i == 0 else 1.0 + 0.5 * i) for i in range(8)}
    finals = {
        k: itertools.cycle([False, False, True][i % 3 :] + [False, False, True][: i % 3]) for i, k in enumerate(audio)
    }
    now = 0.0
    for k, a in audio.items():
        s.request(k, final=next(finals[k]), now=now, audio_s=a)
    served = dict.fromkeys(audio, 0)
    worst = 0.0
    for _ in range(60):
        batch = s.pick_batch(now)
        assert 1 <= len(batch) <= 4
        now += 0.3
        for r in batch:
            served[r.key] += 1  # type: ignore[index]
            worst = max(worst, now - r.asked_s)
            s.request(r.key, final=next(finals[r.key]), now=now, audio_s=audio[r.key])  # type: ignore[index]
    short = [n for k, n in served.items() if k != "s0"]
    assert max(short) - min(short) <= 1
    assert served["s0"] >= 0.8 * max(short)  # the long window is served alone, but in its turn
    assert worst <= cfg.interim_deadline_s + cfg.starve_after_s + 0.3 + 1e-9
