"""Offline Whisper ASR (faster-whisper / CTranslate2) producing timed words, fillers kept.

The model is always loaded from a local directory (``podium models`` assembles Whisper base into
``var/models/whisper-base``; point ``model_dir`` at any other CTranslate2 Whisper directory to use a bigger
model). Nothing is ever downloaded: a missing directory is an error, not a hub lookup.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from inference.asr.loops import (
    Loop,
    find_loops,
    find_prompt_echoes,
    looks_like_a_loop,
    loop_free_prefix,
    without_repeats,
)
from inference.speech.lexicon import normalize_token
from inference.speech.types import SAMPLE_RATE, Utterance, Word

Device = Literal["auto", "cpu", "cuda"]

FILLER_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."
"""Initial prompt that makes Whisper transcribe disfluencies ("um", "uh") instead of dropping them."""

LIVE_FILLER_PROMPT = "Um, uh, so, er, hmm."
"""A shorter filler prompt for live utterances: in short encoder windows the long prompt makes Whisper loop on
its own words (7 % of interim passes on generated speech), this one rarely does and keeps as many fillers."""

ProgressCallback = Callable[[float], None]
"""Called with the fraction of audio done, from 0.0 to 1.0."""

FRAMES_PER_S = 100
FULL_WINDOW_S = 30.0


def encoder_window_frames(duration_s: float, min_window_s: float, pad_s: float) -> int:
    """Mel frames the encoder sees for a short utterance: its length plus ``pad_s`` of silence, at least
    ``min_window_s`` (shorter windows make Whisper loop) and at most the model's 30 s."""
    window_s = min(FULL_WINDOW_S, max(min_window_s, duration_s + pad_s))
    return round(window_s * FRAMES_PER_S)


def resolve_device(device: Device) -> Literal["cpu", "cuda"]:
    """``"auto"`` becomes ``"cuda"`` when CTranslate2 sees a CUDA device, else ``"cpu"``."""
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def resolve_compute_type(compute_type: str, device: Literal["cpu", "cuda"]) -> str:
    """``"auto"`` becomes int8 on CPU and float16 on CUDA."""
    if compute_type != "auto":
        return compute_type
    return "float16" if device == "cuda" else "int8"


def check_model_dir(model_dir: Path | str) -> Path:
    """Return ``model_dir`` as a Path if it holds a CTranslate2 model, else raise FileNotFoundError."""
    path = Path(model_dir)
    if not (path / "model.bin").is_file() or not (path / "config.json").is_file():
        raise FileNotFoundError(f"no CTranslate2 Whisper model in {path} (run `podium models` to prepare Whisper base)")
    return path


def _trimmed_model_class() -> type[Any]:
    from faster_whisper import WhisperModel

    class TrimmedWhisperModel(WhisperModel):  # type: ignore[misc]
        """faster-whisper pads every window to 30 s; this encodes only the first ``encode_frames`` mel frames
        when set (CTranslate2 accepts shorter inputs), which costs a fraction of the full window."""

        encode_frames: int | None = None

        def encode(self, features: np.ndarray) -> Any:
            if self.encode_frames is not None and features.shape[-1] > self.encode_frames:
                features = features[..., : self.encode_frames]
            return super().encode(features)

    return TrimmedWhisperModel


