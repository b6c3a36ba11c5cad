"""Trains the posture/gesture network on synthetic landmark windows and evaluates it.

``python -m inference.training.train_body_model --out inference/body/weights`` generates train/validation/test
sets with :mod:`inference.training.body_synth` (fixed seeds), trains :class:`~inference.body.model.BodyNet`,
keeps the epoch with the best validation accuracy, prints an evaluation table on the held-out test set, writes
``body_model.pt`` and ``eval.json`` to ``--out`` and logs parameters, metrics and both files to MLflow.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from inference.body.model import BodyNet, BodyNetConfig, normalize_windows
from inference.training.body_synth import GESTURES, POSTURES, generate
from inference.training.registry import BODY_MODEL_NAME, default_tracking_uri, prepare_store, register_weights

WEIGHTS_NAME = "body_model.pt"
EVAL_NAME = "eval.json"


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run."""

    n_train: int = 24000
    n_val: int = 3000
    n_test: int = 6000
    seed: int = 20240601
    epochs: int = 24
    batch_size: int = 256
    lr: float = 3e-3
    weight_decay: float = 1e-4
    hidden: int = 64
    dropout: float = 0.1
    threads: int = 2


@dataclass(frozen=True)
class Split:
    """Normalised inputs and integer labels of one generated data set."""

    x: torch.Tensor
    posture: torch.Tensor
    gesture: torch.Tensor


def make_split(n: int, seed: int) -> Split:
    """Generates and normalises ``n`` windows with ``seed``."""
    batch = generate(n, seed)
    return Split(
        torch.from_numpy(normalize_windows(batch.windows, batch.aspect)),
        torch.from_numpy(batch.posture),
        torch.from_numpy(batch.gesture),
    )


def _f1(confusion: np.ndarray) -> np.ndarray:
    tp = np.diag(confusion).astype(float)
    precision = tp / np.maximum(confusion.sum(axis=0), 1)
    recall = tp / np.maximum(confusion.sum(axis=1), 1)
    return 2 * precision * recall / np.maximum(precision + recall, 1e-12)


