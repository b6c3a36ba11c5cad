"""Generated corpus for the acoustic filler model: varied clips with fillers at known times, cut into labelled
log-mel windows.

Variety: two synthesis engines in training — espeak-ng (many voices and variants) and Festival (diphone voices cut
from recorded speech, shifted in pitch and formants) — rates 110-220 wpm, pitch, several renderings of each filler
drawn out to 0.3-1.2 s, white/pink/babble/music beds at 5-30 dB SNR, random rooms (reverberance 15-95 %, early
reflections), phone (band + μ-law) and laptop-mic bands, levels from -45 to -3 dBFS; hard negatives: words that
sound like fillers ("umbrella", "error", "father", "oh"), real words drawn out like a filler ("sooo", "welll"),
phrases spoken slowly (vowels drawn out inside words), held musical notes and reverb tails. Splits hold out voices,
noise seeds and SNR values so validation and test measure generalisation rather than memory; the test split also
holds a Festival speaker never trained on and the flite engine (:mod:`inference.training.flite`), which no training
or validation clip uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from inference.speech.filler_acoustic import DEFAULT_WINDOWS, FILLER_CLASS, WindowSpec, clip_windows
from inference.training.espeak import SynthError
from inference.training.festival import is_festival
from inference.training.flite import FLITE_VOICES, is_flite
from inference.training.flite import PREFIX as FLITE_PREFIX
from inference.training.noise import NoiseKind, NoiseSpec
from inference.training.rooms import Channel, Condition, apply_condition, random_room
from inference.training.speech_synth import (
    DRAWN_OUT_WORDS,
    FILLER_KINDS,
    DrawnOutWord,
    FillerSegment,
    HeldNote,
    Pause,
    Phrase,
    Segment,
    SynthClip,
    SynthVoice,
    TruthWord,
    synthesize,
)

PHRASES: tuple[str, ...] = (
    "today I want to talk about our plans for the coming year",
    "the numbers from the last quarter look really strong",
    "let me show you how the new product works in practice",
    "our customers asked for a simpler way to share their work",
    "this chart compares the results across every region",
    "we learned a lot from the early pilot with three schools",
    "the main problem was the cost of the hardware",
    "so what does this mean for the team and for you",
    "first we will look at the data and then at the budget",
    "I brought an umbrella because the forecast said rain",
    "there was an error in the summer report that we fixed",
    "my father always said that practice makes perfect",
    "oh and one more thing about the humble beginnings of the project",
    "the hum of the servers kept everyone awake at night",
    "honestly the answer is yes but it took some time",
    "ah well that is a fair question from the audience",
    "we are almost there with the launch in early autumn",
    "remember the three key points from the start of this talk",
    "many people underestimate how hard it is to speak in public",
    "the research group measured the effect on memory",
    "a large market is opening up in the south and the east",
    "thank you all for coming and for your attention",
    "are there any questions about the schedule or the scope",
    "the upper limit of the model is still far away",
    "her argument was clear and the room agreed with it",
    "an hour later the whole system was running again",
    "our mission is to make every speaker feel confident",
    "the other option would be to wait until the summer",
    "mmm that smells like fresh coffee in the morning",
    "uh oh the demo crashed but we had a backup ready",
)

ESPEAK_TRAIN_VOICES: tuple[str, ...] = (
    "en-us+m1",
    "en-us+m3",
    "en-us+f2",
    "en-us+f4",
    "en-us+klatt",
    "en-us+Annie",
    "en-us+belinda",
    "en-us+m6",
    "en-gb+m2",
    "en-gb+f1",
    "en-gb+f4",
    "en-gb+steph",
    "en-gb+klatt2",
    "en-gb+m4",
    "en-gb-scotland+linda",
    "en-gb-scotland+m3",
    "en-gb-scotland+f5",
    "en-gb-x-gbclan",
    "en-gb-x-gbclan+f3",
    "en-gb-x-gbclan+m1",
    "en-gb-x-rp",
    "en-gb-x-rp+m6",
    "en-gb-x-rp+f4",
    "en-gb-x-gbcwmd",
    "en-gb-x-gbcwmd+m2",
    "en-gb-x-gbcwmd+f1",
    "en-029+m3",
    "en-029+f2",
    "en-029+klatt",
    "en-us-nyc+f3",
    "en-us-nyc+m5",
    "en-us-nyc+Andrea",
)
FESTIVAL_TRAIN_VOICES: tuple[str, ...] = (
    "festival:ked",
    "festival:ked-2",
    "festival:ked+3",
    "festival:ked+5",
    "festival:ked+7",
)
TRAIN_VOICES: tuple[str, ...] = ESPEAK_TRAIN_VOICES + FESTIVAL_TRAIN_VOICES
VAL_VOICES: tuple[str, ...] = (
    "en-us+m5",
    "en-gb+f5",
    "en-gb-x-rp+m3",
    "en-029+f4",
    "en-us-nyc+m2",
    "en-gb-scotland+f2",
    "festival:ked+4",
    "festival:ked-1",
)
TEST_VOICES: tuple[str, ...] = (
    "en-029+f5",
    "en-us-nyc+f1",
    "en-gb-x-gbcwmd+m4",
    "en-us+f1",
    "en-gb-x-gbclan+m7",
    "en-gb+Alicia",
    "festival:kal",
    "festival:kal+4",
    *(FLITE_PREFIX + v for v in FLITE_VOICES),
)
"""No split uses an espeak-ng voice of the speech accuracy benchmark (``speech_synth.DEFAULT_VOICES``); the test
split scores, never trains or tunes on, a Festival speaker (kal) and every flite voice: flite is the benchmark's
held-out engine, so no training or validation clip uses it."""

ENGINE_WEIGHTS: dict[str, float] = {"espeak-ng": 0.6, "festival": 0.4, "flite": 0.4}
"""How often a clip is spoken by each engine present in a split's voices (renormalised over those engines)."""


