"""Speech metrics as pure functions of word lists and per-frame voice arrays.

Conventions: times are seconds of media time; a *filler word* is a non-lexical filler ("um", "uh", …, see
:mod:`inference.speech.lexicon`); lexical fillers ("like", "so") still count as words. Voice arrays are
per 30 ms frame (``dbfs``, ``is_speech``, ``f0_hz`` with NaN when unvoiced), as produced by
:class:`inference.voice.VoiceAnalyzer` or :func:`frames_to_arrays`.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from inference.speech.lexicon import Lexicon, load_lexicon, normalize_token
from inference.speech.types import Filler, Word
from inference.speech.voice_metrics import pitch_stats, volume_stats
from inference.voice.types import Pause, VoiceFrame

MIN_PAUSE_S = 1.0
LONG_SILENCE_S = 3.0
ROLLING_WPM_WINDOW_S = 25.0


def lexical_words(words: Sequence[Word], lexicon: Lexicon | None = None) -> list[Word]:
    """The words that are not non-lexical fillers."""
    lex = lexicon or load_lexicon()
    return [w for w in words if normalize_token(w.text) and not lex.is_non_lexical_filler(w.text)]


def transcript(words: Sequence[Word]) -> str:
    """The words joined with single spaces, as spoken (fillers included)."""
    return " ".join(w.text.strip() for w in words if w.text.strip())


def words_per_minute(words: Sequence[Word], lexicon: Lexicon | None = None) -> float:
    """Non-filler words ÷ minutes from the first non-filler word's start to the last one's end.

    0.0 for fewer than two non-filler words (a rate needs a span).
    """
    lex_words = lexical_words(words, lexicon)
    if len(lex_words) < 2:
        return 0.0
    span = max(w.end_s for w in lex_words) - min(w.start_s for w in lex_words)
    return len(lex_words) * 60.0 / span if span > 0 else 0.0


def rolling_wpm(
    words: Sequence[Word],
    now_s: float,
    window_s: float = ROLLING_WPM_WINDOW_S,
    min_span_s: float = 5.0,
    lexicon: Lexicon | None = None,
) -> float | None:
    """Live speaking rate: non-filler words that ended in the last ``window_s`` ÷ elapsed minutes.

    The span runs from the later of (``now_s - window_s``, the first word's start) to ``now_s``, so silence
    inside the window lowers the rate. ``None`` while less than ``min_span_s`` of talk is available.
    """
    lex_words = lexical_words(words, lexicon)
    if not lex_words:
        return None
    window_start = now_s - window_s
    start = max(window_start, min(w.start_s for w in lex_words))
    span = now_s - start
    if span < min_span_s:
        return None
    count = sum(1 for w in lex_words if window_start <= w.end_s <= now_s)
    return count * 60.0 / span


def word_pauses(words: Sequence[Word], min_pause_s: float = MIN_PAUSE_S) -> list[Pause]:
    """Gaps of at least ``min_pause_s`` between consecutive words (fillers count as sound)."""
    ordered = sorted(words, key=lambda w: w.start_s)
    pauses: list[Pause] = []
    last_end: float | None = None
    for w in ordered:
        if last_end is not None and w.start_s - last_end >= min_pause_s:
            pauses.append(Pause(start_s=last_end, end_s=w.start_s))
        last_end = w.end_s if last_end is None else max(last_end, w.end_s)
    return pauses


def long_silences(pauses: Sequence[Pause], min_s: float = LONG_SILENCE_S) -> list[Pause]:
    """The pauses of at least ``min_s`` (long silences worth flagging)."""
    return [p for p in pauses if p.duration_s >= min_s]


@dataclass(frozen=True)
class PauseStats:
    """Counts and lengths of pauses."""

    count: int
    total_s: float
    mean_s: float
    longest_s: float
    per_minute: float


def pause_stats(pauses: Sequence[Pause], duration_s: float) -> PauseStats:
    """Summary of ``pauses`` over a talk of ``duration_s`` seconds."""
    lengths = [p.duration_s for p in pauses]
    total = float(sum(lengths))
    return PauseStats(
        count=len(lengths),
        total_s=total,
        mean_s=total / len(lengths) if lengths else 0.0,
        longest_s=max(lengths, default=0.0),
        per_minute=len(lengths) * 60.0 / duration_s if duration_s > 0 else 0.0,
    )


@dataclass(frozen=True)
class RepeatedPhrase:
    """An n-gram said more than once, with the start times of each occurrence."""

    phrase: str
    count: int
    starts_s: tuple[float, ...]


def repeated_ngrams(
    words: Sequence[Word],
    n_min: int = 2,
    n_max: int = 4,
    min_count: int = 2,
    lexicon: Lexicon | None = None,
) -> list[RepeatedPhrase]:
    """Phrases of ``n_min``..``n_max`` words said at least ``min_count`` times, most frequent first.

    Fillers are skipped, n-grams made only of stop words ("of the") are ignored, and a shorter phrase is
    dropped when a longer repeated phrase contains it with the same count.
    """
    lex = lexicon or load_lexicon()
    kept = lexical_words(words, lex)
    tokens = [normalize_token(w.text) for w in kept]
    found: dict[tuple[str, ...], list[float]] = {}
    for n in range(n_min, n_max + 1):
        for i in range(len(tokens) - n + 1):
            gram = tuple(tokens[i : i + n])
            if all(t in lex.stopwords for t in gram):
                continue
            found.setdefault(gram, []).append(kept[i].start_s)
    repeated = {g: s for g, s in found.items() if len(s) >= min_count}
    result = []
    for gram, starts in repeated.items():
        subsumed = any(
            len(other) > len(gram) and len(starts2) == len(starts) and _contains(other, gram)
            for other, starts2 in repeated.items()
        )
        if not subsumed:
            result.append(RepeatedPhrase(" ".join(gram), len(starts), tuple(starts)))
    return sorted(result, key=lambda r: (-r.count, -len(r.phrase.split()), r.starts_s[0]))


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def immediate_repetitions(words: Sequence[Word], lexicon: Lexicon | None = None) -> list[Word]:
    """Second occurrences of a word said twice in a row ("the the", "I I"), a sign of stumbling."""
    kept = lexical_words(words, lexicon)
    return [b for a, b in itertools.pairwise(kept) if normalize_token(a.text) == normalize_token(b.text)]


@dataclass(frozen=True)
class PhraseHit:
    """A lexicon phrase found in the words."""

    text: str
    start_s: float
    end_s: float


def find_hedges(words: Sequence[Word], lexicon: Lexicon | None = None) -> list[PhraseHit]:
    """Hedging words and phrases ("maybe", "I think", "sort of", …), longest match first, no overlaps."""
    lex = lexicon or load_lexicon()
    tokens = [normalize_token(w.text) for w in words]
    hits: list[PhraseHit] = []
    i = 0
    while i < len(tokens):
        for phrase in lex.hedges:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                hits.append(PhraseHit(" ".join(phrase), words[i].start_s, words[i + len(phrase) - 1].end_s))
                i += len(phrase)
                break
        else:
            i += 1
    return hits


@dataclass(frozen=True)
class FillerStats:
    """How often fillers occur: per minute of talk and as a share of all spoken tokens."""

    count: int
    per_minute: float
    percent_of_words: float
    by_text: dict[str, int]


def filler_stats(fillers: Sequence[Filler], words: Sequence[Word], lexicon: Lexicon | None = None) -> FillerStats:
    """Filler rate over the talk span (first to last word or filler) and % of (non-filler words + fillers).

    ``fillers`` may come from ASR, the acoustic detector or both (fused); ``words`` may contain the ASR
    filler words too — only their non-filler words are counted.
    """
    n_lexical = len(lexical_words(words, lexicon))
    starts = [w.start_s for w in words] + [f.start_s for f in fillers]
    ends = [w.end_s for w in words] + [f.end_s for f in fillers]
    span = (max(ends) - min(starts)) if starts else 0.0
    total = n_lexical + len(fillers)
    return FillerStats(
        count=len(fillers),
        per_minute=len(fillers) * 60.0 / span if span > 0 else 0.0,
        percent_of_words=100.0 * len(fillers) / total if total else 0.0,
        by_text=dict(Counter(normalize_token(f.text) for f in fillers)),
    )


@dataclass(frozen=True)
class TimelineWindow:
    """Speech measures over one window ``[start_s, end_s)`` of the talk (NaN where undefined)."""

    start_s: float
    end_s: float
    word_count: int
    wpm: float
    volume_dbfs: float
    pitch_hz: float
    pitch_variation_st: float
    speech_ratio: float


def frames_to_arrays(frames: Sequence[VoiceFrame]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(t_s, dbfs, is_speech, f0_hz)`` arrays from voice frames."""
    return (
        np.array([f.t_s for f in frames], dtype=np.float64),
        np.array([f.dbfs for f in frames], dtype=np.float64),
        np.array([f.is_speech for f in frames], dtype=bool),
        np.array([f.f0_hz for f in frames], dtype=np.float64),
    )


def timeline(
    words: Sequence[Word],
    duration_s: float,
    frame_t_s: np.ndarray | None = None,
    dbfs: np.ndarray | None = None,
    is_speech: np.ndarray | None = None,
    f0_hz: np.ndarray | None = None,
    window_s: float = 10.0,
    lexicon: Lexicon | None = None,
) -> list[TimelineWindow]:
    """Per-window wpm (non-filler words by their midpoint ÷ window length), volume and pitch.

    Voice arrays are optional (frame start times plus per-frame values); without them volume, pitch and
    speech ratio are NaN. The last window is shortened to end at ``duration_s``.
    """
    if duration_s <= 0 or window_s <= 0:
        return []
    lex_words = lexical_words(words, lexicon)
    mids = np.array([(w.start_s + w.end_s) / 2 for w in lex_words], dtype=np.float64)
    voice = (
        (np.asarray(frame_t_s, np.float64), np.asarray(dbfs, np.float64), np.asarray(is_speech, bool))
        if frame_t_s is not None and dbfs is not None and is_speech is not None
        else None
    )
    f0_all = np.asarray(f0_hz, np.float64) if f0_hz is not None else None
    out: list[TimelineWindow] = []
    n_windows = int(np.ceil(duration_s / window_s - 1e-9))
    for k in range(n_windows):
        start = k * window_s
        end = min(duration_s, start + window_s)
        count = int(np.sum((mids >= start) & (mids < end))) if mids.size else 0
        volume = pitch = spread = ratio = float("nan")
        if voice is not None:
            times, levels, speech_all = voice
            sel = (times >= start) & (times < end)
            speech = speech_all[sel]
            if speech.size:
                ratio = float(speech.mean())
                vs = volume_stats(levels[sel], speech)
                volume = vs.level_dbfs if vs else float("nan")
                if f0_all is not None:
                    ps = pitch_stats(f0_all[sel], speech)
                    if ps is not None:
                        pitch, spread = ps.median_hz, ps.variation_st
        out.append(
            TimelineWindow(
                start_s=start,
                end_s=end,
                word_count=count,
                wpm=count * 60.0 / (end - start),
                volume_dbfs=volume,
                pitch_hz=pitch,
                pitch_variation_st=spread,
                speech_ratio=ratio,
            )
        )
    return out
