"""The node's shared live ASR service: one pass at a time across sessions, finals first, cancellation gives the
turn back, and speech pipelines of several sessions sharing it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from inference.asr.scheduling import SchedulerConfig
from inference.speech.types import Utterance, Word
from media.asr_service import AsrService, asr_service_of
from media.config import MediaConfig
from media.speech_pipeline import SpeechPipeline
from tests.test_speech_pipeline import Harness, utterance


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_one_pass_at_a_time_and_a_waiting_final_goes_before_waiting_interims() -> None:
    clock = Clock()
    service = AsrService(1, SchedulerConfig(final_deadline_s=0.3, interim_deadline_s=0.6), clock=clock)
    order: list[str] = []
    release, entered = asyncio.Event(), asyncio.Event()

    async def session(key: str, final: bool, hold: bool = False) -> None:
        async with service.turn(key, final):
            order.append(key)
            assert service.busy == 1
            if hold:
                entered.set()
                await release.wait()

    first = asyncio.create_task(session("x", False, hold=True))
    await asyncio.wait_for(entered.wait(), 1.0)
    waiting = [asyncio.create_task(session(k, f)) for k, f in (("a", False), ("b", False), ("c", True))]
    await asyncio.sleep(0)
    assert order == ["x"]
    clock.now = 0.1
    release.set()
    await asyncio.gather(first, *waiting)
    assert order == ["x", "c", "a", "b"]
    assert service.busy == 0


async def test_a_cancelled_waiter_gives_its_place_and_a_cancelled_holder_its_slot() -> None:
    service = AsrService(1)
    order: list[str] = []
    gate = asyncio.Event()

    async def session(key: str) -> None:
        async with service.turn(key, False):
            order.append(key)
            await gate.wait()

    holder = asyncio.create_task(session("a"))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(session("b"))
    third = asyncio.create_task(session("c"))
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    holder.cancel()
    await asyncio.gather(holder, return_exceptions=True)
    gate.set()
    await asyncio.wait_for(third, 1.0)
    assert order == ["a", "c"] and service.busy == 0 and len(service.scheduler) == 0


def test_the_service_is_found_through_the_workers_transcribe() -> None:
    class Workers:
        def __init__(self) -> None:
            self.asr = AsrService()

        async def transcribe(self, utterance: Utterance) -> list[Word]:
            return []

    workers = Workers()
    assert asr_service_of(workers.transcribe) is workers.asr
    assert asr_service_of(lambda u: u) is None


async def test_sessions_sharing_the_service_take_turns_and_a_final_is_not_held_behind_interims() -> None:
    service = AsrService(1, SchedulerConfig(adaptive=False))
    config = MediaConfig(speech_interim_step_s=0.3, speech_interim_min_s=0.8, speech_commit_after_s=0.5)
    harnesses = [Harness(config) for _ in range(3)]
    running, peak, order = [0], [0], list[int]()
    for i, h in enumerate(harnesses):
        h.pipeline = SpeechPipeline(config, counted(h, i, running, peak, order), h.emit, h.stats, service=service)
    tasks = [asyncio.create_task(h.pipeline.run(h.source)) for h in harnesses]
    try:
        harnesses[0].asr.gate.clear()
        harnesses[0].source.open = utterance(0.0, 1.0)
        harnesses[0].pipeline.offer(harnesses[0].source)
        await asyncio.wait_for(harnesses[0].asr.started.wait(), 2.0)
        for h in harnesses[1:]:
            h.source.open = utterance(0.0, 1.2)
            h.pipeline.offer(h.source)
        await asyncio.sleep(0)
        # Session 2's utterance ends while everyone waits: its final pass goes before session 1's interim.
        last = harnesses[2]
        last.source.open, last.source.finished = None, [utterance(0.0, 2.0)]
        last.pipeline.offer(last.source)
        harnesses[0].asr.gate.set()
        final = await last.next_message()
        assert final.final and last.asr.calls == [2.0]
        while not harnesses[1].messages:
            await harnesses[1].next_message()
        assert harnesses[1].asr.calls == [1.2]
        assert order[:3] == [0, 2, 1] and peak[0] == 1
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    assert len(service.scheduler) == 0 and service.scheduler.active(1e9) == 0


def counted(
    h: Harness, index: int, running: list[int], peak: list[int], order: list[int]
) -> Callable[[Utterance], Awaitable[list[Word]]]:
    """``h``'s fake ASR, recording call order and how many calls run at once."""

    async def call(utt: Utterance) -> list[Word]:
        order.append(index)
        running[0] += 1
        peak[0] = max(peak[0], running[0])
        try:
            return await h.asr(utt)
        finally:
            running[0] -= 1

    return call


