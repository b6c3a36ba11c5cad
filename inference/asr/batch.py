"""Several live utterances (of different sessions) in one batched CTranslate2 Whisper call.

Each utterance's log-Mel features are computed as the single path computes them, zero-padded to the longest
fitted window of the batch (:func:`~inference.asr.whisper.encoder_window_frames`) and encoded together; one
greedy ``generate`` decodes every window, and word timestamps come from one batched cross-attention alignment
(``WhisperModel.add_word_timestamps`` → ``ctranslate2.models.Whisper.align`` on the batch), as faster-whisper's
own ``BatchedInferencePipeline`` produces them. One language serves the whole batch: an analyser that detects it
per utterance, one without fitted windows, a batch of one and audio over 30 s take the single path.

The single path's guards follow: an item whose decode would have needed temperature fallback (too repetitive or
improbable, when the analyser has more than one temperature) is redone alone; one whose decode stopped before its
audio ended has the rest decoded alone (the single path decodes on from there too); a silent window gives no
words; a partial utterance is cut to its :func:`loop_free_prefix`, a final one that :func:`looks_like_a_loop` is
redone in the full 30 s window.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from inference.asr.loops import looks_like_a_loop, loop_free_prefix
from inference.speech.types import SAMPLE_RATE, Utterance, Word

if TYPE_CHECKING:
    from inference.asr.whisper import WhisperSpeechAnalyzer

COMPRESSION_RATIO_MAX = 2.4
LOG_PROB_MIN = -1.0
NO_SPEECH_MIN = 0.6
MAX_INITIAL_TIMESTAMP_S = 1.0
PUNCTUATION_BEFORE = "\"'“¿([{-"
PUNCTUATION_AFTER = "\"'.。,，!！?？:：”)]}、"


@dataclass(frozen=True)
class Decoded:
    """One window's greedy decode: its text tokens' segments and the scores the fallback rules read."""

    segments: list[dict[str, Any]]
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    resume_s: float | None
    """Where the single path would decode on from (it stopped before its audio ended), else ``None``."""


def transcribe_batch(analyzer: WhisperSpeechAnalyzer, utterances: Sequence[Utterance]) -> list[list[Word]]:
    """Words of each utterance (media time), in order; see the module docstring."""
    from inference.asr.whisper import FULL_WINDOW_S

    out: list[list[Word] | None] = [None] * len(utterances)
    batch: list[int] = []
    for i, utterance in enumerate(utterances):
        duration = len(utterance.samples) / SAMPLE_RATE
        alone = analyzer.short_window_min_s is None or analyzer.language is None or len(utterances) == 1
        if alone or duration > FULL_WINDOW_S or duration < 0.05:
            out[i] = analyzer.transcribe(utterance)
        else:
            batch.append(i)
    if batch:
        for i, words in zip(batch, _batched(analyzer, [utterances[i] for i in batch]), strict=True):
            out[i] = words
    return [words if words is not None else [] for words in out]


def _batched(analyzer: WhisperSpeechAnalyzer, utterances: Sequence[Utterance]) -> list[list[Word]]:
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_suppressed_tokens

    from inference.asr.whisper import _token_budget, encoder_window_frames

    model = analyzer._model
    assert analyzer.short_window_min_s is not None
    durations = [len(u.samples) / SAMPLE_RATE for u in utterances]
    frames = max(encoder_window_frames(d, analyzer.short_window_min_s, analyzer.short_window_pad_s) for d in durations)
    features, content = _features(model, utterances, frames)
    tokenizer = Tokenizer(
        model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=analyzer.language
    )
    previous = tokenizer.encode(" " + analyzer.initial_prompt.strip()) if analyzer.initial_prompt else []
    prompt = model.get_prompt(tokenizer, previous)
    encoder_output = model.model.encode(_storage(features), to_cpu=False)
    results = model.model.generate(
        encoder_output,
        [list(prompt) for _ in utterances],
        beam_size=analyzer.beam_size,
        max_length=len(prompt) + max(_token_budget(d) for d in durations),
        return_scores=True,
        return_no_speech_prob=True,
        suppress_blank=True,
        suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
        max_initial_timestamp_index=round(MAX_INITIAL_TIMESTAMP_S / model.time_precision),
        repetition_penalty=analyzer.repetition_penalty,
    )
    decoded = [_decode(model, tokenizer, r, n) for r, n in zip(results, content, strict=True)]
    if analyzer.word_timestamps:
        model.add_word_timestamps(
            [d.segments for d in decoded],
            tokenizer,
            encoder_output,
            content,
            PUNCTUATION_BEFORE,
            PUNCTUATION_AFTER,
            0.0,
        )
    return [_guarded(analyzer, u, d, duration) for u, d, duration in zip(utterances, decoded, durations, strict=True)]


def _features(model: Any, utterances: Sequence[Utterance], frames: int) -> tuple[np.ndarray, list[int]]:
    """The batch's log-Mel windows (``frames`` each, zero-padded as the single path pads) and each one's frames
    of audio."""
    windows, content = [], []
    for utterance in utterances:
        mel = model.feature_extractor(np.asarray(utterance.samples, dtype=np.float32).reshape(-1))
        mel = mel[:, : min(mel.shape[-1] - 1, frames)]
        content.append(int(mel.shape[-1]))
        windows.append(np.pad(mel, ((0, 0), (0, frames - mel.shape[-1]))))
    return np.ascontiguousarray(np.stack(windows), dtype=np.float32), content


def _storage(features: np.ndarray) -> Any:
    import ctranslate2

    return ctranslate2.StorageView.from_array(features)


def _decode(model: Any, tokenizer: Any, result: Any, content_frames: int) -> Decoded:
    tokens = list(result.sequences_ids[0])
    seq_len = len(tokens)
    avg_logprob = result.scores[0] * seq_len / (seq_len + 1)
    text = tokenizer.decode(tokens).strip()
    segments, seek, _single_ending = model._split_segments_by_timestamps(
        tokenizer=tokenizer,
        tokens=tokens,
        time_offset=0.0,
        segment_size=content_frames,
        segment_duration=content_frames / model.frames_per_second,
        seek=0,
    )
    resume_s = seek / model.frames_per_second if seek < content_frames else None
    for s in segments:
        s["seek"] = 0
        s["text"] = tokenizer.decode(s["tokens"])
    return Decoded(segments, float(avg_logprob), float(result.no_speech_prob), _compression_ratio(text), resume_s)


def _compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def _needs_fallback(analyzer: WhisperSpeechAnalyzer, d: Decoded) -> bool:
    """The single path would decode this window again at a higher temperature (it has more than one)."""
    if len(analyzer.temperature) < 2:
        return False
    silent = d.no_speech_prob > NO_SPEECH_MIN and d.avg_logprob < LOG_PROB_MIN
    return not silent and (d.compression_ratio > COMPRESSION_RATIO_MAX or d.avg_logprob < LOG_PROB_MIN)


def _guarded(analyzer: WhisperSpeechAnalyzer, utterance: Utterance, d: Decoded, duration: float) -> list[Word]:
    if _needs_fallback(analyzer, d):
        return analyzer.transcribe(utterance)
    if d.no_speech_prob > NO_SPEECH_MIN and d.avg_logprob <= LOG_PROB_MIN:
        return []
    words = _words(d.segments, utterance.start_s)
    if d.resume_s is not None:
        words += _rest(analyzer, utterance, words, d.resume_s)
    if utterance.partial:
        return loop_free_prefix(words)
    if looks_like_a_loop(words, duration):
        return analyzer.transcribe_samples(utterance.samples, offset_s=utterance.start_s)
    return words


def _rest(analyzer: WhisperSpeechAnalyzer, utterance: Utterance, words: list[Word], resume_s: float) -> list[Word]:
    """Words of the audio after the last word heard (or ``resume_s``), decoded alone as the single path goes on
    decoding from there."""
    start_s = words[-1].end_s if words and words[-1].end_s > utterance.start_s else utterance.start_s + resume_s
    first = round((start_s - utterance.start_s) * SAMPLE_RATE)
    if len(utterance.samples) - first < 0.3 * SAMPLE_RATE:
        return []
    return analyzer.transcribe(Utterance(start_s, utterance.samples[first:], partial=True))


def _words(segments: Sequence[dict[str, Any]], offset_s: float) -> list[Word]:
    words: list[Word] = []
    for segment in segments:
        if segment["start"] == segment["end"]:
            continue
        if "words" not in segment:
            text = str(segment["text"]).strip()
            if text:
                words.append(Word(text, offset_s + float(segment["start"]), offset_s + float(segment["end"])))
            continue
        for w in segment["words"]:
            text = str(w["word"]).strip()
            if text:
                words.append(
                    Word(
                        text=text,
                        start_s=round(offset_s + float(w["start"]), 3),
                        end_s=round(offset_s + float(w["end"]), 3),
                        probability=float(w["probability"]),
                    )
                )
    return words
