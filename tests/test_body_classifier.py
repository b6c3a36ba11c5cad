"""Posture/gesture classifier: committed weights, inference path, invariances and a tiny training run."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
import torch

from inference.body.classifier import ABSENT, DEFAULT_WEIGHTS, BodyClassifier
from inference.body.model import IN_CHANNELS, BodyNet, normalize_windows
from inference.training.body_camera import L_SHOULDER, R_SHOULDER
from inference.training.body_synth import (
    GESTURES,
    POSTURES,
    PURPOSEFUL,
    STILL,
    TILTED,
    UPRIGHT,
    generate,
)
from inference.training.train_body_model import EVAL_NAME, TrainConfig, main, save_weights, train


@pytest.fixture(scope="module")
def clf() -> BodyClassifier:
    return BodyClassifier.load(num_threads=1)


def _rotate(windows: np.ndarray, aspect: float, deg: float) -> np.ndarray:
    """Rotates every present frame in the image plane (true pixel angles) about its shoulder midpoint."""
    out = windows.copy()
    xy = out[..., :2].astype(np.float64)
    xy[..., 0] *= aspect
    centre = (xy[:, :, L_SHOULDER] + xy[:, :, R_SHOULDER])[:, :, None, :] / 2
    a = np.deg2rad(deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    xy = (xy - centre) @ rot.T + centre
    xy[..., 0] /= aspect
    present = np.abs(windows).sum(axis=(2, 3)) > 0
    out[..., :2] = np.where(present[..., None, None], xy, 0.0)
    return out


def test_committed_weights_are_small_and_evaluated():
    assert DEFAULT_WEIGHTS.stat().st_size < 1_000_000
    report = json.loads((DEFAULT_WEIGHTS.parent / EVAL_NAME).read_text())
    assert report["test"]["posture"]["accuracy"] > 0.8
    assert report["test"]["gesture"]["accuracy"] > 0.8


def test_prediction_is_a_distribution(clf):
    batch = generate(6, seed=21)
    for window, aspect in zip(batch.windows, batch.aspect, strict=True):
        labels = clf.predict(window, aspect=float(aspect))
        assert labels.posture in POSTURES and labels.gesture in GESTURES
        assert sum(labels.posture_probs.values()) == pytest.approx(1.0, abs=1e-5)
        assert sum(labels.gesture_probs.values()) == pytest.approx(1.0, abs=1e-5)
        assert labels.posture_confidence == max(labels.posture_probs.values())
        assert labels.gesture_confidence == max(labels.gesture_probs.values())
        assert labels.person_visible


def test_batch_matches_single(clf):
    batch = generate(5, seed=22)
    many = clf.predict_batch(batch.windows, batch.aspect)
    for i, labels in enumerate(many):
        one = clf.predict(batch.windows[i], aspect=float(batch.aspect[i]))
        assert one.posture == labels.posture
        assert one.posture_confidence == pytest.approx(labels.posture_confidence, abs=1e-5)


def test_clearly_tilted_window_is_tilted(clf):
    upright = generate(12, seed=23, posture=UPRIGHT, gesture=STILL)
    aspect = 4 / 3
    level = [lab.posture for lab in clf.predict_batch(upright.windows, aspect)]
    assert level.count("tilted") <= 2
    for deg in (20.0, -20.0):
        tilted = [lab.posture for lab in clf.predict_batch(_rotate(upright.windows, aspect, deg), aspect)]
        assert tilted.count("tilted") >= 10, (deg, tilted)


def test_generated_classes_are_recognised(clf):
    tilted = generate(40, seed=24, posture=TILTED)
    assert np.mean([lab.posture == "tilted" for lab in clf.predict_batch(tilted.windows, tilted.aspect)]) > 0.7
    still = generate(40, seed=25, gesture=STILL)
    assert np.mean([lab.gesture == "still" for lab in clf.predict_batch(still.windows, still.aspect)]) > 0.7
    moving = generate(40, seed=26, posture=UPRIGHT, gesture=PURPOSEFUL)
    labels = clf.predict_batch(moving.windows, moving.aspect)
    assert np.mean([lab.gesture == "purposeful" for lab in labels]) > 0.8


def test_invariant_to_position_and_scale(clf):
    batch = generate(8, seed=27)
    moved = batch.windows.copy()
    present = np.abs(moved).sum(axis=(2, 3)) > 0
    moved[..., :3] *= 0.7
    moved[..., 0] += 0.12
    moved[..., 1] += 0.05
    moved[~present] = 0.0
    a = clf.predict_batch(batch.windows, batch.aspect)
    b = clf.predict_batch(moved, batch.aspect)
    for x, y in zip(a, b, strict=True):
        assert x.posture == y.posture and x.gesture == y.gesture
        assert x.posture_confidence == pytest.approx(y.posture_confidence, abs=1e-3)


def test_absent_person(clf):
    labels = clf.predict(np.zeros((20, 33, 4), np.float32))
    assert labels.posture == ABSENT and labels.gesture == ABSENT
    assert not labels.person_visible and labels.person_visible_ratio == 0.0
    mostly_absent = generate(1, seed=28).windows[0]
    mostly_absent[3:] = 0.0
    assert clf.predict(mostly_absent).posture == ABSENT


def test_normalisation_shape_and_missing_frames():
    windows = generate(3, seed=29).windows
    windows[0, 4] = 0.0
    x = normalize_windows(windows, 16 / 9)
    assert x.shape == (3, IN_CHANNELS, 20) and x.dtype == np.float32
    assert (x[0, :, 4] == 0).all()
    np.testing.assert_array_equal(x[:, -1], np.abs(windows).sum(axis=(2, 3)) > 0)
    assert x[0, -1, 4] == 0 and x[0, -1, 3] == 1
    with pytest.raises(ValueError):
        normalize_windows(np.zeros((20, 33, 4)))


def test_auto_device_and_latency(clf):
    assert clf.device.type == ("cuda" if torch.cuda.is_available() else "cpu")
    window = generate(1, seed=30).windows[0]
    clf.predict(window)
    timings = []
    for _ in range(30):
        start = time.perf_counter()
        clf.predict(window)
        timings.append(time.perf_counter() - start)
    assert np.median(timings) < 0.02


def test_tiny_training_run_round_trips(tmp_path):
    lines: list[str] = []
    net, summary = train(TrainConfig(n_train=300, n_val=100, n_test=100, epochs=1, threads=1), log=lines.append)
    assert isinstance(net, BodyNet) and any(line.startswith("epoch  1") for line in lines)
    posture = summary["test"]["posture"]
    assert 0.0 <= posture["accuracy"] <= 1.0
    assert np.asarray(posture["confusion"]).sum() == 100
    path = tmp_path / "w.pt"
    save_weights(net, path)
    loaded = BodyClassifier.load(path, num_threads=None)
    batch = generate(4, seed=31)
    with torch.inference_mode():
        logits, _ = net.eval()(torch.from_numpy(normalize_windows(batch.windows, batch.aspect)))
    expected = [POSTURES[i] for i in logits.argmax(1).tolist()]
    assert [lab.posture for lab in loaded.predict_batch(batch.windows, batch.aspect)] == expected


@pytest.mark.slow
def test_cli_writes_weights_report_and_mlflow_run(tmp_path):
    out = tmp_path / "weights"
    args = [
        "--out",
        str(out),
        "--mlflow-uri",
        f"file:{tmp_path / 'mlruns'}",
        "--n-train",
        "200",
        "--n-val",
        "50",
        "--n-test",
        "50",
        "--epochs",
        "1",
        "--threads",
        "1",
    ]
    assert main(args) == 0
    report = json.loads((out / EVAL_NAME).read_text())
    assert report["config"]["n_train"] == 200
    assert (out / "body_model.pt").stat().st_size < 1_000_000
    assert any((tmp_path / "mlruns").rglob("body_model.pt"))


@pytest.mark.slow
def test_real_photo_videos_through_mediapipe():
    from inference.assets.pose_models import bundle_path
    from inference.training.train_body_model import evaluate_real

    model = bundle_path("full")
    if not model.is_file():
        pytest.skip(f"{model} not prepared (run `podium models`)")
    report = evaluate_real(model, DEFAULT_WEIGHTS, variants=1)
    got = {case["case"]: case for case in report["cases"]}
    assert got["tilted +15"]["posture"] == "tilted"
    assert got["tilted -15"]["posture"] == "tilted"
    assert got["absent"]["posture"] == ABSENT
    assert got["upright"]["posture"] == "hands_hidden"
    assert got["upright"]["gesture"] == "still"
