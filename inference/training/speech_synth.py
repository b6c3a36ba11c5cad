"""Synthesise speech clips with exact ground truth (words, fillers, pauses, wpm) using espeak-ng and sox.

A *script* is a sequence of segments: :class:`Phrase` (ordinary words), :class:`FillerSegment` (a non-lexical
filler such as "um") or :class:`Pause` (silence of N seconds). Each phrase and filler is synthesised as its own
chunk, trimmed of leading/trailing silence and concatenated with known gaps, so chunk boundaries are exact;
words inside a phrase get times proportional to their length within the phrase.

Example::

    clip = synthesize(parse_script("So today {um} we look at sales {pause:1.2} next year"),
                      SynthVoice(name="en-gb", rate_wpm=150))
    clip.write_wav("talk.wav"); print(clip.truth.to_json())

Runs offline; needs the Debian packages ``espeak-ng`` and ``sox`` (called through :mod:`inference.training.espeak`);
``flite:<voice>`` and ``festival:<voice>`` names speak with flite (:mod:`inference.training.flite`) or Festival
(:mod:`inference.training.festival`) instead.
"""

from __future__ import annotations

import json
import re
import wave
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from inference.training import festival
from inference.training.espeak import SAMPLE_RATE, espeak_speed, speech_chunk
from inference.training.flite import BASE_WPM, flite_chunk, flite_filler, flite_speech, is_flite
from inference.training.noise import NoiseSpec, add_noise, held_note
from inference.training.rooms import time_stretch
from inference.voice.types import Pause as Interval

FillerKind = Literal["um", "uh", "er", "ah", "hmm"]
FILLER_KINDS: tuple[FillerKind, ...] = ("um", "uh", "er", "ah", "hmm")

# espeak-ng phoneme input: a lengthened vowel sounds like a hesitation, unlike the spelled word.
_FILLER_PHONEMES: dict[str, str] = {
    "um": "[['V:m]]",
    "uh": "[['V:]]",
    "er": "[['3:]]",
    "ah": "[['A:]]",
    "hmm": "[[h'@m]]",
}
# Other renderings of each filler (``FillerSegment.variant`` 1, 2, ...): other vowels, a closed-mouth hum.
_FILLER_VARIANTS: dict[str, tuple[str, ...]] = {
    "um": ("[['@:m]]", "[['Vm:]]"),
    "uh": ("[['@:]]", "[['3:@]]"),
    "er": ("[['@:]]", "[['e@]]", "[['3:r]]"),
    "ah": ("[['a:]]", "[['A:@]]"),
    "hmm": ("[[h'm:]]", "[['@m:]]"),
}

_DRAWN_OUT_PHONEMES: dict[str, str] = {
    "so": "[[s'oU:]]",
    "well": "[[w'E:l]]",
    "now": "[[n'aU:]]",
    "and": "[['a:nd]]",
    "the": "[[D'i:]]",
    "more": "[[m'o@:]]",
    "I": "[['aI:]]",
    "we": "[[w'i::]]",
    "right": "[[r'aI:t]]",
    "okay": "[[oUk'eI:]]",
}
DRAWN_OUT_WORDS: tuple[str, ...] = tuple(_DRAWN_OUT_PHONEMES)

# Voices that ship with espeak-ng itself (no mbrola); "+f3"-style variants change timbre and pitch.
DEFAULT_VOICES: tuple[str, ...] = (
    "en-us",
    "en-gb",
    "en-gb-scotland",
    "en-us+f3",
    "en-gb+m7",
    "en-029",
    "en-gb-x-rp+f2",
    "en-us-nyc",
    "en-gb-x-gbclan+m3",
    "en-gb-x-gbcwmd+f4",
)

MAX_FILLER_S = 0.75
MAX_STRETCH = 3.0
"""The most a filler's ``length_s`` stretches (or shrinks) its sound: further, time stretching sounds broken."""


@dataclass(frozen=True)
class Phrase:
    """Ordinary (non-filler) words spoken in one breath; ``stretch`` > 1 speaks them that many times slower
    (every vowel drawn out: a hard negative for filler detectors)."""

    text: str
    stretch: float = 1.0


@dataclass(frozen=True)
class FillerSegment:
    """A non-lexical filler ("um", "uh", "er", "ah", "hmm"). ``variant`` picks another rendering of the sound
    (0: the default one); ``length_s`` draws it out (or shortens it) to that length, at the same pitch."""

    kind: FillerKind
    variant: int = 0
    length_s: float | None = None


