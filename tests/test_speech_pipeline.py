"""The live speech pipeline: interim passes, latest audio over backlog, finished utterances first."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import numpy as np
import pytest
from prometheus_client import REGISTRY

from inference.speech.types import SAMPLE_RATE, Utterance, Word
from media.config import MediaConfig
from media.feedback import Feedback, SpeechFeedback
from media.speech_pipeline import SpeechPipeline
from media.stats import SessionStats

SCRIPT = ["good", "morning", "everyone", "and", "thank", "you", "for", "coming", "today"]
WORD_S = 0.4


def utterance(start_s: float, seconds: float) -> Utterance:
    return Utterance(start_s, np.zeros(round(seconds * SAMPLE_RATE), np.float32))


class FakeSource:
    """Stands in for the voice analyser: an open utterance that grows, and finished ones."""

    def __init__(self) -> None:
        self.open: Utterance | None = None
        self.finished: list[Utterance] = []

    def pop_utterances(self) -> list[Utterance]:
        out, self.finished = self.finished, []
        return out

    def open_utterance(self) -> Utterance | None:
        return self.open

    @property
    def open_utterance_s(self) -> float:
        return 0.0 if self.open is None else len(self.open.samples) / SAMPLE_RATE


class FakeAsr:
    """Hears one script word per 0.4 s of audio (a word once its audio is complete); can be held back or fail."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.started = asyncio.Event()
        self.failures = 0

    async def __call__(self, utt: Utterance) -> list[Word]:
        seconds = len(utt.samples) / SAMPLE_RATE
        self.calls.append(seconds)
        self.started.set()
        await self.gate.wait()
        if self.failures > 0:
            self.failures -= 1
            raise RuntimeError("worker died")
        count = int(seconds / WORD_S + 1e-9)
        return [
            Word(SCRIPT[i % len(SCRIPT)], utt.start_s + i * WORD_S, utt.start_s + (i + 1) * WORD_S - 0.05)
            for i in range(count)
        ]


class Harness:
    def __init__(self, config: MediaConfig) -> None:
        self.source = FakeSource()
        self.asr = FakeAsr()
        self.stats = SessionStats()
        self.messages: list[SpeechFeedback] = []
        self.arrived = asyncio.Event()
        self.pipeline = SpeechPipeline(config, self.asr, self.emit, self.stats)

    def emit(self, msg: Feedback) -> None:
        assert isinstance(msg, SpeechFeedback)
        self.messages.append(msg)
        self.arrived.set()

    async def next_message(self) -> SpeechFeedback:
        self.arrived.clear()
        await asyncio.wait_for(self.arrived.wait(), 2.0)
        return self.messages[-1]

    def committed(self) -> list[str]:
        return [w[0] for m in self.messages for w in m.words]


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness(MediaConfig(speech_interim_step_s=0.3, speech_interim_min_s=0.8, speech_commit_after_s=0.5))
    task = asyncio.create_task(h.pipeline.run(h.source))
    yield h
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_words_arrive_while_the_utterance_is_still_being_spoken(harness: Harness) -> None:
    harness.source.open = utterance(10.0, 2.0)
    harness.pipeline.offer(harness.source)
    msg = await harness.next_message()
    assert not msg.final
    assert [w[0] for w in msg.words] == ["good", "morning", "everyone"]
    assert msg.interim == "and thank"
    assert msg.words[0][1] == pytest.approx(10.0)


async def test_a_busy_worker_gets_the_newest_audio_instead_of_a_backlog(harness: Harness) -> None:
    harness.asr.gate.clear()
    harness.source.open = utterance(0.0, 1.0)
    harness.pipeline.offer(harness.source)
    await asyncio.wait_for(harness.asr.started.wait(), 2.0)
    for seconds in (1.3, 1.6, 1.9, 2.2):
        harness.source.open = utterance(0.0, seconds)
        harness.pipeline.offer(harness.source)
    harness.asr.gate.set()
    await harness.next_message()
    while len(harness.asr.calls) < 2:
        await harness.next_message()
    assert harness.asr.calls[:2] == [1.0, 2.2]


def asr_calls(kind: str) -> float:
    return REGISTRY.get_sample_value("podium_asr_seconds_count", {"kind": kind}) or 0.0


async def test_the_final_transcript_commits_the_rest_once(harness: Harness) -> None:
    calls_before = asr_calls("interim"), asr_calls("final")
    harness.source.open = utterance(0.0, 2.0)
    harness.pipeline.offer(harness.source)
    await harness.next_message()
    harness.source.open = None
    harness.source.finished = [utterance(0.0, 2.4)]
    harness.pipeline.offer(harness.source)
    msg = await harness.next_message()
    assert msg.final and msg.interim == ""
    assert harness.committed() == SCRIPT[:6]
    assert msg.word_count == 6
    assert harness.stats.utterances == 1 and harness.stats.interim_transcripts == 1
    assert (asr_calls("interim") - calls_before[0], asr_calls("final") - calls_before[1]) == (1, 1)