def engine_of(voice: str) -> str:
    """``flite``, ``festival`` or ``espeak-ng``: the engine that speaks ``voice``."""
    return "flite" if is_flite(voice) else "festival" if is_festival(voice) else "espeak-ng"


TRAIN_NOISE: tuple[tuple[NoiseKind | None, float], ...] = (
    (None, 0.0),
    ("white", 30.0),
    ("white", 20.0),
    ("white", 15.0),
    ("white", 6.0),
    ("pink", 25.0),
    ("pink", 20.0),
    ("pink", 10.0),
    ("pink", 5.0),
    ("babble", 20.0),
    ("babble", 15.0),
    ("babble", 12.0),
    ("babble", 6.0),
    ("music", 20.0),
    ("music", 15.0),
    ("music", 10.0),
    ("music", 5.0),
)
TEST_NOISE: tuple[tuple[NoiseKind | None, float], ...] = (
    (None, 0.0),
    ("white", 22.0),
    ("pink", 14.0),
    ("babble", 16.0),
    ("white", 8.0),
    ("babble", 9.0),
    ("music", 12.0),
    ("music", 7.0),
    ("babble", 5.0),
)


@dataclass(frozen=True)
class CorpusSpec:
    """Which clips to generate: count, voices, noise conditions (kind, SNR dB) and the random seed."""

    n_clips: int
    voices: Sequence[str] = TRAIN_VOICES
    noise: Sequence[tuple[NoiseKind | None, float]] = TRAIN_NOISE
    seed: int = 0
    rate_range: tuple[int, int] = (110, 220)
    filler_prob: float = 0.45
    drawn_out_prob: float = 0.2
    hard_negative_prob: float = 0.12
    varied: bool = True
    """Rooms, bands and levels (:func:`random_condition`) and several drawn-out renderings of each filler."""


@dataclass(frozen=True)
class WindowSet:
    """Labelled model inputs: ``x`` (n, frames, mels) float32, ``y`` class index (``-1`` = ambiguous)."""

    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    clip: np.ndarray = field(repr=False)

    def labelled(self) -> WindowSet:
        return self._subset(self.y >= 0)

    def thin_negatives(self, keep: float, seed: int = 0) -> WindowSet:
        """All filler windows and a random ``keep`` fraction of the others (neighbouring windows overlap by
        80 %, so the dropped ones are mostly near-copies)."""
        rng = np.random.default_rng(seed)
        return self._subset((self.y != 0) | (rng.random(len(self.y)) < keep))

    def _subset(self, mask: np.ndarray) -> WindowSet:
        return WindowSet(self.x[mask], self.y[mask], self.clip[mask])


def split_specs(n_train: int = 240, n_val: int = 50, n_test: int = 80, seed: int = 0) -> dict[str, CorpusSpec]:
    """Three voice-disjoint splits; validation (used to pick the decision threshold) and test voices are unseen
    in training, and the test set also has its own SNRs and noise seeds."""
    return {
        "train": CorpusSpec(n_train, TRAIN_VOICES, TRAIN_NOISE, seed=seed),
        "val": CorpusSpec(n_val, VAL_VOICES, TRAIN_NOISE, seed=seed + 1_000),
        "test": CorpusSpec(n_test, TEST_VOICES, TEST_NOISE, seed=seed + 2_000),
    }