class FakeBatch:
    """A batched worker call: one word per utterance naming its start; can be held back or fail."""

    def __init__(self, service: AsrService | None = None) -> None:
        self.calls: list[list[float]] = []
        self.busy_during: list[int] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.started = asyncio.Event()
        self.error: Exception | None = None
        self.service = service

    async def __call__(self, utterances: list[Utterance]) -> list[list[Word]]:
        self.calls.append([u.start_s for u in utterances])
        if self.service is not None:
            self.busy_during.append(self.service.busy)
        self.started.set()
        await self.gate.wait()
        if self.error is not None:
            raise self.error
        return [[Word(f"w{u.start_s:g}", u.start_s, u.end_s)] for u in utterances]


async def alone(utt: Utterance) -> list[Word]:
    return [Word("alone", utt.start_s, utt.end_s)]


def batching_service(max_batch: int = 4) -> tuple[AsrService, FakeBatch]:
    fake = FakeBatch()
    service = AsrService(1, SchedulerConfig(max_batch=max_batch, adaptive=False), transcribe_batch=fake)
    fake.service = service
    return service, fake


async def hold_slot(service: AsrService) -> tuple[asyncio.Task[None], asyncio.Event]:
    """A turn that keeps the only slot until the event returned is set (so that others queue up behind it)."""
    release, entered = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with service.turn("holder", False, alone):
            entered.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await asyncio.wait_for(entered.wait(), 2.0)
    return task, release


async def one_pass(service: AsrService, key: str, start_s: float | None) -> list[Word]:
    """``key``'s turn; it hands in a pass starting at ``start_s`` (none when ``None``)."""
    async with service.turn(key, False, alone, audio_s=1.0) as transcribe:
        if start_s is None:
            return []
        return await transcribe(utterance(start_s, 1.0))


async def test_passes_of_sessions_waiting_together_run_as_one_batched_call_each_with_its_own_words() -> None:
    service, fake = batching_service()
    holder, release = await hold_slot(service)
    waiting = [asyncio.create_task(one_pass(service, k, float(i))) for i, k in enumerate("abc")]
    await asyncio.sleep(0)
    assert fake.calls == []
    release.set()
    words = await asyncio.wait_for(asyncio.gather(*waiting), 2.0)
    await holder
    assert [[w.text for w in ws] for ws in words] == [["w0"], ["w1"], ["w2"]]
    assert fake.calls == [[0.0, 1.0, 2.0]] and fake.busy_during == [1]  # one call, holding one slot
    assert (service.batched_calls, service.batched_passes, service.busy) == (1, 3, 0)


async def test_a_member_without_a_pass_or_cancelled_does_not_hold_the_batch_back() -> None:
    service, fake = batching_service()
    holder, release = await hold_slot(service)
    fake.gate.clear()
    a = asyncio.create_task(one_pass(service, "a", 0.0))
    b = asyncio.create_task(one_pass(service, "b", None))  # nothing due when its turn comes
    c = asyncio.create_task(one_pass(service, "c", 2.0))
    await asyncio.sleep(0)
    release.set()
    await asyncio.wait_for(fake.started.wait(), 2.0)
    assert fake.calls == [[0.0, 2.0]]
    c.cancel()  # its session ends while the batch runs: only its own words are lost
    fake.gate.set()
    assert [w.text for w in await asyncio.wait_for(a, 2.0)] == ["w0"]
    assert await b == []
    await asyncio.gather(c, holder, return_exceptions=True)
    assert service.busy == 0 and len(service.scheduler) == 0
    assert [w.text for w in await asyncio.wait_for(one_pass(service, "d", 5.0), 2.0)] == ["alone"]


async def test_a_lone_turn_runs_its_own_transcribe_and_a_failing_batch_fails_each_member() -> None:
    service, fake = batching_service()
    assert [w.text for w in await one_pass(service, "a", 0.0)] == ["alone"] and fake.calls == []
    holder, release = await hold_slot(service)
    fake.error = RuntimeError("worker died")
    waiting = [asyncio.create_task(one_pass(service, k, float(i))) for i, k in enumerate("ab")]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 2.0)
    await holder
    assert [str(r) for r in results] == ["worker died", "worker died"]
    assert service.busy == 0