def head_report(truth: np.ndarray, pred: np.ndarray, names: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro F1, per-class F1 and confusion matrix (rows: truth, columns: prediction)."""
    k = len(names)
    confusion = np.bincount(truth * k + pred, minlength=k * k).reshape(k, k)
    f1 = _f1(confusion)
    return {
        "accuracy": float((truth == pred).mean()) if truth.size else 0.0,
        "macro_f1": float(f1.mean()),
        "f1": {name: float(v) for name, v in zip(names, f1, strict=True)},
        "confusion": confusion.tolist(),
        "classes": list(names),
    }


def predict(net: BodyNet, x: torch.Tensor, batch_size: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Arg-max posture and gesture indices for normalised inputs."""
    net.eval()
    posture, gesture = [], []
    with torch.inference_mode():
        for i in range(0, x.shape[0], batch_size):
            lp, lg = net(x[i : i + batch_size])
            posture.append(lp.argmax(1).numpy())
            gesture.append(lg.argmax(1).numpy())
    return np.concatenate(posture), np.concatenate(gesture)


def evaluate(net: BodyNet, split: Split) -> dict[str, Any]:
    """Both heads' reports on ``split``."""
    p, g = predict(net, split.x)
    return {
        "posture": head_report(split.posture.numpy(), p, POSTURES),
        "gesture": head_report(split.gesture.numpy(), g, GESTURES),
    }


def format_report(report: dict[str, Any]) -> str:
    """Human-readable table of :func:`evaluate`'s output."""
    lines = []
    for head in ("posture", "gesture"):
        r = report[head]
        names = r["classes"]
        lines.append(f"{head}: accuracy {r['accuracy']:.3f}  macro-F1 {r['macro_f1']:.3f}")
        width = max(len(n) for n in names) + 2
        lines.append(" " * width + "".join(f"{n[:10]:>11}" for n in names) + "         F1")
        for name, row in zip(names, r["confusion"], strict=True):
            lines.append(f"{name:<{width}}" + "".join(f"{v:>11d}" for v in row) + f"{r['f1'][name]:>11.3f}")
        lines.append("")
    return "\n".join(lines)


def train(
    config: TrainConfig,
    log: Callable[[str], None] = print,
    on_epoch: Callable[[int, dict[str, float]], None] | None = None,
) -> tuple[BodyNet, dict[str, Any]]:
    """Runs one training; returns the best-validation network and a summary with the test evaluation."""
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    started = time.perf_counter()
    train_set = make_split(config.n_train, config.seed)
    val_set = make_split(config.n_val, config.seed + 1)
    test_set = make_split(config.n_test, config.seed + 2)
    gen_s = time.perf_counter() - started
    log(f"generated {config.n_train}/{config.n_val}/{config.n_test} windows in {gen_s:.1f} s")

    net = BodyNet(BodyNetConfig(hidden=config.hidden, dropout=config.dropout))
    opt = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps = config.epochs * -(-config.n_train // config.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config.lr, total_steps=max(steps, 1))
    loss_fn = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(config.seed)
    best: tuple[float, dict[str, torch.Tensor]] = (-1.0, {})
    for epoch in range(config.epochs):
        net.train()
        order = torch.randperm(config.n_train, generator=shuffle)
        total = 0.0
        for i in range(0, config.n_train, config.batch_size):
            idx = order[i : i + config.batch_size]
            lp, lg = net(train_set.x[idx])
            loss = loss_fn(lp, train_set.posture[idx]) + loss_fn(lg, train_set.gesture[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * idx.shape[0]
        val = evaluate(net, val_set)
        metrics = {
            "train_loss": total / config.n_train,
            "val_posture_acc": val["posture"]["accuracy"],
            "val_gesture_acc": val["gesture"]["accuracy"],
        }
        score = metrics["val_posture_acc"] + metrics["val_gesture_acc"]
        if score > best[0]:
            best = (score, {k: v.detach().clone() for k, v in net.state_dict().items()})
        log(
            f"epoch {epoch + 1:2d}  loss {metrics['train_loss']:.4f}  val posture {metrics['val_posture_acc']:.3f}"
            f"  gesture {metrics['val_gesture_acc']:.3f}"
        )
        if on_epoch is not None:
            on_epoch(epoch, metrics)
    net.load_state_dict(best[1])
    summary = {
        "config": asdict(config),
        "model": net.config.to_dict(),
        "parameters": sum(p.numel() for p in net.parameters()),
        "train_seconds": round(time.perf_counter() - started, 1),
        "test": evaluate(net, test_set),
    }
    return net, summary


def save_weights(net: BodyNet, path: Path) -> None:
    """Writes the state dict, architecture and class names (loadable with ``weights_only=True``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "state_dict": net.state_dict(),
            "config": net.config.to_dict(),
            "postures": list(POSTURES),
            "gestures": list(GESTURES),
        },
        path,
    )


REAL_CASES: tuple[tuple[str, float, bool, str, str], ...] = (
    ("upright", 0.0, True, "hands_hidden", "still"),
    ("tilted +15", 15.0, True, "tilted", "still"),
    ("tilted -15", -15.0, True, "tilted", "still"),
    ("absent", 0.0, False, "absent", "absent"),
)
"""Real-photo scenes: name, tilt, person present, expected posture and gesture. The photo is a head-and-shoulders
portrait, so the hands are out of frame: an upright pose is, by the label priority, ``hands_hidden``."""


def evaluate_real(pose_model: Path, weights: Path | None = None, variants: int = 3) -> dict[str, Any]:
    """Runs MediaPipe on short videos of matplotlib's real photo and scores the classifier (``weights``).

    Needs ``tests.generators.video`` (a test helper) and a prepared ``.task`` bundle; returns per-case
    predictions and the overall posture/gesture accuracy.
    """
    from inference.body.classifier import BodyClassifier
    from inference.pose.mediapipe_estimator import MediaPipePoseEstimator
    from tests.generators.video import VideoScript, generate_frames

    classifier = BodyClassifier.load(weights, num_threads=None)
    cases = []
    for name, tilt, present, want_posture, want_gesture in REAL_CASES:
        for v in range(variants):
            script = VideoScript(
                tilt_deg=((0.0, tilt),),
                x_offset_px=((0.0, 60.0 * (v - 1)),),
                scale=((0.0, 1.0 - 0.1 * v),),
                absent=() if present else ((0.0, 99.0),),
                noise_std=3.0,
                seed=v,
            )
            with MediaPipePoseEstimator(pose_model, "video") as estimator:
                frames = [estimator.estimate(rgb, truth.t_s) for rgb, truth in generate_frames(script)]
            window = np.stack(
                [f.landmarks if f.landmarks is not None else np.zeros((33, 4), np.float32) for f in frames]
            )
            labels = classifier.predict(window, aspect=script.width / script.height)
            cases.append(
                {
                    "case": name,
                    "variant": v,
                    "expected_posture": want_posture,
                    "expected_gesture": want_gesture,
                    "posture": labels.posture,
                    "posture_confidence": round(labels.posture_confidence, 3),
                    "gesture": labels.gesture,
                    "gesture_confidence": round(labels.gesture_confidence, 3),
                    "person_visible_ratio": round(labels.person_visible_ratio, 3),
                }
            )
    return {
        "pose_model": pose_model.name,
        "posture_accuracy": float(np.mean([c["posture"] == c["expected_posture"] for c in cases])),
        "gesture_accuracy": float(np.mean([c["gesture"] == c["expected_gesture"] for c in cases])),
        "cases": cases,
    }


def format_real(report: dict[str, Any]) -> str:
    """Table of :func:`evaluate_real`'s output."""
    lines = [
        f"real photo ({report['pose_model']}): posture accuracy {report['posture_accuracy']:.3f}, "
        f"gesture accuracy {report['gesture_accuracy']:.3f}"
    ]
    for c in report["cases"]:
        lines.append(
            f"  {c['case']:<11} v{c['variant']}  posture {c['posture']:<16} ({c['posture_confidence']:.2f},"
            f" want {c['expected_posture']})  gesture {c['gesture']:<10} ({c['gesture_confidence']:.2f},"
            f" want {c['expected_gesture']})"
        )
    return "\n".join(lines)


def _mlflow_run(uri: str, config: TrainConfig) -> Any:
    prepare_store(uri)
    import mlflow

    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("podium-body-model")
    run = mlflow.start_run()
    mlflow.log_params(asdict(config))
    return mlflow, run


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("inference/body/weights"))
    parser.add_argument(
        "--mlflow-uri",
        default=default_tracking_uri(),
        help="MLflow tracking URI (default MLFLOW_TRACKING_URI, else sqlite:///var/mlflow.db); '' disables logging",
    )
    parser.add_argument("--register-as", default=BODY_MODEL_NAME, help="registered model name ('' not to register)")
    parser.add_argument(
        "--eval-real", action="store_true", help="also run MediaPipe on real-photo videos and score the written weights"
    )
    parser.add_argument("--eval-only", action="store_true", help="skip training; with --eval-real only")
    parser.add_argument("--pose-model", type=Path, default=Path("var/models/pose_landmarker_full.task"))
    for name, value in asdict(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    config = TrainConfig(**{k: getattr(args, k) for k in asdict(defaults)})
    if args.eval_only:
        print(format_real(evaluate_real(args.pose_model)))
        return 0

    tracker = _mlflow_run(args.mlflow_uri, config) if args.mlflow_uri else None
    on_epoch = None
    if tracker is not None:
        mlflow = tracker[0]

        def on_epoch(epoch: int, metrics: dict[str, float]) -> None:
            mlflow.log_metrics(metrics, step=epoch)

    net, summary = train(config, on_epoch=on_epoch)
    print(format_report(summary["test"]))
    weights, report = args.out / WEIGHTS_NAME, args.out / EVAL_NAME
    save_weights(net, weights)
    if args.eval_real:
        summary["real"] = evaluate_real(args.pose_model, weights)
        print(format_real(summary["real"]))
    report.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"wrote {weights} ({weights.stat().st_size} bytes) and {report}")
    if tracker is not None:
        mlflow = tracker[0]
        test = summary["test"]
        metrics = {f"test_{h}_{m}": test[h][m] for h in ("posture", "gesture") for m in ("accuracy", "macro_f1")}
        mlflow.log_metrics(metrics)
        if args.register_as:
            version = register_weights(mlflow, args.register_as, weights, [report], metrics)
            print(f"registered {args.register_as}/{version}")
        else:
            mlflow.log_artifact(str(weights))
            mlflow.log_artifact(str(report))
        mlflow.end_run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
