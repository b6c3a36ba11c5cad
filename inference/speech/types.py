"""Data types shared by the ASR backends, filler detectors and speech metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Word:
    """A recognised word with its times in seconds of media time."""

    text: str
    start_s: float
    end_s: float
    probability: float = 1.0


@dataclass(frozen=True)
class Utterance:
    """A stretch of speech cut by VAD: 16 kHz mono float32 samples starting at ``start_s`` media time.

    ``partial`` marks a copy of an utterance still being spoken: its transcript is an interim guess.
    """

    start_s: float
    samples: np.ndarray
    partial: bool = False

    @property
    def end_s(self) -> float:
        return self.start_s + len(self.samples) / SAMPLE_RATE


@dataclass(frozen=True)
class Filler:
    """A filler word found in speech. ``confidence`` is the detector's probability (1.0 for ASR rules)."""

    text: str
    start_s: float
    end_s: float
    source: Literal["asr", "acoustic", "both"]
    confidence: float = 1.0


class SpeechAnalyzer(Protocol):
    """Transcribes utterances into timed words. Implementations run inside worker processes."""

    def transcribe(self, utterance: Utterance) -> list[Word]: ...