class WhisperSpeechAnalyzer:
    """A :class:`~inference.speech.types.SpeechAnalyzer` backed by a local faster-whisper model.

    Loading takes about 0.35 s and ≈350 MB for Whisper base int8. Instances are not thread-safe; use one per
    worker process (see :mod:`inference.asr.worker`).

    Live utterances (:meth:`transcribe`) are encoded in a window fitted to their length
    (``short_window_min_s``, ``short_window_pad_s``; ``short_window_min_s=None`` keeps the 30 s window):
    ≈0.1-0.3 s per call instead of ≈1 s on two CPU cores, with the same words on utterances of a few seconds.
    A transcript that :func:`looks_like_a_loop` is redone in the full window; that of a ``partial`` utterance
    (an interim guess that the next pass replaces) is only cut to its :func:`loop_free_prefix`, at no extra cost.
    """

    def __init__(
        self,
        model_dir: Path | str,
        device: Device = "auto",
        compute_type: str = "auto",
        beam_size: int = 1,
        word_timestamps: bool = True,
        cpu_threads: int = 2,
        language: str | None = "en",
        initial_prompt: str | None = FILLER_PROMPT,
        temperature: tuple[float, ...] = (0.0, 0.2, 0.4),
        short_window_min_s: float | None = 5.0,
        short_window_pad_s: float = 1.0,
        repetition_penalty: float = 1.0,
    ) -> None:
        path = check_model_dir(model_dir)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")

        self.device = resolve_device(device)
        self.compute_type = resolve_compute_type(compute_type, self.device)
        self.model_dir = path
        self.beam_size = beam_size
        self.word_timestamps = word_timestamps
        self.language = language
        self.initial_prompt = initial_prompt
        self.temperature = temperature
        self.short_window_min_s = short_window_min_s
        self.short_window_pad_s = short_window_pad_s
        self.repetition_penalty = repetition_penalty
        self._model = _trimmed_model_class()(
            str(path),
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=cpu_threads,
            local_files_only=True,
        )

    def transcribe(self, utterance: Utterance) -> list[Word]:
        """Words of one utterance (up to 30 s), in media time, encoded in a window fitted to its length."""
        duration = len(utterance.samples) / SAMPLE_RATE
        if self.short_window_min_s is None or duration > FULL_WINDOW_S:
            return self.transcribe_samples(utterance.samples, offset_s=utterance.start_s)
        frames = encoder_window_frames(duration, self.short_window_min_s, self.short_window_pad_s)
        self._model.encode_frames = frames
        try:
            words = self.transcribe_samples(
                utterance.samples, offset_s=utterance.start_s, max_new_tokens=_token_budget(duration)
            )
        finally:
            self._model.encode_frames = None
        if utterance.partial:
            return loop_free_prefix(words)
        if looks_like_a_loop(words, duration):
            return self.transcribe_samples(utterance.samples, offset_s=utterance.start_s)
        return words

    def transcribe_batch(self, utterances: Sequence[Utterance]) -> list[list[Word]]:
        """Words of each of several live utterances (e.g. of different sessions) from one batched encode and
        decode, windows padded to the longest, with the guards of :meth:`transcribe` (see
        :mod:`inference.asr.batch`)."""
        from inference.asr.batch import transcribe_batch

        return transcribe_batch(self, utterances)

    def transcribe_samples(
        self,
        samples: np.ndarray,
        offset_s: float = 0.0,
        progress: ProgressCallback | None = None,
        max_new_tokens: int | None = None,
    ) -> list[Word]:
        """Words of 16 kHz mono float32 audio of any length; times are shifted by ``offset_s``. Without a
        ``max_new_tokens`` bound, runaway repetitions and echoes of the prompt are re-decoded
        (:meth:`repair_loops`).

        Audio longer than Whisper's 30 s window is decoded window by window, each window prompted with the
        filler prompt (as hotwords) instead of the previous text, so fillers survive across the file.
        """
        audio = np.asarray(samples, dtype=np.float32).reshape(-1)
        duration = len(audio) / SAMPLE_RATE
        if duration < 0.05:
            if progress is not None:
                progress(1.0)
            return []
        long_audio = duration > 30.0
        options: dict[str, Any] = {
            "language": self.language,
            "beam_size": self.beam_size,
            "word_timestamps": self.word_timestamps,
            "temperature": list(self.temperature),
            "vad_filter": False,
            "max_new_tokens": max_new_tokens,
            "repetition_penalty": self.repetition_penalty,
        }
        if long_audio:
            options.update(hotwords=self.initial_prompt, condition_on_previous_text=False)
        else:
            options.update(initial_prompt=self.initial_prompt, condition_on_previous_text=False)
        segments, _info = self._model.transcribe(audio, **options)
        words = _segments_to_words(segments, offset_s, duration, progress)
        if max_new_tokens is None:
            words = self.repair_loops(audio, words, offset_s)
        if progress is not None:
            progress(1.0)
        return words

    def repair_loops(self, samples: np.ndarray, words: Sequence[Word], offset_s: float = 0.0) -> list[Word]:
        """``words`` (transcript of ``samples``, times shifted by ``offset_s``) with each run that
        :func:`find_loops` or :func:`find_prompt_echoes` finds replaced by a new transcript of the audio between
        the words around it, decoded without the filler prompt and with sampling fallback; what still repeats
        there is cut to one phrase."""
        audio = np.asarray(samples, dtype=np.float32).reshape(-1)
        runs = _join(find_loops(words) + find_prompt_echoes(words, self.initial_prompt))
        out = list(words)
        for run in reversed(runs):
            lo = words[run.start - 1].end_s if run.start > 0 else offset_s
            hi = words[run.end].start_s if run.end < len(words) else offset_s + len(audio) / SAMPLE_RATE
            first = max(0, round((lo - offset_s) * SAMPLE_RATE))
            last = min(len(audio), round((hi - offset_s) * SAMPLE_RATE))
            redo = without_repeats(self._decode_plain(audio[first:last], offset_s + first / SAMPLE_RATE))
            before = words[run.start - 1] if run.start > 0 else None
            after = words[run.end] if run.end < len(words) else None
            out[run.start : run.end] = _trim_edges(redo, before, after)
        return out

    def _decode_plain(self, audio: np.ndarray, offset_s: float) -> list[Word]:
        return self.decode_stretch(audio, offset_s)

    def decode_stretch(self, audio: np.ndarray, offset_s: float, prompt: str | None = None) -> list[Word]:
        """Words of a short stretch of audio (first sample at ``offset_s``), decoded without the filler prompt
        (``prompt``, e.g. the words heard before it, instead) and with sampling fallback."""
        if len(audio) < 0.3 * SAMPLE_RATE:
            return []
        segments, _info = self._model.transcribe(
            np.asarray(audio, dtype=np.float32),
            language=self.language,
            beam_size=self.beam_size,
            word_timestamps=self.word_timestamps,
            temperature=[0.0, 0.2, 0.4, 0.6],
            vad_filter=False,
            condition_on_previous_text=False,
            repetition_penalty=1.1,
            initial_prompt=prompt,
        )
        return _segments_to_words(segments, offset_s, len(audio) / SAMPLE_RATE, None)


