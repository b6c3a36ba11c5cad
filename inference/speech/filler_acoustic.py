"""Acoustic filler detector: a small Keras CNN over log-mel windows finds "um"/"uh"-like sounds.

Only :meth:`AcousticFillerDetector.load` imports Keras/TensorFlow, so this module is safe to import anywhere;
the detector itself must only be loaded inside worker processes (TensorFlow exports OpenSSL symbols that crash aiortc).
The window layout and the event merging are pure functions shared with the training script.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inference.speech.audio_features import DEFAULT_CONFIG, LogMelConfig, frame_windows, log_mel
from inference.speech.types import SAMPLE_RATE, Filler

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DEFAULT_MODEL_PATH = WEIGHTS_DIR / "filler_cnn.keras"
DEFAULT_EVAL_PATH = WEIGHTS_DIR / "filler_cnn.eval.json"

#: Model classes: index 0 is "no filler"; the others name the filler the sound resembles.
CLASS_NAMES: tuple[str, ...] = ("none", "um", "uh")
#: Which model class a filler word is trained as (nasal "um"/"hmm" vs open-vowel "uh"/"er"/"ah").
FILLER_CLASS: dict[str, int] = {"um": 1, "hmm": 1, "uh": 2, "er": 2, "ah": 2}


@dataclass(frozen=True)
class WindowSpec:
    """How a clip is cut into model inputs: ``window_frames`` log-mel frames every ``step_frames``."""

    window_frames: int = 48
    step_frames: int = 10
    features: LogMelConfig = DEFAULT_CONFIG

    @property
    def window_s(self) -> float:
        cfg = self.features
        return ((self.window_frames - 1) * cfg.hop_length + cfg.win_length) / cfg.sample_rate

    @property
    def step_s(self) -> float:
        return self.step_frames * self.features.hop_s

    @property
    def min_samples(self) -> int:
        cfg = self.features
        return (self.window_frames - 1) * cfg.hop_length + cfg.win_length

    def window_start_s(self, index: np.ndarray | int) -> np.ndarray:
        return np.asarray(index, dtype=np.float64) * self.step_s


DEFAULT_WINDOWS = WindowSpec()


def normalise_windows(windows: np.ndarray) -> np.ndarray:
    """Remove each window's overall log level, so the model sees spectral shape, not loudness."""
    w = np.asarray(windows, dtype=np.float32)
    return (w - w.mean(axis=(1, 2), keepdims=True)).astype(np.float32)


def clip_windows(samples16k: np.ndarray, spec: WindowSpec = DEFAULT_WINDOWS) -> np.ndarray:
    """Model inputs for a clip: normalised log-mel windows ``(n, window_frames, n_mels)``.

    A clip shorter than one window is padded with silence to one window.
    """
    x = np.asarray(samples16k, dtype=np.float32).reshape(-1)
    if len(x) < spec.min_samples:
        x = np.concatenate([x, np.zeros(spec.min_samples - len(x), np.float32)])
    features = log_mel(x, spec.features)
    return normalise_windows(frame_windows(features, spec.window_frames, spec.step_frames))


@dataclass(frozen=True)
class AcousticEvent:
    """A merged run of positive windows: times in seconds, peak filler probability and guessed word."""

    start_s: float
    end_s: float
    confidence: float
    text: str


