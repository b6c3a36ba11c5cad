"""Picklable entry points for running Whisper in a ``ProcessPoolExecutor`` worker.

Usage::

    pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"),
                               initializer=init_asr_worker, initargs=(str(model_dir),))
    words = await loop.run_in_executor(pool, transcribe_in_worker, utterance)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inference.asr.whisper import Device, WhisperSpeechAnalyzer
from inference.orphans import exit_with_parent
from inference.speech.types import Utterance, Word

_ANALYZER: WhisperSpeechAnalyzer | None = None


def init_asr_worker(
    model_dir: Path | str,
    device: Device = "auto",
    compute_type: str = "auto",
    beam_size: int = 1,
    cpu_threads: int = 1,
) -> None:
    """Load the model once per worker process (use as the pool's ``initializer``)."""
    global _ANALYZER
    exit_with_parent()
    _ANALYZER = WhisperSpeechAnalyzer(
        model_dir, device=device, compute_type=compute_type, beam_size=beam_size, cpu_threads=cpu_threads
    )


def _analyzer() -> WhisperSpeechAnalyzer:
    if _ANALYZER is None:
        raise RuntimeError("ASR worker not initialised: pass init_asr_worker as the pool initializer")
    return _ANALYZER


def transcribe_in_worker(utterance: Utterance) -> list[Word]:
    """Transcribe one utterance with the worker's model; returns words in media time."""
    return _analyzer().transcribe(utterance)


def transcribe_samples_in_worker(samples: np.ndarray, offset_s: float = 0.0) -> list[Word]:
    """Transcribe audio of any length (16 kHz mono float32) with the worker's model."""
    return _analyzer().transcribe_samples(samples, offset_s=offset_s)
