"""Train the acoustic filler CNN on a generated corpus, evaluate it at event level, log to MLflow.

    nice python -m inference.training.train_filler_model            # writes inference/speech/weights/

Training speaks with espeak-ng and Festival voices through random rooms, bands, beds and levels
(:mod:`inference.training.filler_corpus`). Train, validation and test clips use disjoint voices (no espeak-ng voice
of ``bench/speech_accuracy.py``); the test clips also have their own SNRs and noise seeds, a Festival speaker never
trained on, and flite, the benchmark's held-out engine, which no training or validation clip uses. All splits hold
hard negatives: words that sound like fillers, real words drawn out like one, slow phrases, held notes. Training
keeps every filler window and ``--negative-keep`` of the others. The decision threshold and minimum run length are
chosen on validation, then the test set is scored once and reported per engine, per condition and per voice.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inference.speech.filler_acoustic import (
    CLASS_NAMES,
    DEFAULT_MODEL_PATH,
    DEFAULT_WINDOWS,
    AcousticEvent,
    WindowSpec,
    clip_windows,
    merge_windows,
)
from inference.training.filler_corpus import CorpusSpec, build_window_set, engine_of, generate_corpus, split_specs
from inference.training.registry import FILLER_MODEL_NAME, default_tracking_uri, prepare_store, register_weights
from inference.training.rooms import Condition
from inference.training.speech_synth import SynthClip, TruthWord


@dataclass(frozen=True)
class EventScores:
    """Event-level precision/recall/F1: a detection is correct when it overlaps a not-yet-matched filler."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: EventScores) -> EventScores:
        return EventScores(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


def score_events(
    predicted: Sequence[tuple[float, float]], truth: Sequence[tuple[float, float]], tolerance_s: float = 0.0
) -> EventScores:
    """Match predicted to true ``(start, end)`` intervals one-to-one, largest overlap first."""
    pairs = []
    for i, (ps, pe) in enumerate(predicted):
        for j, (ts, te) in enumerate(truth):
            overlap = min(pe, te + tolerance_s) - max(ps, ts - tolerance_s)
            if overlap > 0:
                pairs.append((overlap, i, j))
    used_p: set[int] = set()
    used_t: set[int] = set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_p and j not in used_t:
            used_p.add(i)
            used_t.add(j)
    tp = len(used_p)
    return EventScores(tp, len(predicted) - tp, len(truth) - tp)


def _intervals(items: Sequence[AcousticEvent] | Sequence[TruthWord]) -> list[tuple[float, float]]:
    return [(x.start_s, x.end_s) for x in items]


def build_model(spec: WindowSpec = DEFAULT_WINDOWS) -> Any:
    """A small CNN: three conv blocks over (frames × mels), dense head, softmax over :data:`CLASS_NAMES`."""
    import keras
    from keras import layers

    inputs = keras.Input((spec.window_frames, spec.features.n_mels, 1), name="log_mel")
    x = layers.Rescaling(0.25)(inputs)
    for filters in (16, 32, 48):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.3)(x)
    x = layers.Dense(32, activation="relu")(x)
    outputs = layers.Dense(len(CLASS_NAMES), activation="softmax", name="class_probs")(x)
    return keras.Model(inputs, outputs, name="filler_cnn")


def clip_probabilities(model: Any, clips: Sequence[SynthClip], spec: WindowSpec = DEFAULT_WINDOWS) -> list[np.ndarray]:
    """Per-clip window probabilities, predicted in one batch."""
    windows = [clip_windows(c.samples, spec) for c in clips]
    probs = model.predict(np.concatenate(windows)[..., None], batch_size=512, verbose=0)
    bounds = np.cumsum([0] + [len(w) for w in windows])
    return [probs[a:b] for a, b in itertools.pairwise(bounds)]


def evaluate(
    probs: Sequence[np.ndarray],
    clips: Sequence[SynthClip],
    threshold: float,
    min_windows: int,
    spec: WindowSpec = DEFAULT_WINDOWS,
) -> EventScores:
    """Event-level scores of the merged detections over a set of clips."""
    total = EventScores(0, 0, 0)
    for p, clip in zip(probs, clips, strict=True):
        events = merge_windows(p, spec, threshold, min_windows)
        total = total + score_events(_intervals(events), _intervals(clip.truth.fillers))
    return total