def _sub_phrase(rng: np.random.Generator) -> str:
    words = PHRASES[int(rng.integers(len(PHRASES)))].split()
    if len(words) > 4 and rng.random() < 0.6:
        length = int(rng.integers(3, len(words) + 1))
        start = int(rng.integers(0, len(words) - length + 1))
        words = words[start : start + length]
    return " ".join(words)


def random_script(
    rng: np.random.Generator,
    filler_prob: float = 0.45,
    drawn_out_prob: float = 0.0,
    hard_negative_prob: float = 0.0,
    vary_fillers: bool = False,
) -> list[Segment]:
    """3-6 phrases with fillers (sometimes mid-phrase, sometimes two in a row), occasional pauses and, with
    ``drawn_out_prob`` after each phrase, a real word with a lengthened vowel ("sooo", "welll"). With
    ``hard_negative_prob`` a phrase is spoken 1.4-2.2 times slower, and (as often) a held musical note follows it.
    ``vary_fillers`` draws other renderings of the fillers and draws half of them out to 0.3-1.2 s."""
    segments: list[Segment] = []
    if rng.random() < filler_prob / 2:
        segments.append(_random_filler(rng, vary_fillers))
    for _ in range(int(rng.integers(3, 7))):
        phrase = _sub_phrase(rng).split()
        stretch = 1.0
        if hard_negative_prob and rng.random() < hard_negative_prob:
            stretch = round(float(rng.uniform(1.4, 2.2)), 2)
        if len(phrase) > 3 and rng.random() < filler_prob / 2:
            cut = int(rng.integers(1, len(phrase)))
            segments += [
                Phrase(" ".join(phrase[:cut]), stretch),
                _random_filler(rng, vary_fillers),
                Phrase(" ".join(phrase[cut:]), stretch),
            ]
        else:
            segments.append(Phrase(" ".join(phrase), stretch))
        if hard_negative_prob and rng.random() < hard_negative_prob:
            freq = float(110.0 * 2 ** (rng.integers(0, 24) / 12))
            segments.append(HeldNote(round(freq, 1), round(float(rng.uniform(0.4, 1.4)), 2)))
        if rng.random() < 0.15:
            segments.append(Pause(round(float(rng.uniform(0.4, 1.8)), 2)))
        if drawn_out_prob and rng.random() < drawn_out_prob:
            segments.append(DrawnOutWord(DRAWN_OUT_WORDS[int(rng.integers(len(DRAWN_OUT_WORDS)))]))
        if rng.random() < filler_prob:
            segments.append(_random_filler(rng, vary_fillers))
            if rng.random() < 0.15:
                segments.append(_random_filler(rng, vary_fillers))
    return segments


_KIND_WEIGHTS = np.array([1.0, 1.0, 1.4, 1.0, 1.4])
"""Drawing weights of :data:`FILLER_KINDS` when fillers are varied: "er" and "hmm", the kinds missed most."""


def _random_filler(rng: np.random.Generator, vary: bool = False) -> FillerSegment:
    if not vary:
        return FillerSegment(FILLER_KINDS[int(rng.integers(len(FILLER_KINDS)))])
    kind = FILLER_KINDS[int(rng.choice(len(FILLER_KINDS), p=_KIND_WEIGHTS / _KIND_WEIGHTS.sum()))]
    variant = int(rng.integers(0, 4)) if rng.random() < 0.6 else 0
    length = round(float(rng.uniform(0.3, 1.2)), 2) if rng.random() < 0.5 else None
    return FillerSegment(kind, variant, length)


def random_condition(rng: np.random.Generator, noise: NoiseSpec | None) -> Condition:
    """Room (40 %: :func:`~inference.training.rooms.random_room`), channel (phone 12 %, laptop 12 %) and level
    (half the clips: -45 to -3 dBFS) for a clip whose bed is ``noise``."""
    room = random_room(rng) if rng.random() < 0.4 else None
    draw = rng.random()
    channel: Channel | None = "phone" if draw < 0.12 else "laptop" if draw < 0.24 else None
    level = round(float(rng.uniform(-45.0, -3.0)), 1) if rng.random() < 0.5 else None
    parts = [
        "clean" if noise is None else f"{noise.kind}@{noise.snr_db:g}dB",
        *(["room"] if room else []),
        *([channel] if channel else []),
    ]
    return Condition("+".join(parts), noise, room, channel, level)