@dataclass(frozen=True)
class HeldNote:
    """A held musical note of ``seconds`` at ``freq_hz`` with no speech under it (a hard negative); it is no
    word and no pause, and does not count as speech when noise is mixed in."""

    freq_hz: float
    seconds: float


@dataclass(frozen=True)
class DrawnOutWord:
    """An ordinary word with a lengthened vowel ("sooo", "welll"), spoken as slowly as a filler: a hard
    negative for filler detectors. ``word`` is one of :data:`DRAWN_OUT_WORDS`."""

    word: str


@dataclass(frozen=True)
class Pause:
    """Silence of ``seconds`` between the neighbouring chunks (replaces the usual gap)."""

    seconds: float


Segment = Phrase | FillerSegment | DrawnOutWord | HeldNote | Pause


@dataclass(frozen=True)
class SynthVoice:
    """espeak-ng voice parameters: voice name (``espeak-ng --voices=en``), rate, pitch 0-99, amplitude 0-200.

    ``rate_wpm`` is the target rate of the words as measured by :func:`true_wpm` on a single phrase;
    espeak-ng's own ``-s`` value is about 1.34 times slower than that, so it is scaled by
    :data:`inference.training.espeak.ESPEAK_RATE_FACTOR` (espeak-ng's floor of 80 limits the slowest rate to
    about 108 wpm).
    """

    name: str = "en-us"
    rate_wpm: int = 160
    pitch: int = 50
    amplitude: int = 100


@dataclass(frozen=True)
class TruthWord:
    """One spoken token with its true times; ``is_filler`` marks non-lexical fillers."""

    text: str
    start_s: float
    end_s: float
    is_filler: bool = False