def tune_decision(probs: Sequence[np.ndarray], clips: Sequence[SynthClip]) -> tuple[float, int, EventScores]:
    """Threshold and minimum run length with the best validation F1."""
    best: tuple[float, int, EventScores] | None = None
    for min_windows in (1, 2, 3):
        for threshold in np.round(np.arange(0.3, 0.96, 0.05), 2):
            scores = evaluate(probs, clips, float(threshold), min_windows)
            if best is None or scores.f1 > best[2].f1:
                best = (float(threshold), min_windows, scores)
    assert best is not None
    return best


def _generate(name: str, spec: CorpusSpec) -> tuple[list[SynthClip], list[Condition]]:
    start = time.monotonic()
    pairs = list(generate_corpus(spec))
    clips = [c for c, _ in pairs]
    audio_s = sum(c.truth.duration_s for c in clips)
    n_fillers = sum(len(c.truth.fillers) for c in clips)
    engines = {e: sum(engine_of(c.truth.voice.name) == e for c in clips) for e in ("espeak-ng", "festival", "flite")}
    print(
        f"{name}: {len(clips)} clips {engines}, {audio_s / 60:.1f} min audio, {n_fillers} fillers "
        f"({time.monotonic() - start:.0f} s)",
        file=sys.stderr,
    )
    return clips, [c for _, c in pairs]


def condition_facets(condition: Condition) -> list[str]:
    """The report groups a clip falls in: its bed (kind), room or dry, channel, and level when set."""
    noise = condition.noise
    facets = ["bed:none" if noise is None else f"bed:{noise.kind}", "room:reverb" if condition.room else "room:dry"]
    facets.append(f"channel:{condition.channel or 'full band'}")
    if condition.level_dbfs is not None:
        facets.append("level:quiet (< -30 dBFS)" if condition.level_dbfs < -30 else "level:-30..-3 dBFS")
    return facets