def _pick_voice(rng: np.random.Generator, voices: Sequence[str]) -> str:
    engines = sorted({engine_of(v) for v in voices})
    weights = np.array([ENGINE_WEIGHTS.get(e, 1.0) for e in engines])
    engine = engines[int(rng.choice(len(engines), p=weights / weights.sum()))]
    pool = [v for v in voices if engine_of(v) == engine]
    return pool[int(rng.integers(len(pool)))]


def generate_corpus(spec: CorpusSpec) -> Iterator[tuple[SynthClip, Condition]]:
    """Yield ``spec.n_clips`` clips (samples already through their condition) with the condition; clip ``i``
    depends only on ``(spec.seed, i)``."""
    for i in range(spec.n_clips):
        rng = np.random.default_rng([spec.seed, i])
        voice = SynthVoice(
            name=_pick_voice(rng, spec.voices),
            rate_wpm=int(rng.integers(spec.rate_range[0], spec.rate_range[1] + 1)),
            pitch=int(rng.integers(25, 76)),
        )
        kind, snr = spec.noise[int(rng.integers(len(spec.noise)))]
        noise = None if kind is None else NoiseSpec(kind, snr, seed=int(rng.integers(2**31)))
        script = random_script(
            rng, spec.filler_prob, spec.drawn_out_prob, spec.hard_negative_prob if spec.varied else 0.0, spec.varied
        )
        gaps = (float(rng.uniform(0.04, 0.3)), float(rng.uniform(0.1, 0.6)), float(rng.uniform(0.1, 0.6)))
        gain_db = float(rng.uniform(-20.0, 2.0))
        try:
            clip = _synthesize(script, voice, noise, gaps, gain_db)
        except SynthError:  # a rare sound an engine cannot voice: the same script by the split's first voice
            clip = _synthesize(script, SynthVoice(spec.voices[0], voice.rate_wpm, voice.pitch), noise, gaps, gain_db)
        condition = random_condition(rng, noise) if spec.varied else Condition(_noise_name(noise), noise)
        samples = apply_condition(clip.samples, condition) if spec.varied else clip.samples
        yield SynthClip(samples, clip.truth), condition


def _synthesize(
    script: list[Segment], voice: SynthVoice, noise: NoiseSpec | None, gaps: tuple[float, float, float], gain_db: float
) -> SynthClip:
    gap_s, lead_s, tail_s = gaps
    return synthesize(script, voice, noise=noise, gap_s=gap_s, lead_s=lead_s, tail_s=tail_s, gain_db=gain_db)


def _noise_name(noise: NoiseSpec | None) -> str:
    return "clean" if noise is None else f"{noise.kind}@{noise.snr_db:g}dB"


def generate_clips(spec: CorpusSpec) -> Iterator[SynthClip]:
    """The clips of :func:`generate_corpus` without their conditions."""
    for clip, _ in generate_corpus(spec):
        yield clip


def window_labels(fillers: Sequence[TruthWord], n_windows: int, spec: WindowSpec = DEFAULT_WINDOWS) -> np.ndarray:
    """Class per window: a filler class when the window holds most of a filler (≥ 60 % of the shorter of
    window and filler), 0 when it overlaps fillers by ≤ 50 ms in total, else -1 (ambiguous, not trained on)."""
    labels = np.zeros(n_windows, np.int64)
    starts = spec.window_start_s(np.arange(n_windows))
    ends = starts + spec.window_s
    total_overlap = np.zeros(n_windows)
    for filler in fillers:
        overlap = np.clip(np.minimum(ends, filler.end_s) - np.maximum(starts, filler.start_s), 0.0, None)
        total_overlap += overlap
        strong = overlap >= 0.6 * min(spec.window_s, filler.end_s - filler.start_s)
        labels[strong & (labels <= 0)] = FILLER_CLASS[filler.text]
    labels[(labels == 0) & (total_overlap > 0.05)] = -1
    return labels


def clip_window_set(clip: SynthClip, clip_index: int = 0, spec: WindowSpec = DEFAULT_WINDOWS) -> WindowSet:
    """Windows of one clip with their labels."""
    x = clip_windows(clip.samples, spec)
    y = window_labels(clip.truth.fillers, len(x), spec)
    return WindowSet(x, y, np.full(len(x), clip_index, np.int32))


def build_window_set(clips: Sequence[SynthClip], spec: WindowSpec = DEFAULT_WINDOWS) -> WindowSet:
    """Stack the windows of many clips."""
    parts = [clip_window_set(c, i, spec) for i, c in enumerate(clips)]
    return WindowSet(
        np.concatenate([p.x for p in parts]).astype(np.float32),
        np.concatenate([p.y for p in parts]),
        np.concatenate([p.clip for p in parts]),
    )
