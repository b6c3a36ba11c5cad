"""Is this a voice at a word boundary? The check an acoustic-only filler must pass before it is kept (pure).

The filler CNN alone hears a drawn-out vowel in things that are not fillers: the reverberant tail of a word in a
hall, a held note of a music bed, a word spoken slowly ("sooo"). A real "um"/"uh" is a voice (voiced, its pitch
moving — espeak's and people's hesitations glide by several semitones), and it sits between words, not inside
one. So an event is kept when, over its frames (30 ms, ``t_s``/``f0_hz`` from the voice analyser):

- enough frames are voiced (a reverb tail smears the period: YIN finds almost none);
- its pitch is not a held tone: not mostly steady frames (:func:`inference.voice.presence.steady_frames`) and a
  pitch range of at least ``min_pitch_range_st``;
- no single recognised word holds it with little to spare at both ends (that is the word, drawn out), and no two
  words meet inside it each holding a good part of it (speech runs through it), unless the word is one Whisper
  writes for a filler ("or", "a", "oh").
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from inference.speech.lexicon import normalize_token
from inference.speech.types import Filler, Word
from inference.voice.presence import steady_frames

FILLER_LOOKALIKES = frozenset({"a", "ah", "oh", "or", "are", "her", "uh", "um", "er", "hm", "huh", "eh"})
"""Words Whisper base writes where a filler was said."""


@dataclass(frozen=True)
class GateSettings:
    min_voiced_ratio: float = 0.4
    max_steady_ratio: float = 0.6
    min_pitch_range_st: float = 0.5
    word_spare_s: float = 0.2
    """A word holding the event with less than this to spare on both sides is the event (a drawn-out word)."""
    min_share_s: float = 0.15
    """Two recognised words that meet inside the event and each hold this much of it mean the event is inside
    continuous speech, not between words (0 turns the check off). On a development corpus (``bench/
    speech_accuracy.py --varied`` items at seed 101, 14 clips) it dropped 2 of 9 false alarms and no filler."""


def pitch_range_st(f0_hz: np.ndarray) -> float:
    """Spread of the voiced pitch (10th to 90th percentile) in semitones; 0.0 with fewer than 4 voiced frames."""
    f0 = np.asarray(f0_hz, dtype=np.float64)
    voiced = f0[np.isfinite(f0)]
    if voiced.size < 4:
        return 0.0
    st = 12.0 * np.log2(voiced)
    return float(np.percentile(st, 90) - np.percentile(st, 10))


def sounds_like_a_voice(f0_hz: np.ndarray, settings: GateSettings = GateSettings()) -> bool:
    """Voiced often enough, and not a held tone (``f0_hz``: the event's frames, NaN unvoiced)."""
    f0 = np.asarray(f0_hz, dtype=np.float64)
    if f0.size == 0:
        return False
    voiced = np.isfinite(f0)
    if float(voiced.mean()) < settings.min_voiced_ratio:
        return False
    steady = float(steady_frames(f0).sum()) / max(1, int(voiced.sum()))
    return steady <= settings.max_steady_ratio and pitch_range_st(f0) >= settings.min_pitch_range_st


def inside_one_word(event: Filler, words: Sequence[Word], spare_s: float) -> bool:
    """Whether one word (not a filler look-alike) holds ``event`` with less than ``spare_s`` to spare at both
    ends: the word itself drawn out. A word stretched over a filler beside it has its own syllables to spare."""
    for w in words:
        if normalize_token(w.text) in FILLER_LOOKALIKES:
            continue
        left, right = event.start_s - w.start_s, w.end_s - event.end_s
        if left >= -spare_s and right >= -spare_s and left < spare_s and right < spare_s:
            return True
    return False


def inside_continuous_speech(event: Filler, words: Sequence[Word], min_share_s: float, max_gap_s: float = 0.05) -> bool:
    """Whether two consecutive words (neither a filler look-alike) meet inside ``event`` with no gap and each hold
    at least ``min_share_s`` of it: speech runs through the event."""
    ordered = sorted(words, key=lambda w: w.start_s)
    for a, b in itertools.pairwise(ordered):
        if {normalize_token(a.text), normalize_token(b.text)} & FILLER_LOOKALIKES or b.start_s - a.end_s > max_gap_s:
            continue
        share_a = min(a.end_s, event.end_s) - max(a.start_s, event.start_s)
        share_b = min(b.end_s, event.end_s) - max(b.start_s, event.start_s)
        if share_a >= min_share_s and share_b >= min_share_s:
            return True
    return False


def voice_at_word_boundary(
    event: Filler,
    t_s: np.ndarray,
    f0_hz: np.ndarray,
    lexical_words: Sequence[Word],
    settings: GateSettings = GateSettings(),
) -> bool:
    """The gate (see the module docstring) for one acoustic-only event."""
    times = np.asarray(t_s, dtype=np.float64)
    inside = (times >= event.start_s) & (times < event.end_s)
    if not sounds_like_a_voice(np.asarray(f0_hz, dtype=np.float64)[inside], settings):
        return False
    if settings.min_share_s > 0 and inside_continuous_speech(event, lexical_words, settings.min_share_s):
        return False
    return not inside_one_word(event, lexical_words, settings.word_spare_s)
