"""The ``speech`` section of a report, from 16 kHz audio, ASR words and acoustic filler events.

Pure orchestration of :mod:`inference.voice` (VAD, loudness, pitch, silences, quiet stretches),
:mod:`inference.speech.metrics` (pace, pauses, volume, pitch variety, timeline), :mod:`inference.speech.fillers_rule`
and :mod:`inference.speech.filler_fusion`; the models themselves are run by :mod:`media.offline.analyze`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from inference.asr.align import speech_intervals
from inference.asr.holes import Decode, fill_holes
from inference.speech import coverage, metrics
from inference.speech.coverage import Interval
from inference.speech.filler_fusion import FusionSettings, fuse_fillers, reread_lookalikes
from inference.speech.filler_gate import GateSettings, voice_at_word_boundary
from inference.speech.fillers_rule import find_fillers, find_lexical_fillers
from inference.speech.lexicon import load_lexicon
from inference.speech.types import SAMPLE_RATE, Filler, Word
from inference.speech.voice_metrics import pitch_stats, volume_stats
from inference.voice import presence
from inference.voice.analyzer import VoiceAnalyzer
from inference.voice.quiet import quiet_stretches
from inference.voice.types import FRAME_S, Pause, VoiceFrame

_PUSH_SAMPLES = SAMPLE_RATE


@dataclass(frozen=True)
class SpeechOptions:
    """``timeline_window_s``: length of the timeline windows; ``min_pause_s``: shortest pause reported."""

    timeline_window_s: float = 10.0
    min_pause_s: float = 1.0
    vad_mode: int = 2
    fusion: FusionSettings = field(default_factory=FusionSettings)
    filler_gate: bool = True
    gate: GateSettings = field(default_factory=GateSettings)
    """Keep an acoustic-only filler only when it is a voice at a word boundary (:mod:`inference.speech.filler_gate`)."""


@dataclass(frozen=True)
class VoiceTrack:
    """Per-frame voice measures of a whole recording plus the silences the VAD found."""

    frames: tuple[VoiceFrame, ...]
    silences: tuple[Pause, ...]


def analyze_voice(samples: np.ndarray, options: SpeechOptions = SpeechOptions()) -> VoiceTrack:
    """Run :class:`VoiceAnalyzer` over float32 16 kHz audio (sample 0 at media time 0)."""
    analyzer = VoiceAnalyzer(vad_mode=options.vad_mode, min_pause_s=options.min_pause_s, max_utterance_s=30.0)
    pcm = (np.clip(np.asarray(samples, np.float32), -1.0, 1.0) * 32767.0).astype(np.int16)
    frames: list[VoiceFrame] = []
    silences: list[Pause] = []
    for start in range(0, len(pcm), _PUSH_SAMPLES):
        frames.extend(analyzer.push(pcm[start : start + _PUSH_SAMPLES], start / SAMPLE_RATE))
        silences.extend(analyzer.pop_pauses())
        analyzer.pop_utterances()
    analyzer.flush()
    silences.extend(analyzer.pop_pauses())
    return VoiceTrack(tuple(frames), tuple(silences))


def speech_seconds(voice: VoiceTrack) -> float:
    """Total duration of the frames the VAD called speech."""
    return sum(FRAME_S for f in voice.frames if f.is_speech)


def speech_regions(voice: VoiceTrack) -> list[Interval]:
    """Stretches the VAD calls speech, less those at the recording's own noise floor (steady noise)."""
    if not voice.frames:
        return []
    t_s, dbfs, is_speech, f0 = metrics.frames_to_arrays(voice.frames)
    regions = speech_intervals(is_speech, t_s, fill_gap_s=0.3)
    start_s, end_s = float(t_s[0]), float(t_s[-1]) + FRAME_S
    floor = quiet_stretches(t_s, dbfs, start_s, end_s, min_s=0.5) + presence.voice_absent(t_s, f0, start_s, end_s)
    return coverage.subtract(regions, [(p.start_s, p.end_s) for p in floor])


def transcript_holes(words: Sequence[Word], voice: VoiceTrack, fillers: Sequence[Filler] = ()) -> list[Interval]:
    """Voiced stretches of speech (:func:`speech_regions`) of at least a second that no word or filler lies on,
    and whose voiced frames are not mostly held tones (music)."""
    covered = [(w.start_s, w.end_s) for w in words] + [(f.start_s, f.end_s) for f in fillers]
    holes = coverage.speech_holes(speech_regions(voice), covered)
    if not holes:
        return []
    t_s, _dbfs, _is_speech, f0 = metrics.frames_to_arrays(voice.frames)
    return [
        (a, b)
        for a, b in coverage.voiced_holes(holes, t_s, f0)
        if presence.tonal_ratio(f0, (t_s >= a) & (t_s < b)) <= presence.MAX_TONAL_RATIO
    ]