def _trim_edges(redo: list[Word], before: Word | None, after: Word | None) -> list[Word]:
    """``redo`` without a first word repeating ``before`` or a last word repeating ``after`` (the edges of the
    re-decoded audio can clip the words around it)."""
    start = 1 if redo and before is not None and _same_word(redo[0], before) else 0
    end = len(redo) - 1 if len(redo) > start and after is not None and _same_word(redo[-1], after) else len(redo)
    return redo[start:end]


def _same_word(a: Word, b: Word) -> bool:
    return normalize_token(a.text) == normalize_token(b.text)


def _join(runs: Sequence[Loop]) -> list[Loop]:
    """Overlapping runs as one."""
    joined: list[Loop] = []
    for run in sorted(runs, key=lambda r: r.start):
        if joined and run.start <= joined[-1].end:
            end = max(joined[-1].end, run.end)
            joined[-1] = Loop(joined[-1].start, end, end - joined[-1].start)
        else:
            joined.append(run)
    return joined


def _token_budget(duration_s: float) -> int:
    """Enough tokens for very fast speech (≈8 per second of audio) and a few timestamps; stops a runaway loop."""
    return 16 + math.ceil(8 * duration_s)


def _segments_to_words(
    segments: Iterable[Any], offset_s: float, duration: float, progress: ProgressCallback | None
) -> list[Word]:
    words: list[Word] = []
    for segment in segments:
        if segment.words:
            for w in segment.words:
                text = w.word.strip()
                if text:
                    words.append(
                        Word(
                            text=text,
                            start_s=round(offset_s + float(w.start), 3),
                            end_s=round(offset_s + float(w.end), 3),
                            probability=float(w.probability),
                        )
                    )
        else:
            text = segment.text.strip()
            if text:
                words.append(
                    Word(text=text, start_s=offset_s + float(segment.start), end_s=offset_s + float(segment.end))
                )
        if progress is not None and duration > 0:
            progress(min(1.0, float(segment.end) / duration))
    return words


def transcribe_file_samples(
    samples: np.ndarray,
    model_dir: Path | str | None = None,
    *,
    analyzer: WhisperSpeechAnalyzer | None = None,
    progress: ProgressCallback | None = None,
    beam_size: int = 5,
    cpu_threads: int = 2,
) -> list[Word]:
    """Transcribe a whole recording (16 kHz mono float32) post hoc; times start at 0.

    Pass an existing ``analyzer`` to reuse a loaded model, or a ``model_dir`` to load one (defaults to the
    prepared Whisper base). ``progress`` receives the fraction done as decoding advances.
    """
    if analyzer is None:
        from inference.assets.whisper_model import whisper_model_dir

        analyzer = WhisperSpeechAnalyzer(
            model_dir if model_dir is not None else whisper_model_dir(),
            beam_size=beam_size,
            cpu_threads=cpu_threads,
        )
    return analyzer.transcribe_samples(samples, offset_s=0.0, progress=progress)