async def test_closing_the_service_fails_a_running_batch_with_an_error_not_a_cancellation() -> None:
    service, fake = batching_service()
    holder, release = await hold_slot(service)
    fake.gate.clear()
    waiting = [asyncio.create_task(one_pass(service, k, float(i))) for i, k in enumerate("ab")]
    await asyncio.sleep(0)
    release.set()
    await asyncio.wait_for(fake.started.wait(), 2.0)
    service.close()
    results = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 2.0)
    await holder
    assert all(isinstance(r, RuntimeError) for r in results) and service.busy == 0


async def test_max_batch_bounds_the_batch_and_the_rest_runs_next() -> None:
    service, fake = batching_service(max_batch=2)
    holder, release = await hold_slot(service)
    waiting = [asyncio.create_task(one_pass(service, k, float(i))) for i, k in enumerate("abcde")]
    await asyncio.sleep(0)
    release.set()
    await asyncio.wait_for(asyncio.gather(*waiting), 2.0)
    await holder
    assert [len(c) for c in fake.calls] == [2, 2]  # the fifth ran alone, through its own transcribe
    assert sorted(t for c in fake.calls for t in c) == [0.0, 1.0, 2.0, 3.0]


async def test_sessions_asking_again_at_once_share_every_batch_instead_of_alternating() -> None:
    """With one slot, the sessions whose batch just ended ask again before the slot is granted anew: each round
    is one call for all three, not one session alone and then the others."""
    service, fake = batching_service()
    heard: dict[str, list[str]] = {k: [] for k in "abc"}

    async def session(key: str, start_s: float) -> None:
        for i in range(5):
            async with service.turn(key, False, alone, audio_s=1.0) as transcribe:
                heard[key] += [w.text for w in await transcribe(utterance(start_s + i, 1.0))]

    await asyncio.wait_for(asyncio.gather(*(session(k, 10.0 * n) for n, k in enumerate("abc"))), 5.0)
    assert [len(c) for c in fake.calls] == [3, 3, 3, 3, 2] and service.busy == 0  # then "a" is done
    assert heard["a"] == ["alone", "w1", "w2", "w3", "w4"]  # the first asked when the slot was free: alone
    assert heard["b"] == ["w10", "w11", "w12", "w13", "w14"] and heard["c"][-1] == "w24"


async def test_speech_pipelines_of_three_sessions_share_a_batched_call_and_each_publishes_its_own_words() -> None:
    config = MediaConfig(speech_interim_step_s=0.3, speech_interim_min_s=0.8, speech_commit_after_s=0.5)
    harnesses = [Harness(config) for _ in range(3)]
    owner = {100.0 * i: h for i, h in enumerate(harnesses)}  # each session's audio starts at its own media time
    batches: list[int] = []

    async def batch(utterances: list[Utterance]) -> list[list[Word]]:
        batches.append(len(utterances))
        return list(await asyncio.gather(*(owner[u.start_s].asr(u) for u in utterances)))

    service = AsrService(1, SchedulerConfig(max_batch=4, adaptive=False), transcribe_batch=batch)
    for h in harnesses:
        h.pipeline = SpeechPipeline(config, never_alone, h.emit, h.stats, service=service)
    tasks = [asyncio.create_task(h.pipeline.run(h.source)) for h in harnesses]
    try:
        holder, release = await hold_slot(service)  # all three utterances end while another pass runs
        for start, h in owner.items():
            h.source.finished = [utterance(start, 0.8 + 0.4 * (start // 100))]  # 2, 3 and 4 words
            h.pipeline.offer(h.source)
        await asyncio.sleep(0)
        release.set()
        for h in harnesses:
            while not h.messages:
                await h.next_message()
        await holder
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    assert batches == [3] and service.batched_passes == 3
    script = ["good", "morning", "everyone", "and"]
    assert [h.committed() for h in harnesses] == [script[:2], script[:3], script]
    assert all(h.messages[-1].final for h in harnesses)
    for start, h in owner.items():
        assert all(start <= w[1] < start + 2.0 for m in h.messages for w in m.words)  # its own words only


async def never_alone(utt: Utterance) -> list[Word]:
    """A session's own ASR, which a pass granted alone would call (these passes must go into the batch)."""
    raise AssertionError("a pass ran alone although three sessions waited together")