@dataclass(frozen=True)
class SynthTruth:
    """Ground truth of a synthesised clip. ``words`` holds every token in order, fillers included."""

    words: tuple[TruthWord, ...]
    pauses: tuple[Interval, ...]
    duration_s: float
    voice: SynthVoice
    noise: NoiseSpec | None = None
    sample_rate: int = SAMPLE_RATE

    @property
    def fillers(self) -> tuple[TruthWord, ...]:
        return tuple(w for w in self.words if w.is_filler)

    @property
    def lexical_words(self) -> tuple[TruthWord, ...]:
        return tuple(w for w in self.words if not w.is_filler)

    @property
    def transcript(self) -> str:
        """The lexical words joined by spaces (fillers left out)."""
        return " ".join(w.text for w in self.lexical_words)

    @property
    def wpm(self) -> float:
        """Non-filler words ÷ minutes from the first word start to the last word end (0 if undefined)."""
        return true_wpm(self.words)

    def to_dict(self) -> dict[str, Any]:
        return {
            "duration_s": self.duration_s,
            "sample_rate": self.sample_rate,
            "wpm": self.wpm,
            "transcript": self.transcript,
            "voice": asdict(self.voice),
            "noise": asdict(self.noise) if self.noise else None,
            "words": [asdict(w) for w in self.words],
            "fillers": [asdict(w) for w in self.fillers],
            "pauses": [asdict(p) for p in self.pauses],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


@dataclass(frozen=True)
class SynthClip:
    """A synthesised 16 kHz mono float32 clip and its ground truth."""

    samples: np.ndarray = field(repr=False)
    truth: SynthTruth

    def write_wav(self, path: str | Path) -> Path:
        return write_wav(path, self.samples)


def true_wpm(words: Iterable[TruthWord]) -> float:
    """Non-filler words ÷ minutes from the first to the last non-filler word (0 for fewer than 2 words)."""
    lexical = [w for w in words if not w.is_filler]
    if len(lexical) < 2:
        return 0.0
    span = lexical[-1].end_s - lexical[0].start_s
    return len(lexical) / (span / 60.0) if span > 0 else 0.0


_TOKEN = re.compile(r"\{\s*(pause\s*:\s*[0-9.]+|um|uh|er|ah|hmm)\s*\}", re.IGNORECASE)


def parse_script(text: str) -> list[Segment]:
    """Parse ``"Hello {um} world {pause:1.5} again"`` into segments (fillers and pauses in braces)."""
    segments: list[Segment] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        _append_phrase(segments, text[pos : match.start()])
        token = match.group(1).lower().replace(" ", "")
        if token.startswith("pause"):
            segments.append(Pause(float(token.split(":", 1)[1])))
        else:
            segments.append(FillerSegment(token))  # type: ignore[arg-type]
        pos = match.end()
    _append_phrase(segments, text[pos:])
    return segments


def _append_phrase(segments: list[Segment], text: str) -> None:
    cleaned = " ".join(text.split())
    if cleaned:
        segments.append(Phrase(cleaned))


def synthesize_chunk(text: str, voice: SynthVoice) -> np.ndarray:
    """Speak ``text`` (espeak-ng syntax, ``[[phonemes]]`` allowed) → trimmed 16 kHz float32 samples; a
    ``flite:<voice>`` or ``festival:<voice>`` name speaks it with that engine instead."""
    if is_flite(voice.name):
        return flite_speech(text, voice.name, voice.rate_wpm, voice.pitch)
    if festival.is_festival(voice.name):
        return festival.festival_speech(text, voice.name, voice.rate_wpm, voice.pitch)
    return speech_chunk(text, voice.name, espeak_speed(voice.rate_wpm), voice.pitch, voice.amplitude)


def _filler_espeak_speed(rate_wpm: float) -> int:
    return int(min(140, max(100, round(espeak_speed(rate_wpm) * 0.8))))


def synthesize_filler(kind: FillerKind, voice: SynthVoice, variant: int = 0) -> np.ndarray:
    """A drawn-out filler sound (about 0.3-0.75 s), spoken slower than the surrounding words; ``variant`` > 0
    picks another rendering (espeak-ng and Festival; flite has one)."""
    if kind not in _FILLER_PHONEMES:
        raise ValueError(f"unknown filler {kind!r}; expected one of {FILLER_KINDS}")
    if is_flite(voice.name):
        return flite_filler(kind, voice.name, voice.rate_wpm, voice.pitch)
    if festival.is_festival(voice.name):
        return festival.festival_filler(kind, voice.name, voice.rate_wpm, voice.pitch, variant)
    renderings = (_FILLER_PHONEMES[kind], *_FILLER_VARIANTS[kind])
    phonemes = renderings[variant % len(renderings)]
    speed = _filler_espeak_speed(voice.rate_wpm)
    chunk = speech_chunk(phonemes, voice.name, speed, voice.pitch, voice.amplitude)
    while len(chunk) > MAX_FILLER_S * SAMPLE_RATE and speed < 260:
        speed += 20
        chunk = speech_chunk(phonemes, voice.name, speed, voice.pitch, voice.amplitude)
    return chunk


def synthesize_drawn_out(word: str, voice: SynthVoice) -> np.ndarray:
    """``word`` with its vowel lengthened, at the speed fillers are spoken."""
    if word not in _DRAWN_OUT_PHONEMES:
        raise ValueError(f"no drawn-out form of {word!r}; expected one of {DRAWN_OUT_WORDS}")
    if is_flite(voice.name):
        return flite_chunk(word, voice.name, 2.5 * BASE_WPM / max(voice.rate_wpm, 100))
    if festival.is_festival(voice.name):
        return festival.festival_chunk(word, voice.name, 2.5 * festival.BASE_WPM / max(voice.rate_wpm, 100))
    speed = _filler_espeak_speed(voice.rate_wpm)
    return speech_chunk(_DRAWN_OUT_PHONEMES[word], voice.name, speed, voice.pitch, voice.amplitude)


def _word_weight(word: str) -> float:
    letters = re.sub(r"[^a-z0-9]", "", word.lower())
    vowel_groups = len(re.findall(r"[aeiouy]+", letters))
    return len(letters) + 2.0 * max(1, vowel_groups) + 1.0


def split_phrase_times(text: str, start_s: float, end_s: float) -> list[TruthWord]:
    """Spread a phrase's words over ``[start_s, end_s]`` in proportion to their length (letters, syllables)."""
    words = text.split()
    weights = np.array([_word_weight(w) for w in words], dtype=np.float64)
    edges = start_s + (end_s - start_s) * np.concatenate(([0.0], np.cumsum(weights) / weights.sum()))
    return [
        TruthWord(_clean_word(w), round(float(edges[i]), 4), round(float(edges[i + 1]), 4)) for i, w in enumerate(words)
    ]


def _clean_word(word: str) -> str:
    return word.strip('.,;:!?"()')


def synthesize(
    script: Sequence[Segment] | str,
    voice: SynthVoice | None = None,
    *,
    noise: NoiseSpec | None = None,
    gap_s: float = 0.15,
    lead_s: float = 0.3,
    tail_s: float = 0.3,
    gain_db: float = 0.0,
) -> SynthClip:
    """Synthesise a script (segments, or text for :func:`parse_script`) into a clip with exact ground truth.

    Chunks are separated by ``gap_s`` of silence; a :class:`Pause` replaces that gap with its own length.
    ``gain_db`` scales the speech before noise is added. Raises
    :class:`~inference.training.espeak.SynthError` when a tool fails.
    """
    voice = voice or SynthVoice()
    segments = parse_script(script) if isinstance(script, str) else list(script)
    pieces: list[np.ndarray] = [np.zeros(round(lead_s * SAMPLE_RATE), np.float32)]
    speech_mask_parts: list[np.ndarray] = [np.zeros(len(pieces[0]), bool)]
    cursor = len(pieces[0])
    words: list[TruthWord] = []
    pauses: list[Interval] = []
    pending_pause: float | None = None
    last_end: int | None = None

    for segment in segments:
        if isinstance(segment, Pause):
            if segment.seconds < 0:
                raise ValueError("pause length must be non-negative")
            pending_pause = (pending_pause or 0.0) + segment.seconds
            continue
        chunk = _segment_samples(segment, voice)
        if last_end is not None:
            silence = round((pending_pause if pending_pause is not None else gap_s) * SAMPLE_RATE)
            pieces.append(np.zeros(silence, np.float32))
            speech_mask_parts.append(np.zeros(silence, bool))
            if pending_pause is not None:
                pauses.append(Interval(round(last_end / SAMPLE_RATE, 4), round((cursor + silence) / SAMPLE_RATE, 4)))
            cursor += silence
        elif pending_pause is not None:
            silence = round(pending_pause * SAMPLE_RATE)
            pieces.append(np.zeros(silence, np.float32))
            speech_mask_parts.append(np.zeros(silence, bool))
            cursor += silence
        pending_pause = None
        start_s, end_s = cursor / SAMPLE_RATE, (cursor + len(chunk)) / SAMPLE_RATE
        if isinstance(segment, Phrase):
            words.extend(split_phrase_times(segment.text, start_s, end_s))
        elif isinstance(segment, DrawnOutWord):
            words.append(TruthWord(segment.word, round(start_s, 4), round(end_s, 4)))
        elif isinstance(segment, FillerSegment):
            words.append(TruthWord(segment.kind, round(start_s, 4), round(end_s, 4), is_filler=True))
        pieces.append(chunk)
        speech_mask_parts.append(np.full(len(chunk), not isinstance(segment, HeldNote)))
        cursor += len(chunk)
        last_end = cursor

    trailing = round(((pending_pause or 0.0) + tail_s) * SAMPLE_RATE)
    pieces.append(np.zeros(trailing, np.float32))
    speech_mask_parts.append(np.zeros(trailing, bool))
    samples = np.concatenate(pieces).astype(np.float32) * np.float32(10 ** (gain_db / 20))
    if noise is not None:
        samples = add_noise(samples, noise, speech_mask=np.concatenate(speech_mask_parts))
    samples = np.clip(samples, -1.0, 1.0).astype(np.float32)
    truth = SynthTruth(tuple(words), tuple(pauses), round(len(samples) / SAMPLE_RATE, 4), voice, noise)
    return SynthClip(samples, truth)


def _segment_samples(segment: Phrase | FillerSegment | DrawnOutWord | HeldNote, voice: SynthVoice) -> np.ndarray:
    if isinstance(segment, Phrase):
        return time_stretch(synthesize_chunk(segment.text, voice), segment.stretch)
    if isinstance(segment, DrawnOutWord):
        return synthesize_drawn_out(segment.word, voice)
    if isinstance(segment, HeldNote):
        return 0.1 * held_note(segment.freq_hz, round(segment.seconds * SAMPLE_RATE))
    chunk = synthesize_filler(segment.kind, voice, segment.variant)
    if segment.length_s is not None and len(chunk):
        factor = segment.length_s * SAMPLE_RATE / len(chunk)
        chunk = time_stretch(chunk, min(max(factor, 1 / MAX_STRETCH), MAX_STRETCH))
    return chunk


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write float samples in [-1, 1] as 16-bit PCM mono WAV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm.tobytes())
    return path


def read_wav(path: str | Path) -> np.ndarray:
    """Read a 16-bit PCM mono WAV as float32 in [-1, 1]."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono PCM")
        data = wav.readframes(wav.getnframes())
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