async def test_a_split_already_heard_past_its_end_is_finished_without_another_asr_call(harness: Harness) -> None:
    finals_before = asr_calls("final")
    harness.source.open = utterance(0.0, 2.0)
    harness.pipeline.offer(harness.source)
    first = await harness.next_message()
    assert [w[0] for w in first.words] == ["good", "morning", "everyone"] and first.interim == "and thank"
    harness.source.finished, harness.source.open = [utterance(0.0, 1.6)], None
    harness.pipeline.offer(harness.source)
    msg = await harness.next_message()
    assert msg.final and [w[0] for w in msg.words] == ["and"]
    assert harness.stats.finals_skipped == 1 and asr_calls("final") == finals_before
    assert len(harness.asr.calls) == 1


async def let_the_loop_run() -> None:
    """Yield to the event loop a few times (for asserting that nothing happens)."""
    for _ in range(10):
        await asyncio.sleep(0)


async def test_short_speech_waits_for_enough_audio(harness: Harness) -> None:
    harness.source.open = utterance(0.0, 0.5)
    harness.pipeline.offer(harness.source)
    await let_the_loop_run()
    assert harness.asr.calls == []
    harness.source.open = utterance(0.0, 0.8)
    harness.pipeline.offer(harness.source)
    await harness.next_message()
    assert harness.asr.calls == [0.8]


async def test_queued_finished_utterances_go_first_in_one_joined_pass_and_none_is_dropped() -> None:
    h = Harness(MediaConfig(speech_interim_step_s=0.3))
    h.source.finished = [utterance(0.0, 0.8), utterance(1.0, 1.2), utterance(3.0, 1.6)]
    h.source.open = utterance(5.0, 2.0)
    h.pipeline.offer(h.source)
    assert h.stats.utterances == 3 and h.stats.utterances_dropped == 0
    task = asyncio.create_task(h.pipeline.run(h.source))
    try:
        while len(h.asr.calls) < 2:
            await h.next_message()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert h.asr.calls[:2] == [pytest.approx(0.8 + 0.3 + 1.2 + 0.3 + 1.6), 2.0]
    finals = [m for m in h.messages if m.final]
    assert [m.t_s for m in finals[:3]] == [0.0, 1.0, 3.0]
    assert h.stats.finals_joined == 3
    for msg, (start, end) in zip(finals[:3], [(0.0, 0.8), (1.0, 2.2), (3.0, 4.6)], strict=True):
        assert msg.words and all(start <= s <= e <= end + 1e-6 for _, s, e in msg.words)


async def test_without_joining_the_oldest_is_dropped_beyond_the_backlog_limit() -> None:
    h = Harness(MediaConfig(speech_join_max_s=0.0, speech_backlog_max_s=3.0, speech_interim_step_s=0.3))
    h.source.finished = [utterance(0.0, 0.8), utterance(1.0, 1.2), utterance(3.0, 1.6)]
    h.source.open = utterance(5.0, 2.0)
    h.pipeline.offer(h.source)
    assert h.stats.utterances == 3 and h.stats.utterances_dropped == 1
    task = asyncio.create_task(h.pipeline.run(h.source))
    try:
        while len(h.asr.calls) < 3:
            await h.next_message()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert h.asr.calls[:3] == [1.2, 1.6, 2.0]
    assert [m.final for m in h.messages[:2]] == [True, True]


async def test_interim_passes_can_be_turned_off() -> None:
    h = Harness(MediaConfig(speech_interim_step_s=0.0))
    task = asyncio.create_task(h.pipeline.run(h.source))
    try:
        h.source.open = utterance(0.0, 3.0)
        h.pipeline.offer(h.source)
        await let_the_loop_run()
        assert h.asr.calls == []
        h.source.finished, h.source.open = [utterance(0.0, 3.2)], None
        h.pipeline.offer(h.source)
        msg = await h.next_message()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert h.asr.calls == [3.2] and msg.final and len(msg.words) == 8


async def test_a_failed_final_pass_is_tried_once_more_so_its_words_still_arrive(harness: Harness) -> None:
    harness.asr.failures = 1  # the worker dies during the first pass and is replaced
    harness.source.finished = [utterance(0.0, 1.2)]
    harness.pipeline.offer(harness.source)
    msg = await harness.next_message()
    assert msg.final and msg.t_s == 0.0 and [w[0] for w in msg.words] == ["good", "morning", "everyone"]
    assert harness.asr.calls == [1.2, 1.2]
    assert harness.stats.speech_errors == 1 and harness.stats.utterances_dropped == 0


async def test_a_pass_that_fails_twice_is_dropped_counted_and_the_next_one_still_runs(harness: Harness) -> None:
    harness.asr.failures = 2
    harness.source.finished = [utterance(0.0, 1.2)]
    harness.pipeline.offer(harness.source)
    for _ in range(50):
        if harness.stats.speech_errors == 2:
            break
        await let_the_loop_run()
    harness.source.finished = [utterance(2.0, 0.8)]
    harness.pipeline.offer(harness.source)
    msg = await harness.next_message()
    assert msg.final and msg.t_s == 2.0
    assert harness.stats.speech_errors == 2 and harness.stats.utterances_dropped == 1
    assert harness.asr.calls == [1.2, 1.2, 0.8]