def merge_windows(
    probs: np.ndarray,
    spec: WindowSpec = DEFAULT_WINDOWS,
    threshold: float = 0.5,
    min_windows: int = 1,
    offset_s: float = 0.0,
) -> list[AcousticEvent]:
    """Merge consecutive windows whose filler probability reaches ``threshold`` into events.

    ``probs`` is ``(n, len(CLASS_NAMES))`` class probabilities per window. Each window stands for the
    ``step_s`` around its centre; an event spans its windows' centre regions, widened to at least one step on
    each side, and is kept when it has ``min_windows`` windows. ``text`` is the filler class with the larger
    summed probability over the event.
    """
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or len(p) == 0:
        return []
    filler_p = 1.0 - p[:, 0]
    positive = filler_p >= threshold
    events: list[AcousticEvent] = []
    i = 0
    half = spec.window_s / 2
    while i < len(positive):
        if not positive[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(positive) and positive[j + 1]:
            j += 1
        if j - i + 1 >= min_windows:
            centre_first = float(spec.window_start_s(i)) + half
            centre_last = float(spec.window_start_s(j)) + half
            start = max(0.0, centre_first - spec.step_s)
            end = centre_last + spec.step_s
            kind = 1 + int(np.argmax(p[i : j + 1, 1:].sum(axis=0)))
            events.append(
                AcousticEvent(
                    round(offset_s + start, 3),
                    round(offset_s + end, 3),
                    round(float(filler_p[i : j + 1].max()), 4),
                    CLASS_NAMES[kind],
                )
            )
        i = j + 1
    return events


def events_to_fillers(events: Sequence[AcousticEvent]) -> list[Filler]:
    """Acoustic events as :class:`Filler` records with ``source="acoustic"``."""
    return [Filler(e.text, e.start_s, e.end_s, "acoustic", e.confidence) for e in events]


@dataclass(frozen=True)
class DetectorSettings:
    """Decision parameters stored next to the weights (tuned on the validation split)."""

    threshold: float = 0.5
    min_windows: int = 2

    @classmethod
    def from_eval_json(cls, path: Path) -> DetectorSettings:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        decision = data.get("decision", {})
        return cls(float(decision.get("threshold", 0.5)), int(decision.get("min_windows", 2)))


class AcousticFillerDetector:
    """Finds filler sounds in 16 kHz mono audio with the committed Keras model. Load with :meth:`load`."""

    def __init__(
        self,
        predict: Callable[[np.ndarray], np.ndarray],
        settings: DetectorSettings = DetectorSettings(),
        spec: WindowSpec = DEFAULT_WINDOWS,
    ) -> None:
        self._predict = predict
        self.settings = settings
        self.spec = spec

    @classmethod
    def load(
        cls,
        path: str | Path = DEFAULT_MODEL_PATH,
        settings: DetectorSettings | None = None,
        threads: int = 1,
    ) -> AcousticFillerDetector:
        """Load the Keras model at ``path`` (imports TensorFlow: call only in a worker process).

        Decision settings default to the ``decision`` block of ``<stem>.eval.json`` beside the weights.
        """
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"filler model not found: {path}")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            pass  # already initialised in this process
        import keras

        model = keras.saving.load_model(path, compile=False)
        infer = tf.function(lambda x: model(x, training=False), reduce_retracing=True)

        def predict(windows: np.ndarray) -> np.ndarray:
            return np.asarray(infer(tf.convert_to_tensor(windows[..., None])))

        eval_path = path.with_name(path.name.removesuffix(".keras") + ".eval.json")
        return cls(predict, settings or DetectorSettings.from_eval_json(eval_path))

    def probabilities(self, samples16k: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n_windows, len(CLASS_NAMES))`` for a clip."""
        windows = clip_windows(samples16k, self.spec)
        if len(windows) == 0:
            return np.zeros((0, len(CLASS_NAMES)), np.float32)
        return self._predict(np.ascontiguousarray(windows))

    def events(self, samples16k: np.ndarray, offset_s: float = 0.0) -> list[AcousticEvent]:
        """Filler events with confidence and guessed word; times are ``offset_s`` + seconds into the clip."""
        probs = self.probabilities(samples16k)
        return merge_windows(probs, self.spec, self.settings.threshold, self.settings.min_windows, offset_s)

    def detect(self, samples16k: np.ndarray, offset_s: float = 0.0) -> list[Filler]:
        """Fillers (``source="acoustic"``, ``confidence`` = peak probability) found in ``samples16k``."""
        return events_to_fillers(self.events(samples16k, offset_s))


def describe(detector: AcousticFillerDetector) -> dict[str, Any]:
    """Settings of a loaded detector, for logs and reports."""
    return {
        "threshold": detector.settings.threshold,
        "min_windows": detector.settings.min_windows,
        "window_s": detector.spec.window_s,
        "step_s": detector.spec.step_s,
        "sample_rate": SAMPLE_RATE,
    }