def recover_dropped_speech(decode: Decode, samples: np.ndarray, words: Sequence[Word], voice: VoiceTrack) -> list[Word]:
    """``words`` without phantom words, with every :func:`transcript_holes` hole re-decoded on its own
    (:func:`~inference.asr.holes.fill_holes`); what stays empty is reported as unrecognised speech later."""
    kept = coverage.drop_phantom_words(words, speech_regions(voice))
    holes = transcript_holes(kept, voice)
    return fill_holes(decode, samples, kept, holes) if holes else kept


def drop_unvoiced_fillers(words: Sequence[Word], voice: VoiceTrack, margin_s: float = 0.2) -> list[Word]:
    """Remove non-lexical filler words with no VAD speech within ``margin_s`` of them.

    Whisper prompted to keep fillers sometimes writes an "Umm..." over silence or a steady tone; a real
    filler is voiced, so the VAD always marks some of its frames as speech.
    """
    lex = load_lexicon()
    speech_t = np.array([f.t_s for f in voice.frames if f.is_speech], dtype=np.float64)
    kept: list[Word] = []
    for w in words:
        if lex.is_non_lexical_filler(w.text):
            lo, hi = np.searchsorted(speech_t, [w.start_s - margin_s - FRAME_S, w.end_s + margin_s])
            if hi <= lo:
                continue
        kept.append(w)
    return kept


def merge_pauses(
    silences: Sequence[Pause],
    gaps: Sequence[Pause],
    talk_start_s: float,
    talk_end_s: float,
    min_pause_s: float,
    quiet: Sequence[Pause] = (),
) -> list[Pause]:
    """Pauses inside the talk: VAD silences (precise edges), then quiet stretches and word gaps the VAD did not see.

    A VAD silence counts when it lies within ``[talk_start_s, talk_end_s]`` (clipped there) and is still at
    least ``min_pause_s`` long. Quiet stretches (:func:`~inference.voice.quiet.quiet_stretches`: steady noise the
    VAD took for speech) and word gaps that overlap no such silence are added, overlapping ones as one pause.
    """
    kept: list[Pause] = []
    for s in silences:
        start, end = max(s.start_s, talk_start_s), min(s.end_s, talk_end_s)
        if end - start >= min_pause_s:
            kept.append(Pause(round(start, 3), round(end, 3)))
    unseen = [g for g in [*quiet, *gaps] if not any(_overlap(g, p) for p in kept)]
    merged: list[Pause] = []
    for g in sorted(unseen, key=lambda p: p.start_s):
        if merged and _overlap(g, merged[-1]):
            merged[-1] = Pause(merged[-1].start_s, max(merged[-1].end_s, g.end_s))
        else:
            merged.append(g)
    kept += [Pause(round(g.start_s, 3), round(g.end_s, 3)) for g in merged]
    return sorted(kept, key=lambda p: p.start_s)


def _voice_absent_pauses(
    sounds: Sequence[Word],
    t_s: np.ndarray,
    dbfs: np.ndarray,
    f0: np.ndarray,
    talk_start: float,
    talk_end: float,
    min_pause_s: float,
) -> list[Pause]:
    """Pauses under a bed (music, babble): stretches with no voice (:func:`~inference.voice.presence.voice_absent`)
    that hold no whole word and are quieter than the talk."""
    absent = presence.voice_absent(t_s, f0, talk_start, talk_end, min_pause_s)
    absent = presence.without_words(absent, [(w.start_s, w.end_s) for w in sounds])
    return presence.below_talk_level(absent, t_s, dbfs, talk_start, talk_end)


def _overlap(a: Pause, b: Pause) -> bool:
    return min(a.end_s, b.end_s) > max(a.start_s, b.start_s)


def _num(value: float | None, ndigits: int = 2) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), ndigits)


def _word_dict(w: Word, filler: bool) -> dict[str, Any]:
    return {
        "text": w.text,
        "start_s": round(w.start_s, 3),
        "end_s": round(w.end_s, 3),
        "probability": round(w.probability, 3),
        "filler": filler,
    }


def _filler_dict(f: Filler) -> dict[str, Any]:
    return {
        "text": f.text,
        "start_s": round(f.start_s, 3),
        "end_s": round(f.end_s, 3),
        "source": f.source,
        "confidence": round(f.confidence, 3),
    }


