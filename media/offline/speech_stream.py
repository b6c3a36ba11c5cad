"""The speech stages of post-hoc analysis over streamed audio, window by window, in bounded memory.

:class:`VoiceStream` is :func:`media.offline.speech.analyze_voice` fed piece by piece (the same 1 s pushes at the
same media times, so the same frames). :func:`stream_speech` cuts the decoded audio into overlapping windows
(:mod:`media.offline.audio_windows`), runs the voice analyser on each window's new audio, then the ASR and the
acoustic filler detector on the window, and keeps the words and events the window owns. Only one window of
audio (plus one decoded piece) is held at a time; what grows with the duration are the per-frame voice
measures (30 ms frames) and the words.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inference.speech.types import SAMPLE_RATE, Filler, Word
from inference.voice.analyzer import VoiceAnalyzer
from inference.voice.types import Pause, VoiceFrame
from media.offline.audio_windows import AudioWindow, WindowPlan, audio_windows
from media.offline.speech import SpeechOptions, VoiceTrack, recover_dropped_speech, speech_seconds

PUSH_SAMPLES = SAMPLE_RATE
"""The voice analyser gets audio in 1 s pushes, as :func:`media.offline.speech.analyze_voice` does."""

Transcribe = Callable[[AudioWindow, VoiceTrack], list[Word]]
"""Words of one window (media time), given the voice measures of that window."""
Detect = Callable[[AudioWindow], list[Filler]]
"""Acoustic filler events of one window (media time)."""


class VoiceStream:
    """A voice analyser over consecutive float32 pieces; keeps every frame and silence found so far."""

    def __init__(self, options: SpeechOptions | None = None) -> None:
        options = options or SpeechOptions()
        self._analyzer = VoiceAnalyzer(vad_mode=options.vad_mode, min_pause_s=options.min_pause_s, max_utterance_s=30.0)
        self._pending = np.zeros(0, np.int16)
        self._pushed = 0
        self.frames: list[VoiceFrame] = []
        self._frame_t: list[float] = []
        self.silences: list[Pause] = []
        self._finished = False

    def push(self, samples: np.ndarray) -> None:
        """Analyse the next samples (float32, continuing where the last push ended), converted 1 s at a time."""
        audio = np.asarray(samples, np.float32).reshape(-1)
        for start in range(0, len(audio), PUSH_SAMPLES):
            block = np.clip(audio[start : start + PUSH_SAMPLES], -1.0, 1.0) * 32767.0
            pending = np.concatenate([self._pending, block.astype(np.int16)])
            if len(pending) >= PUSH_SAMPLES:
                self._push_block(pending[:PUSH_SAMPLES])
                pending = pending[PUSH_SAMPLES:]
            self._pending = pending

    def finish(self) -> VoiceTrack:
        """Analyse what is left and return the whole track (again, when called again)."""
        if self._finished:
            return VoiceTrack(tuple(self.frames), tuple(self.silences))
        self._finished = True
        if len(self._pending):
            self._push_block(self._pending)
            self._pending = np.zeros(0, np.int16)
        self._analyzer.flush()
        self.silences.extend(self._analyzer.pop_pauses())
        return VoiceTrack(tuple(self.frames), tuple(self.silences))

    def between(self, start_s: float, end_s: float) -> VoiceTrack:
        """The frames starting in ``[start_s, end_s)`` and the silences overlapping it."""
        lo, hi = bisect.bisect_left(self._frame_t, start_s), bisect.bisect_left(self._frame_t, end_s)
        silences = tuple(p for p in self.silences if p.end_s > start_s and p.start_s < end_s)
        return VoiceTrack(tuple(self.frames[lo:hi]), silences)

    def _push_block(self, block: np.ndarray) -> None:
        frames = self._analyzer.push(block, self._pushed / SAMPLE_RATE)
        self._pushed += len(block)
        self.frames.extend(frames)
        self._frame_t.extend(f.t_s for f in frames)
        self.silences.extend(self._analyzer.pop_pauses())
        self._analyzer.pop_utterances()


@dataclass
class StageClock:
    """Seconds spent per stage, summed over windows."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def measure(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started

    def timed(self, stage: str, pieces: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """``pieces`` with the time spent producing them (decoding) charged to ``stage``."""
        iterator = iter(pieces)
        while True:
            with self.measure(stage):
                piece = next(iterator, None)
            if piece is None:
                return
            yield piece


@dataclass(frozen=True)
class StreamedSpeech:
    words: list[Word]
    acoustic: list[Filler] | None
    """None when no detector ran."""
    voice: VoiceTrack
    samples: int
    """Audio samples seen (the decoded duration × 16 kHz)."""


@dataclass(frozen=True)
class SpeechStages:
    """What :func:`stream_speech` runs per window; ``detect`` None skips the acoustic filler detector."""

    transcribe: Transcribe
    detect: Detect | None = None
    on_window: Callable[[AudioWindow], None] | None = None
    """Called after each window (progress)."""


def stream_speech(
    pieces: Iterable[np.ndarray],
    stages: SpeechStages,
    plan: WindowPlan | None = None,
    options: SpeechOptions | None = None,
    clock: StageClock | None = None,
) -> StreamedSpeech:
    """Voice measures, words and acoustic fillers of the streamed audio ``pieces`` (sample 0 at media time 0)."""
    plan = plan or WindowPlan()
    clock = clock or StageClock()
    voice = VoiceStream(options)
    words: list[Word] = []
    acoustic: list[Filler] | None = [] if stages.detect is not None else None
    samples = 0
    for window in audio_windows(clock.timed("decode_audio", pieces), plan):
        with clock.measure("voice"):
            voice.push(window.samples[window.new_from :])
            if window.is_last:
                voice.finish()
        samples = round(window.start_s * SAMPLE_RATE) + len(window.samples)
        window_voice = voice.between(window.start_s, window.end_s)
        with clock.measure("transcribe"):
            words += [w for w in stages.transcribe(window, window_voice) if window.owns(w.start_s, w.end_s)]
        if stages.detect is not None and acoustic is not None:
            with clock.measure("acoustic_fillers"):
                acoustic += [f for f in stages.detect(window) if window.owns(f.start_s, f.end_s)]
        if stages.on_window is not None:
            stages.on_window(window)
    with clock.measure("voice"):
        track = voice.finish()
    return StreamedSpeech(sorted(words, key=lambda w: w.start_s), acoustic, track, samples)


def shifted_voice(voice: VoiceTrack, by_s: float) -> VoiceTrack:
    """``voice`` with every time moved by ``by_s`` seconds."""
    frames = tuple(VoiceFrame(f.t_s + by_s, f.is_speech, f.dbfs, f.f0_hz) for f in voice.frames)
    return VoiceTrack(frames, tuple(Pause(p.start_s + by_s, p.end_s + by_s) for p in voice.silences))


def shifted_words(words: Iterable[Word], by_s: float) -> list[Word]:
    """``words`` with their times moved by ``by_s`` seconds (kept to the millisecond)."""
    return [Word(w.text, round(w.start_s + by_s, 3), round(w.end_s + by_s, 3), w.probability) for w in words]


def whisper_transcriber(whisper: Any, min_speech_s: float) -> Transcribe:
    """A :data:`Transcribe` running Whisper over a window with at least ``min_speech_s`` of VAD speech, then
    re-decoding the holes of its transcript (:func:`~media.offline.speech.recover_dropped_speech`), both in the
    window's own time (sample 0 at 0 s, as for a whole file) and moved to media time after."""

    def transcribe(window: AudioWindow, voice: VoiceTrack) -> list[Word]:
        if speech_seconds(voice) < min_speech_s:
            return []
        local = whisper.transcribe_samples(window.samples)
        local_voice = shifted_voice(voice, -window.start_s) if window.start_s else voice
        local = recover_dropped_speech(whisper.decode_stretch, window.samples, local, local_voice)
        return shifted_words(local, window.start_s) if window.start_s else list(local)

    return transcribe


ACOUSTIC_PARTS = WindowPlan(window_s=30.0, overlap_s=2.0)
"""The acoustic filler detector runs on all model windows of its input at once (memory grows with the input,
≈ MBs per second of audio): a window is given to it in 30 s parts, each keeping the events it owns."""


def acoustic_detector(detector: Any, parts: WindowPlan = ACOUSTIC_PARTS) -> Detect:
    """A :data:`Detect` running the acoustic filler detector over a window, part by part."""

    def detect(window: AudioWindow) -> list[Filler]:
        found: list[Filler] = []
        for part in audio_windows([window.samples], parts):
            offset = window.start_s + part.start_s
            events = detector.detect(np.ascontiguousarray(part.samples, dtype=np.float32), offset_s=offset)
            found += [f for f in events if part.owns(f.start_s - window.start_s, f.end_s - window.start_s)]
        return found

    return detect
