"""One session's live speech: finished and in-progress utterances to the shared ASR worker, words to messages."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

from inference.asr.loops import without_repeats
from inference.speech.backlog import backlog_seconds, batch_size, join_utterances, split_words
from inference.speech.live_tracker import LiveSpeechTracker
from inference.speech.streaming import StreamingTranscript, StreamStep
from inference.speech.types import Utterance, Word
from media import metrics
from media.asr_service import AsrService, asr_service_of
from media.config import MediaConfig
from media.feedback import Feedback, speech_feedback
from media.stats import SessionStats

log = logging.getLogger(__name__)

Transcribe = Callable[[Utterance], Awaitable[list[Word]]]


class UtteranceSource(Protocol):
    """What the pipeline reads from the audio analysis (:class:`~inference.voice.analyzer.VoiceAnalyzer`)."""

    def pop_utterances(self) -> list[Utterance]: ...

    def open_utterance(self) -> Utterance | None: ...

    @property
    def open_utterance_s(self) -> float: ...


class SpeechPipeline:
    """Feeds the ASR worker one call at a time and turns its transcripts into ``speech`` messages.

    Finished utterances go first, several at once when they have queued up behind a busy worker (one pass for up
    to ``config.speech_join_max_s`` of their audio, words mapped back to each; a late word still arrives), and at
    most ``config.speech_backlog_max_s`` of audio waits (the oldest beyond is dropped and counted); otherwise the
    utterance still being spoken is sent again once it has grown by ``config.speech_interim_step_s``, always with
    its newest audio, so a slow worker means fewer interim passes, never a backlog of them. A finished utterance
    that an interim pass already heard past its end (one split at the maximum length while being spoken) needs no
    final pass of its own. Words are committed by :class:`~inference.speech.streaming.StreamingTranscript` and
    sent once.

    When ``transcribe`` belongs to workers with a shared :class:`~media.asr_service.AsrService` (or ``service`` is
    given), every pass first waits for its turn among all sessions and is built when the turn comes, and the
    interim step is the service's (longer while more sessions speak). The pass runs through the transcribe
    function the turn yields: this session's own, or that of a batch of several sessions' passes run as one call.
    """

    def __init__(
        self,
        config: MediaConfig,
        transcribe: Transcribe,
        emit: Callable[[Feedback], None],
        stats: SessionStats,
        service: AsrService | None = None,
    ) -> None:
        self._config = config
        self._transcribe = transcribe
        self._service = service or asr_service_of(transcribe)
        self._emit = emit
        self._stats = stats
        self._finished: deque[Utterance] = deque()
        self._ready = asyncio.Event()
        self._stream = StreamingTranscript(config.speech_commit_after_s)
        self._tracker = LiveSpeechTracker()
        self._interim_s = 0.0
        self._last_tail = ""
        self._retried: set[tuple[float, float]] = set()

    def offer(self, voice: UtteranceSource) -> None:
        """Take ``voice``'s finished utterances and wake the worker loop when there is something to transcribe."""
        finished = voice.pop_utterances()
        self._finished.extend(finished)
        while len(self._finished) > 1 and backlog_seconds(self._finished) > self._config.speech_backlog_max_s:
            self._finished.popleft()
            self._stats.utterances_dropped += 1
        self._stats.utterances += len(finished)
        if finished and self._service is not None:
            self._service.promote(self)
        if finished or self._interim_due(voice):
            self._ready.set()

    async def run(self, voice: UtteranceSource) -> None:
        """The worker loop (owned and cancelled by the session)."""
        try:
            while True:
                self._publish_heard_finals()
                if not self._finished and not self._interim_due(voice):
                    self._ready.clear()
                    await self._ready.wait()
                    continue
                async with self._turn(bool(self._finished), self._expected_audio_s(voice)) as transcribe:
                    await self._pass(voice, transcribe)
        finally:
            if self._service is not None:
                self._service.forget(self)

    @contextlib.asynccontextmanager
    async def _turn(self, final: bool, audio_s: float) -> AsyncIterator[Transcribe]:
        if self._service is None:
            yield self._transcribe
            return
        async with self._service.turn(self, final, self._transcribe, audio_s) as transcribe:
            yield transcribe

    def _expected_audio_s(self, voice: UtteranceSource) -> float:
        """About how much audio the next pass carries (which passes of other sessions it batches well with)."""
        if not self._finished:
            return voice.open_utterance_s
        join_max_s = self._config.speech_join_max_s
        count = batch_size(self._finished, join_max_s) if join_max_s else 1
        return backlog_seconds(list(itertools.islice(self._finished, count)))

    async def _pass(self, voice: UtteranceSource, transcribe: Transcribe) -> None:
        """One pass, built now: the oldest finished utterance, else the open one with its newest audio."""
        self._publish_heard_finals()
        job = self._next_job(voice)
        if job is None:
            return
        utterances, final = job
        if len(utterances) > 1:
            await self._joined_pass(utterances, transcribe)
            return
        utterance = utterances[0]
        started = time.monotonic()
        try:
            words = await transcribe(utterance)
        except Exception:
            self._failed(utterances if final else [])
            return
        metrics.ASR_SECONDS.labels("final" if final else "interim").observe(time.monotonic() - started)
        if final:
            self._publish(utterance, self._stream.final(utterance.start_s, words, utterance.end_s))
        else:
            self._stats.interim_transcripts += 1
            self._publish(utterance, self._stream.interim(utterance.start_s, words, utterance.end_s))

    async def _joined_pass(self, utterances: list[Utterance], transcribe: Transcribe) -> None:
        """One final pass over several finished utterances, each one's words published as its own final."""
        joined = join_utterances(utterances)
        started = time.monotonic()
        try:
            words = await transcribe(joined.utterance)
        except Exception:
            self._failed(utterances)
            return
        metrics.ASR_SECONDS.labels("final").observe(time.monotonic() - started)
        self._stats.finals_joined += len(utterances)
        for utterance, own in zip(joined.originals, split_words(joined, words), strict=True):
            heard = without_repeats(own)  # a run-on loop at the joined audio's end lands in the last part
            self._publish(utterance, self._stream.final(utterance.start_s, heard, utterance.end_s))

    def _failed(self, finished: list[Utterance]) -> None:
        """A pass failed (its worker died, say): the finished utterances it carried go back to the front of the
        queue for one more pass (the worker is replaced by then), so their words still arrive; a second failure
        drops them, counted."""
        self._stats.speech_errors += 1
        if self._stats.speech_errors == 1:
            log.exception("speech recognition failed; the pass's finished utterances are tried once more")
        again = [u for u in finished if (u.start_s, u.end_s) not in self._retried]
        self._stats.utterances_dropped += len(finished) - len(again)
        self._retried.update((u.start_s, u.end_s) for u in again)
        self._finished.extendleft(reversed(again))
        if again:
            self._ready.set()

    def _publish_heard_finals(self) -> None:
        """Finish, without a pass, the oldest finished utterances an interim pass already heard to their end."""
        while self._finished:
            utterance = self._finished[0]
            heard = self._stream.heard_through(utterance.start_s, utterance.end_s)
            if heard is None:
                return
            self._finished.popleft()
            self._interim_s = 0.0
            self._stats.finals_skipped += 1
            self._publish(utterance, self._stream.final(utterance.start_s, heard, utterance.end_s))

    def _interim_due(self, voice: UtteranceSource) -> bool:
        step = self._config.speech_interim_step_s
        if step > 0 and self._service is not None:
            step = self._service.interim_step(step)
        open_s = voice.open_utterance_s
        if step <= 0 or open_s < self._config.speech_interim_min_s:
            return False
        return open_s < self._interim_s or open_s - self._interim_s >= step - 1e-9

    def _next_job(self, voice: UtteranceSource) -> tuple[list[Utterance], bool] | None:
        if self._finished:
            self._interim_s = 0.0
            count = batch_size(self._finished, self._config.speech_join_max_s) if self._config.speech_join_max_s else 1
            return [self._finished.popleft() for _ in range(count)], True
        if not self._interim_due(voice):
            return None
        utterance = voice.open_utterance()
        if utterance is None:
            return None
        self._interim_s = voice.open_utterance_s
        return [utterance], False

    def _publish(self, utterance: Utterance, step: StreamStep) -> None:
        tail = " ".join(w.text.strip() for w in step.tail)
        changed = bool(step.committed) or tail != self._last_tail
        self._last_tail = tail
        if not changed:
            return
        update = self._tracker.add(step.committed, utterance.start_s, utterance.end_s)
        self._emit(speech_feedback(update, interim=tail, final=step.final))