def build_speech_section(
    words: Sequence[Word],
    acoustic_fillers: Sequence[Filler] | None,
    voice: VoiceTrack,
    duration_s: float,
    options: SpeechOptions = SpeechOptions(),
) -> dict[str, Any]:
    """The ``speech`` report section. ``acoustic_fillers`` is None when the acoustic detector did not run."""
    lex = load_lexicon()
    speech = speech_regions(voice)
    words = drop_unvoiced_fillers(coverage.snap_to_speech(coverage.drop_phantom_words(words, speech), speech), voice)
    words = reread_lookalikes(words, acoustic_fillers or (), lex, options.fusion)
    lexical = metrics.lexical_words(words, lex)
    lexical_ids = {id(w) for w in lexical}
    rule_fillers = find_fillers(words, lex)
    t_s, dbfs, is_speech, f0 = metrics.frames_to_arrays(voice.frames)

    def gate(event: Filler) -> bool:
        return voice_at_word_boundary(event, t_s, f0, lexical, options.gate)

    fillers = fuse_fillers(
        rule_fillers, acoustic_fillers or (), lexical, options.fusion, gate if options.filler_gate else None
    )
    lexical_fillers = find_lexical_fillers(words, lex)
    if lexical:
        talk_start = min(w.start_s for w in lexical)
        talk_end = max(w.end_s for w in lexical)
    else:
        talk_start, talk_end = 0.0, 0.0
    sounds = list(words) + [Word(f.text, f.start_s, f.end_s) for f in fillers]
    unrecognised = transcript_holes(words, voice, fillers)
    gaps = [
        Pause(a, b)
        for p in metrics.word_pauses(sounds, options.min_pause_s)
        if talk_start <= p.start_s < talk_end
        for a, b in coverage.subtract([(p.start_s, p.end_s)], unrecognised)
        if b - a >= options.min_pause_s
    ]
    quiet = quiet_stretches(t_s, dbfs, talk_start, talk_end, options.min_pause_s) + _voice_absent_pauses(
        sounds, t_s, dbfs, f0, talk_start, talk_end, options.min_pause_s
    )
    pauses = merge_pauses(voice.silences, gaps, talk_start, talk_end, options.min_pause_s, quiet)
    volume = volume_stats(dbfs, is_speech) if len(voice.frames) else None
    pitch = pitch_stats(f0, is_speech) if len(voice.frames) else None
    windows = metrics.timeline(words, duration_s, t_s, dbfs, is_speech, f0, options.timeline_window_s, lex)
    filler_stats = metrics.filler_stats(fillers, words, lex)
    pause_stats = metrics.pause_stats(pauses, max(talk_end - talk_start, 0.0))
    return {
        "wpm": _num(coverage.words_per_minute(lexical, unrecognised), 1),
        "word_count": len(lexical),
        "speaking_time_s": _num(talk_end - talk_start),
        "transcript": metrics.transcript(words),
        "words": [_word_dict(w, id(w) not in lexical_ids) for w in words],
        "fillers": [_filler_dict(f) for f in fillers],
        "filler_stats": {
            "count": filler_stats.count,
            "per_minute": _num(filler_stats.per_minute),
            "percent_of_words": _num(filler_stats.percent_of_words),
            "by_text": filler_stats.by_text,
            "by_source": {s: sum(f.source == s for f in fillers) for s in ("asr", "acoustic", "both")},
            "acoustic_detector": acoustic_fillers is not None,
        },
        "lexical_fillers": [
            {"text": f.text, "start_s": round(f.start_s, 3), "end_s": round(f.end_s, 3)} for f in lexical_fillers
        ],
        "hedges": [asdict(h) for h in metrics.find_hedges(words, lex)],
        "repeated_phrases": [
            {"phrase": r.phrase, "count": r.count, "starts_s": list(r.starts_s)}
            for r in metrics.repeated_ngrams(words, lexicon=lex)[:10]
        ],
        "unrecognised_speech": [{"start_s": a, "end_s": b} for a, b in unrecognised],
        "pauses": [{"start_s": p.start_s, "end_s": p.end_s, "duration_s": round(p.duration_s, 3)} for p in pauses],
        "pause_stats": {k: _num(v) if isinstance(v, float) else v for k, v in asdict(pause_stats).items()},
        "long_silences": [{"start_s": p.start_s, "end_s": p.end_s} for p in metrics.long_silences(pauses)],
        "volume_dbfs": _num(volume.level_dbfs, 1) if volume else None,
        "volume": {k: _num(v) if isinstance(v, float) else v for k, v in asdict(volume).items()} if volume else None,
        "pitch_hz": _num(pitch.median_hz, 1) if pitch else None,
        "pitch_variation_st": _num(pitch.variation_st) if pitch else None,
        "monotone": pitch.monotone if pitch else None,
        "speech_ratio": _num(float(np.mean(is_speech)), 3) if len(is_speech) else None,
        "timeline": [
            {
                "start_s": round(w.start_s, 3),
                "end_s": round(w.end_s, 3),
                "word_count": w.word_count,
                "wpm": _num(w.wpm, 1),
                "volume_dbfs": _num(w.volume_dbfs, 1),
                "pitch_hz": _num(w.pitch_hz, 1),
                "pitch_variation_st": _num(w.pitch_variation_st),
                "speech_ratio": _num(w.speech_ratio, 3),
            }
            for w in windows
        ],
    }
