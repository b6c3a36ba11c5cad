"""Generated corpus for the acoustic filler model: varied espeak-ng clips with fillers at known times, cut into
labelled log-mel windows.

Variety: voices and voice variants, rates 110-220 wpm, pitch, loudness, white/pink/babble noise at several SNRs,
gaps, pauses, words that sound like fillers ("umbrella", "error", "father", "oh") and real words drawn out like a
filler ("sooo", "welll"). Splits hold out voices,
noise seeds and SNR values so validation and test measures generalisation rather than memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from inference.speech.filler_acoustic import DEFAULT_WINDOWS, FILLER_CLASS, WindowSpec, clip_windows
from inference.training.noise import NoiseKind, NoiseSpec
from inference.training.speech_synth import (
    DRAWN_OUT_WORDS,
    FILLER_KINDS,
    DrawnOutWord,
    FillerSegment,
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

TRAIN_VOICES: tuple[str, ...] = (
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
VAL_VOICES: tuple[str, ...] = (
    "en-us+m5",
    "en-gb+f5",
    "en-gb-x-rp+m3",
    "en-029+f4",
    "en-us-nyc+m2",
    "en-gb-scotland+f2",
)
TEST_VOICES: tuple[str, ...] = (
    "en-029+f5",
    "en-us-nyc+f1",
    "en-gb-x-gbcwmd+m4",
    "en-us+f1",
    "en-gb-x-gbclan+m7",
    "en-gb+Alicia",
)
"""No split uses a voice of the speech accuracy benchmark (``speech_synth.DEFAULT_VOICES``)."""

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
)
TEST_NOISE: tuple[tuple[NoiseKind | None, float], ...] = (
    (None, 0.0),
    ("white", 22.0),
    ("pink", 14.0),
    ("babble", 16.0),
    ("white", 8.0),
    ("babble", 9.0),
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


def random_script(rng: np.random.Generator, filler_prob: float = 0.45, drawn_out_prob: float = 0.0) -> list[Segment]:
    """3-6 phrases with fillers (sometimes mid-phrase, sometimes two in a row), occasional pauses and, with
    ``drawn_out_prob`` after each phrase, a real word with a lengthened vowel ("sooo", "welll")."""
    segments: list[Segment] = []
    if rng.random() < filler_prob / 2:
        segments.append(FillerSegment(FILLER_KINDS[int(rng.integers(len(FILLER_KINDS)))]))
    for _ in range(int(rng.integers(3, 7))):
        phrase = _sub_phrase(rng).split()
        if len(phrase) > 3 and rng.random() < filler_prob / 2:
            cut = int(rng.integers(1, len(phrase)))
            segments += [Phrase(" ".join(phrase[:cut])), _random_filler(rng), Phrase(" ".join(phrase[cut:]))]
        else:
            segments.append(Phrase(" ".join(phrase)))
        if rng.random() < 0.15:
            segments.append(Pause(round(float(rng.uniform(0.4, 1.8)), 2)))
        if drawn_out_prob and rng.random() < drawn_out_prob:
            segments.append(DrawnOutWord(DRAWN_OUT_WORDS[int(rng.integers(len(DRAWN_OUT_WORDS)))]))
        if rng.random() < filler_prob:
            segments.append(_random_filler(rng))
            if rng.random() < 0.15:
                segments.append(_random_filler(rng))
    return segments


def _random_filler(rng: np.random.Generator) -> FillerSegment:
    return FillerSegment(FILLER_KINDS[int(rng.integers(len(FILLER_KINDS)))])


def generate_clips(spec: CorpusSpec) -> Iterator[SynthClip]:
    """Yield ``spec.n_clips`` clips; clip ``i`` depends only on ``(spec.seed, i)``."""
    for i in range(spec.n_clips):
        rng = np.random.default_rng([spec.seed, i])
        voice = SynthVoice(
            name=spec.voices[int(rng.integers(len(spec.voices)))],
            rate_wpm=int(rng.integers(spec.rate_range[0], spec.rate_range[1] + 1)),
            pitch=int(rng.integers(25, 76)),
        )
        kind, snr = spec.noise[int(rng.integers(len(spec.noise)))]
        noise = None if kind is None else NoiseSpec(kind, snr, seed=int(rng.integers(2**31)))
        yield synthesize(
            random_script(rng, spec.filler_prob, spec.drawn_out_prob),
            voice,
            noise=noise,
            gap_s=float(rng.uniform(0.04, 0.3)),
            lead_s=float(rng.uniform(0.1, 0.6)),
            tail_s=float(rng.uniform(0.1, 0.6)),
            gain_db=float(rng.uniform(-20.0, 2.0)),
        )


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
