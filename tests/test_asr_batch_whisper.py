"""Several sessions' live utterances in one batched Whisper call (real Whisper base, generated speech): the same
words as one call each, in each utterance's own media time, with the single path's guards; and the speech
worker's batch entry point."""

from __future__ import annotations

import dataclasses
import difflib

import numpy as np
import pytest

import media.workers
from inference.asr.whisper import LIVE_FILLER_PROMPT, WhisperSpeechAnalyzer
from inference.assets.whisper_model import prepare_whisper_model
from inference.speech.types import SAMPLE_RATE, Utterance, Word
from tests.generators.speech import as_utterance, speech_clip

SCRIPTS = (
    "So today I want to talk about our quarterly results.",
    "The weather has been really nice this week.",
    "We shipped three features and fixed a lot of bugs.",
)


def texts(words: list[Word]) -> list[str]:
    return [w.text.strip(".,!?;:").lower() for w in words]


@pytest.fixture(scope="module")
def live_asr(tmp_path_factory: pytest.TempPathFactory) -> WhisperSpeechAnalyzer:
    model_dir = prepare_whisper_model(tmp_path_factory.mktemp("models"))
    # as server.live.speech_factory builds it
    return WhisperSpeechAnalyzer(
        model_dir, cpu_threads=2, temperature=(0.0,), initial_prompt=LIVE_FILLER_PROMPT, repetition_penalty=1.1
    )


@pytest.mark.slow
def test_a_batch_hears_each_utterance_as_a_call_of_its_own(live_asr: WhisperSpeechAnalyzer) -> None:
    utterances = [as_utterance(speech_clip(s, seed=i), start_s=7.0 + 20.0 * i) for i, s in enumerate(SCRIPTS)]
    partial = dataclasses.replace(utterances[2], samples=utterances[2].samples[: 2 * SAMPLE_RATE], partial=True)
    silence = Utterance(start_s=90.0, samples=np.zeros(SAMPLE_RATE, np.float32))
    batch = [*utterances, partial, silence]
    batched = live_asr.transcribe_batch(batch)  # digital silence in the batch (Whisper may make words up there)
    single = [live_asr.transcribe(u) for u in batch[:-1]]
    assert len(batched) == len(batch)
    for u, b, s in zip(batch, batched, single, strict=False):
        # padded to the batch's longest window, the encoder's numbers differ a little from a call of its own, and
        # greedy decoding may then pick another word now and then (seen: "nice" batched, "high" alone)
        matcher = difflib.SequenceMatcher(a=texts(b), b=texts(s), autojunk=False)
        assert matcher.ratio() >= 0.85, (texts(b), texts(s))
        for block in matcher.get_matching_blocks():
            for wb, ws in zip(b[block.a : block.a + block.size], s[block.b : block.b + block.size], strict=True):
                assert abs(wb.start_s - ws.start_s) <= 0.15 and abs(wb.end_s - ws.end_s) <= 0.15
        assert all(u.start_s - 0.05 <= w.start_s <= w.end_s <= u.end_s + 1.0 for w in b)  # its own media time
    assert texts(batched[0])[:4] == ["so", "today", "i", "want"]
    full, part = texts(batched[2]), texts(batched[3])
    assert part[:-1] == full[: len(part) - 1]  # the partial's words begin the full one's (its last may be cut)
    assert all(w.start_s >= 90.0 for w in batched[4])


@pytest.mark.slow
def test_the_worker_entry_batches_when_it_can_and_calls_one_by_one_otherwise(
    live_asr: WhisperSpeechAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    class OneByOne:
        def __init__(self) -> None:
            self.calls = 0

        def transcribe(self, utterance: Utterance) -> list[Word]:
            self.calls += 1
            return [Word("x", utterance.start_s, utterance.end_s)]

    utterances = [as_utterance(speech_clip(SCRIPTS[1], seed=1), start_s=t) for t in (0.0, 30.0)]
    plain = OneByOne()
    monkeypatch.setattr(media.workers, "_speech", plain)
    assert media.workers.speech_worker_transcribe_batch(utterances) == [
        [Word("x", 0.0, utterances[0].end_s)],
        [Word("x", 30.0, utterances[1].end_s)],
    ]
    assert plain.calls == 2
    monkeypatch.setattr(media.workers, "_speech", live_asr)
    heard = media.workers.speech_worker_transcribe_batch(utterances)
    assert [texts(w)[:2] for w in heard] == [["the", "weather"], ["the", "weather"]]
    assert heard[1][0].start_s >= 30.0
