"""Automatic speech recognition backends (run inside worker processes)."""

from inference.asr.whisper import FILLER_PROMPT, WhisperSpeechAnalyzer, transcribe_file_samples
from inference.asr.worker import init_asr_worker, transcribe_in_worker

__all__ = [
    "FILLER_PROMPT",
    "WhisperSpeechAnalyzer",
    "init_asr_worker",
    "transcribe_file_samples",
    "transcribe_in_worker",
]