def grouped_scores(
    probs: Sequence[np.ndarray],
    clips: Sequence[SynthClip],
    groups_of: Sequence[Sequence[str]],
    threshold: float,
    min_windows: int,
) -> dict[str, dict[str, float]]:
    """Event scores per group; clip ``i`` counts in every group named in ``groups_of[i]``."""
    groups: dict[str, list[int]] = {}
    for i, names in enumerate(groups_of):
        for name in names:
            groups.setdefault(name, []).append(i)
    return {
        key: evaluate([probs[i] for i in idx], [clips[i] for i in idx], threshold, min_windows).as_dict()
        for key, idx in sorted(groups.items())
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH, help="model file (.keras)")
    parser.add_argument(
        "--mlflow-uri",
        default=default_tracking_uri(),
        help="MLflow tracking URI (default MLFLOW_TRACKING_URI, else sqlite:///var/mlflow.db; '' to disable)",
    )
    parser.add_argument("--register-as", default=FILLER_MODEL_NAME, help="registered model name ('' not to register)")
    parser.add_argument("--train-clips", type=int, default=500)
    parser.add_argument("--val-clips", type=int, default=80)
    parser.add_argument("--test-clips", type=int, default=150)
    parser.add_argument("--negative-keep", type=float, default=0.4, help="fraction of non-filler windows trained on")
    parser.add_argument("--epochs", type=int, default=14)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras.utils.set_random_seed(args.seed)

    specs = split_specs(args.train_clips, args.val_clips, args.test_clips, args.seed)
    train_clips, _ = _generate("train", specs["train"])
    val_clips, _ = _generate("val", specs["val"])
    test_clips, test_conditions = _generate("test", specs["test"])
    train = build_window_set(train_clips).labelled().thin_negatives(args.negative_keep, args.seed)
    val = build_window_set(val_clips).labelled()
    counts = np.bincount(train.y, minlength=len(CLASS_NAMES))
    class_weight = {i: float(len(train.y) / (len(CLASS_NAMES) * max(c, 1))) for i, c in enumerate(counts)}
    print(f"train windows {len(train.y)} per class {counts.tolist()}; val windows {len(val.y)}", file=sys.stderr)

    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    params: dict[str, Any] = {
        "train_clips": args.train_clips,
        "val_clips": args.val_clips,
        "test_clips": args.test_clips,
        "negative_keep": args.negative_keep,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "window_s": DEFAULT_WINDOWS.window_s,
        "step_s": DEFAULT_WINDOWS.step_s,
        "n_mels": DEFAULT_WINDOWS.features.n_mels,
        "params": model.count_params(),
    }
    run = _start_mlflow(args.mlflow_uri, params)
    callbacks: list[Any] = [keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)]
    if run is not None:
        callbacks.append(_mlflow_epoch_logger())
    start = time.monotonic()
    history = model.fit(
        train.x[..., None],
        train.y,
        validation_data=(val.x[..., None], val.y),
        epochs=args.epochs,
        batch_size=args.batch_size,
        class_weight=class_weight,
        callbacks=callbacks,
        verbose=2,
    )
    train_s = time.monotonic() - start

    val_probs = clip_probabilities(model, val_clips)
    threshold, min_windows, val_scores = tune_decision(val_probs, val_clips)
    test_probs = clip_probabilities(model, test_clips)
    test_scores = evaluate(test_probs, test_clips, threshold, min_windows)
    report = {
        "model": args.out.name,
        "classes": list(CLASS_NAMES),
        "decision": {"threshold": threshold, "min_windows": min_windows},
        "windows": {"window_s": DEFAULT_WINDOWS.window_s, "step_s": DEFAULT_WINDOWS.step_s},
        "train": {
            "negative_keep": args.negative_keep,
            "seconds": round(train_s, 1),
            "epochs_run": len(history.history["loss"]),
            "windows_per_class": counts.tolist(),
            "params": model.count_params(),
        },
        "val": val_scores.as_dict(),
        "test": test_scores.as_dict(),
        "test_by_engine": grouped_scores(
            test_probs, test_clips, [[engine_of(c.truth.voice.name)] for c in test_clips], threshold, min_windows
        ),
        "test_by_condition": grouped_scores(
            test_probs, test_clips, [condition_facets(c) for c in test_conditions], threshold, min_windows
        ),
        "test_by_voice": grouped_scores(
            test_probs, test_clips, [[c.truth.voice.name] for c in test_clips], threshold, min_windows
        ),
        "corpus": {
            name: {
                "clips": s.n_clips,
                "voices": list(s.voices),
                "seed": s.seed,
                "noise": [[k, snr] for k, snr in s.noise],
                "drawn_out_prob": s.drawn_out_prob,
                "hard_negative_prob": s.hard_negative_prob,
                "varied": s.varied,
            }
            for name, s in specs.items()
        },
        "note": "event level: a detection counts when it overlaps a true filler; synthetic speech only (espeak-ng "
        "and Festival in training and validation; the test split adds an unseen Festival speaker and flite, the "
        "held-out engine, scored only)",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    export = build_model()
    export.set_weights(model.get_weights())
    export.save(args.out)
    eval_path = args.out.with_name(args.out.name.removesuffix(".keras") + ".eval.json")
    eval_path.write_text(json.dumps(report, indent=2) + "\n")
    _print_report(report, args.out)
    if run is not None:
        import mlflow

        mlflow.log_metrics({f"val_{k}": float(v) for k, v in val_scores.as_dict().items()})
        mlflow.log_metrics({f"test_{k}": float(v) for k, v in test_scores.as_dict().items()})
        mlflow.log_metrics(
            {f"test_{e.replace('-', '_')}_f1": float(v["f1"]) for e, v in report["test_by_engine"].items()}
        )
        mlflow.log_params({"threshold": threshold, "min_windows": min_windows})
        if args.register_as:
            metrics = {f"test_{k}": float(v) for k, v in test_scores.as_dict().items()}
            version = register_weights(mlflow, args.register_as, args.out, [eval_path], metrics)
            print(f"registered {args.register_as}/{version}", file=sys.stderr)
        else:
            mlflow.log_artifact(str(eval_path))
            mlflow.log_artifact(str(args.out))
        mlflow.end_run()
    return 0


def _start_mlflow(uri: str, params: dict[str, Any]) -> Any:
    if not uri:
        return None
    prepare_store(uri)
    import mlflow

    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("filler-acoustic")
    run = mlflow.start_run()
    mlflow.log_params(params)
    return run


def _mlflow_epoch_logger() -> Any:
    import keras
    import mlflow

    class MlflowEpochLogger(keras.callbacks.Callback):  # type: ignore[misc]
        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            mlflow.log_metrics({k: float(v) for k, v in (logs or {}).items()}, step=epoch)

    return MlflowEpochLogger()


def _print_report(report: dict[str, Any], path: Path) -> None:
    print(f"model: {path} ({path.stat().st_size / 1024:.0f} KiB), decision {report['decision']}")
    print(f"{'split':<32} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}")
    rows = [("val (unseen voices)", report["val"]), ("test (unseen voices/noise)", report["test"])]
    for block in ("test_by_engine", "test_by_condition", "test_by_voice"):
        rows += [(f"  {k}", v) for k, v in report[block].items()]
    for name, s in rows:
        print(
            f"{name:<32} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['true_positives']:5d} {s['false_positives']:5d} {s['false_negatives']:5d}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
