"""Pose benchmark: model latency, pose-worker throughput and accuracy on generated video with known truth.

Three parts, each printed as a markdown table:

* **latency** per frame (p50/p95 ms) of the MediaPipe ``pose_landmarker_{lite,full,heavy}.task`` bundles in
  VIDEO mode at 640×480, of the PyTorch body classifier on one 20-frame window, and of the whole per-frame
  body analysis (:class:`~inference.body.live.LiveBodyAnalyzer`: features, alerts, classifier);
* **throughput**: frames per second one spawned pose worker sustains through
  :meth:`media.workers.MediaWorkers.estimate_pose` (lite model, two frames in flight, body analysis included);
* **accuracy** per pipeline (a model, optionally ``+derot``: each frame leveled by the previous frame's tilt in
  VIDEO mode, the former live setting; ``+level``: tilted frames leveled by the previous tilt in IMAGE mode, level
  ones tracked, the live workers' setting; ``+2pass``: a second pass on the frame leveled by the first, the
  post-hoc setting; ``@320``: frames scaled to fit 320 px first, as the live path sends them)
  and per person (``hopper``, seen while developing; ``astronaut``, held out: never used for tuning), on videos
  of a real photo (``tests/generators/video.py``) rotated for tilt (steps, a ±20° sweep, rocking), moved for
  sway and removed for absence, under several conditions (:data:`CONDITIONS`: distance, horizontal offset,
  noise): tilt mean absolute error of the shoulder line and of the head, measured as the change relative to
  the upright photo at the same scale and offset (the photo's own pose is not level), on all visible frames
  and on tilted frames (|tilt| ≥ 8°); the tilt *gain* (least-squares slope of read against true tilt: 1 = no
  shrinkage); person-visible accuracy per frame and reaction (seconds from the person leaving / coming back
  to person-visible following, per frame and on the report's 2 Hz timeline of :mod:`media.offline.body`);
  posture accuracy of the classifier over windows whose 20 frames share one truth class (upright:
  |tilt| ≤ 3°, tilted: |tilt| ≥ 10°, absent). The photos show head and shoulders only, so the classifier's
  ``hands_hidden`` counts as upright (its training labels give hands out of frame that class).

Usage::

    python -m bench.pose                                   # all models, 100 frames, 2 conditions, both people
    python -m bench.pose --variants lite,full --pipelines lite+derot@320,lite+level@320,full+2pass \\
        --scenes 3 --no-worker

Targets (issues 5 and 16): tilt MAE ≤ 3° (on tilted frames of the held-out person), person-visible accuracy
≥ 0.97, person-visible reaction ≤ 0.3 s. The classifier rows print ``n/a`` when
``inference/body/weights/body_model.pt`` is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inference.assets.pose_models import VARIANTS, PoseVariant, bundle_path, prepare_pose_models
from inference.body.features import head_tilt_deg, shoulder_tilt_deg
from inference.body.live import CLASSIFIER_WINDOW, LiveBodyAnalyzer
from inference.pose.mediapipe_estimator import MediaPipePoseEstimator, RunningMode
from inference.pose.refine import LevelingSwitch, PreviousTiltDerotator, TwoPassEstimator
from inference.pose.types import NUM_LANDMARKS, PoseEstimator, PoseResult
from media.offline.body import BodyReportBuilder
from tests.generators.video import (
    HELD_OUT_PERSONS,
    PERSONS,
    FrameTruth,
    Person,
    VideoScript,
    render_frame,
    sway_keyframes,
)

WARMUP_FRAMES = 3
UPRIGHT_MAX_DEG = 3.0
TILTED_MIN_DEG = 10.0
POSTURE_GROUP = {"upright": "upright", "hands_hidden": "upright", "tilted": "tilted", "absent": "absent"}
"""Classifier posture → truth class; other labels (slouched_leaning, arms_crossed) stay as they are (errors)."""
TARGET_TILT_MAE = 3.0
TARGET_VISIBLE_ACC = 0.97


def percentiles(values: Sequence[float], qs: Sequence[float] = (50, 95)) -> list[float]:
    """Percentiles of ``values`` (NaN each when empty)."""
    if not values:
        return [float("nan")] * len(qs)
    return [float(np.percentile(values, q)) for q in qs]


def _ramp(*steps: tuple[float, float], duration_s: float, edge_s: float = 0.1) -> tuple[tuple[float, float], ...]:
    """Piecewise-constant keyframes: ``(start_s, value)`` steps joined by ``edge_s`` ramps, held to the end."""
    keys: list[tuple[float, float]] = []
    for i, (start, value) in enumerate(steps):
        keys.append((start + (edge_s if i else 0.0), value))
        end = steps[i + 1][0] if i + 1 < len(steps) else duration_s
        keys.append((end, value))
    return tuple(keys)


CONDITIONS: tuple[tuple[float, float, float], ...] = (
    (1.0, 0.0, 2.0),
    (0.8, -80.0, 5.0),
    (0.65, 100.0, 8.0),
    (0.9, 40.0, 3.0),
)
"""(scale, horizontal offset px, noise std) of each scene variation: distance, position in frame, sensor noise."""
SWEEP_DEG = (0.0, -20.0, -16.0, -10.0, -5.0, 5.0, 10.0, 16.0, 20.0, 0.0)
TILTED_ERROR_MIN_DEG = 8.0
"""Frames whose true tilt is at least this large count as "tilted" for the tilted-frame MAE (issue 16 target)."""
HELD_FRAMES = 3
"""A tilted frame whose true tilt has not changed for this many frames counts as "held"; the others (the first
frames after a step) as "just changed": the split separates lag from the model's steady error."""
REENTER_S = (2.0, 5.3)
"""The absent scene's interval: leaves at 2.0 s, comes back at 5.3 s (off the 2 Hz timeline's bin edges)."""


def condition_label(variation: int) -> str:
    scale, x0, _noise = CONDITIONS[variation % len(CONDITIONS)]
    return f"scale {scale:.2f}, x {x0:+.0f} px"


def scene_scripts(variation: int, person: Person = "hopper") -> list[tuple[str, VideoScript]]:
    """The scripted scenes of one variation (see :data:`CONDITIONS`) for one person."""
    scale, x0, noise = CONDITIONS[variation % len(CONDITIONS)]
    base = VideoScript(noise_std=noise, seed=variation, scale=((0.0, scale),), x_offset_px=((0.0, x0),), person=person)
    sign = -1.0 if variation % 2 else 1.0
    sweep = tuple((i * 1.0, sign * d) for i, d in enumerate(SWEEP_DEG))
    return [
        ("upright", dataclasses.replace(base, duration_s=3.0)),
        (
            "tilt steps",
            dataclasses.replace(
                base,
                duration_s=9.0,
                tilt_deg=_ramp((0.0, 0.0), (3.0, 12.0 * sign), (6.0, -16.0 * sign), duration_s=9.0),
            ),
        ),
        ("tilt sweep ±20°", dataclasses.replace(base, duration_s=10.0, tilt_deg=_ramp(*sweep, duration_s=10.0))),
        (
            "small tilts",
            dataclasses.replace(
                base, duration_s=6.0, tilt_deg=_ramp((0.0, 0.0), (2.0, 5.0), (4.0, -5.0), duration_s=6.0)
            ),
        ),
        ("rocking", dataclasses.replace(base, duration_s=6.0, tilt_deg=sway_keyframes(10.0, 4.0, 6.0))),
        (
            "sway",
            dataclasses.replace(
                base, duration_s=6.0, x_offset_px=tuple((t, x0 + x) for t, x in sway_keyframes(60.0, 2.0, 6.0))
            ),
        ),
        ("absent", dataclasses.replace(base, duration_s=8.0, absent=(REENTER_S,))),
    ]


def truth_class(truth: FrameTruth) -> str | None:
    """Posture truth of one frame, or None when the tilt is between the upright and tilted bands."""
    if not truth.person_visible:
        return "absent"
    if abs(truth.tilt_deg) <= UPRIGHT_MAX_DEG:
        return "upright"
    if abs(truth.tilt_deg) >= TILTED_MIN_DEG:
        return "tilted"
    return None


def reaction_s(times: Sequence[float], shown: Sequence[bool], t_change: float, now_shown: bool) -> float | None:
    """Seconds from ``t_change`` to the first time at or after it where ``shown`` equals ``now_shown``.

    None when it never does. Measures how fast person-visible follows the person leaving or coming back.
    """
    for t, v in zip(times, shown, strict=True):
        if t >= t_change - 1e-9 and v == now_shown:
            return max(0.0, t - t_change)
    return None


def tilt_gain(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope (through the origin) of read tilt against true tilt: 1 = no shrinkage."""
    truth = np.array([p[0] for p in pairs], dtype=np.float64)
    read = np.array([p[1] for p in pairs], dtype=np.float64)
    denom = float((truth * truth).sum())
    return float((truth * read).sum() / denom) if denom > 0 else None


@dataclass
class Accuracy:
    """Accumulated accuracy counts of one model (pipeline) on one person, or on one condition of one person."""

    frames: int = 0
    visible_agree: int = 0
    tilt_frames: int = 0
    shoulder_errors: list[float] = field(default_factory=list)
    tilted_errors: list[float] = field(default_factory=list)
    held_errors: list[float] = field(default_factory=list)
    changed_errors: list[float] = field(default_factory=list)
    pose_ms: list[float] = field(default_factory=list)
    tilt_pairs: list[tuple[float, float]] = field(default_factory=list)
    head_errors: list[float] = field(default_factory=list)
    posture: Counter[tuple[str, str]] = field(default_factory=Counter)
    enter_s: list[float | None] = field(default_factory=list)
    leave_s: list[float | None] = field(default_factory=list)
    timeline_enter_s: list[float | None] = field(default_factory=list)
    timeline_leave_s: list[float | None] = field(default_factory=list)
    alert_clear_s: list[float | None] = field(default_factory=list)

    @property
    def visible_accuracy(self) -> float:
        return self.visible_agree / self.frames if self.frames else float("nan")

    @property
    def posture_accuracy(self) -> float | None:
        total = sum(self.posture.values())
        if not total:
            return None
        return sum(n for (t, p), n in self.posture.items() if POSTURE_GROUP.get(p, p) == t) / total

    def summary(self) -> dict[str, Any]:
        return {
            "frames": self.frames,
            "person_visible_accuracy": self.visible_accuracy,
            "shoulder_tilt_mae_deg": _mean(self.shoulder_errors),
            "shoulder_tilt_mae_tilted_deg": _mean(self.tilted_errors),
            "shoulder_tilt_mae_tilted_held_deg": _mean(self.held_errors),
            "shoulder_tilt_mae_tilted_changed_deg": _mean(self.changed_errors),
            "pose_ms": percentiles(self.pose_ms),
            "shoulder_tilt_gain": tilt_gain(self.tilt_pairs) if self.tilt_pairs else None,
            "head_tilt_mae_deg": _mean(self.head_errors),
            "shoulder_tilt_p95_deg": percentiles(self.shoulder_errors, (95,))[0],
            "tilt_measurable": len(self.shoulder_errors) / self.tilt_frames if self.tilt_frames else None,
            "posture_accuracy": self.posture_accuracy,
            "posture_windows": sum(self.posture.values()),
            "posture_confusion": {f"{t}->{p}": n for (t, p), n in sorted(self.posture.items())},
            "enter_s_max": _worst(self.enter_s),
            "leave_s_max": _worst(self.leave_s),
            "timeline_enter_s_max": _worst(self.timeline_enter_s),
            "timeline_leave_s_max": _worst(self.timeline_leave_s),
            "absent_alert_clear_s_max": _worst(self.alert_clear_s),
        }


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def _worst(values: list[float | None]) -> float | None:
    """The slowest reaction (inf when one never happened), or None when nothing was measured."""
    if not values:
        return None
    return max(float("inf") if v is None else v for v in values)


def load_classifier() -> Any | None:
    """The committed body classifier (one torch thread), or None when its weights are missing."""
    from inference.body.classifier import BodyClassifier

    try:
        return BodyClassifier.load(num_threads=1)
    except (FileNotFoundError, OSError):
        return None


@dataclass(frozen=True)
class Pipeline:
    """A parsed pipeline name ``model[+derot|+level|+2pass][@EDGE]`` (see :func:`make_estimator`)."""

    variant: str
    kind: str
    max_edge: int | None

    @property
    def baseline_name(self) -> str:
        """The pipeline whose IMAGE-mode reading of the upright photo is this one's zero (``+derot``, ``+level``:
        the plain model's; they level by the previous reading, which an upright person's first frame does not have)."""
        kind = f"+{self.kind}" if self.kind == "2pass" else ""
        edge = f"@{self.max_edge}" if self.max_edge else ""
        return f"{self.variant}{kind}{edge}"


def parse_pipeline(name: str) -> Pipeline:
    """``lite+derot@320`` → ``Pipeline("lite", "derot", 320)``."""
    body, _, edge = name.partition("@")
    variant, _, kind = body.partition("+")
    if kind not in ("", "derot", "level", "2pass"):
        raise ValueError(f"unknown pipeline {name!r}")
    if edge and (not edge.isdigit() or int(edge) < 16):
        raise ValueError(f"bad input size in pipeline {name!r}")
    return Pipeline(variant, kind, int(edge) if edge else None)


def fit_within(width: int, height: int, max_edge: int) -> tuple[int, int]:
    """The live path's frame size for ``max_edge`` (``media.sampler.fit_within``: aspect kept, even sides)."""
    from media.sampler import fit_within as media_fit_within

    return media_fit_within(width, height, max_edge)


class Downscaled:
    """Scales every frame to fit ``max_edge`` (as the live path does: PyAV/swscale) before ``inner``.

    Landmarks are normalised to the frame, so they need no mapping back.
    """

    def __init__(self, inner: PoseEstimator, max_edge: int) -> None:
        self._inner = inner
        self._max_edge = max_edge

    def estimate(self, image_rgb: np.ndarray, t_s: float) -> PoseResult:
        import av

        height, width = image_rgb.shape[:2]
        w, h = fit_within(width, height, self._max_edge)
        if (w, h) != (width, height):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image_rgb), format="rgb24")
            image_rgb = frame.reformat(width=w, height=h, format="rgb24").to_ndarray()
        return self._inner.estimate(image_rgb, t_s)

    def close(self) -> None:
        self._inner.close()


def make_estimator(pipeline: str, models_dir: Path, mode: RunningMode = "video") -> PoseEstimator:
    """The estimator of a pipeline name: ``lite``/``full``/``heavy``, optionally ``+derot``, ``+level`` or
    ``+2pass``, optionally ``@EDGE``.

    ``+derot``: each frame leveled by the previous frame's tilt, one VIDEO-mode pass (the live option until
    2026-12-03); ``+level``: a frame whose previous tilt is ≥ 2° leveled by it and landmarked in IMAGE mode, level
    frames tracked in VIDEO mode (one pass; the live option, :class:`~inference.pose.refine.LevelingSwitch`);
    ``+2pass``: a second IMAGE-mode pass on the frame leveled by the first pass (the post-hoc option);
    ``@EDGE``: frames scaled to fit ``EDGE`` pixels first (the live path sends 320 px frames to pose).
    """
    spec = parse_pipeline(pipeline)
    path = bundle_path(spec.variant, models_dir)  # type: ignore[arg-type]
    base = MediaPipePoseEstimator(path, mode)
    est: PoseEstimator = base
    if spec.kind == "derot":
        est = PreviousTiltDerotator(base)
    elif spec.kind == "level":
        est = LevelingSwitch(base, MediaPipePoseEstimator(path, "image"))
    elif spec.kind == "2pass":
        est = TwoPassEstimator(base, MediaPipePoseEstimator(path, "image"))
    return Downscaled(est, spec.max_edge) if spec.max_edge else est


STILL_FRAMES = 20
"""Frames of the upright still a leveling pipeline runs through for its zero; the median of the last half counts."""


def settled_reading(values: Sequence[float | None]) -> float | None:
    """Median of the measurable readings in the last half of ``values`` (None when there are none)."""
    tail = [v for v in values[len(values) // 2 :] if v is not None]
    return float(np.median(tail)) if tail else None


class TiltBaseline:
    """Measured tilt of the upright photo per pipeline, person, scale and offset (no noise), cached.

    Plain and ``+2pass`` pipelines: one IMAGE-mode reading. ``+derot`` and ``+level`` pipelines: the pipeline's own
    settled reading over :data:`STILL_FRAMES` frames of the still, since they level the upright frame too: a
    model that reads the upright person at ``b``° with gain ``g`` settles at ``b/g``, not at the plain ``b``
    (the held-out photo reads ``b`` ≈ −7…−18°, so the plain reading is no zero for them).
    """

    def __init__(self, models_dir: Path) -> None:
        self._models_dir = models_dir
        self._cache: dict[tuple[str, str, float, float], tuple[float | None, float | None]] = {}
        self._estimators: dict[str, PoseEstimator] = {}

    def close(self) -> None:
        """Release the IMAGE-mode estimators."""
        for est in self._estimators.values():
            est.close()
        self._estimators.clear()

    def get(self, pipeline: str, script: VideoScript, truth: FrameTruth) -> tuple[float | None, float | None]:
        spec = parse_pipeline(pipeline)
        name = pipeline if spec.kind in ("derot", "level") else spec.baseline_name
        key = (name, script.person, round(truth.scale, 3), round(truth.x_offset_px, 1))
        if key not in self._cache:
            still = dataclasses.replace(truth, tilt_deg=0.0, person_visible=True)
            frame = render_frame(dataclasses.replace(script, noise_std=0.0), still)
            aspect = script.width / script.height
            if name == pipeline and spec.kind in ("derot", "level"):
                self._cache[key] = self._settled(name, frame, aspect)
            else:
                est = self._estimators.get(name)
                if est is None:
                    est = make_estimator(name, self._models_dir, "image")
                    self._estimators[name] = est
                lm = est.estimate(frame, 0.0).landmarks
                self._cache[key] = (
                    (None, None) if lm is None else (shoulder_tilt_deg(lm, aspect), head_tilt_deg(lm, aspect))
                )
        return self._cache[key]

    def _settled(self, pipeline: str, frame: np.ndarray, aspect: float) -> tuple[float | None, float | None]:
        est = make_estimator(pipeline, self._models_dir)
        shoulders: list[float | None] = []
        heads: list[float | None] = []
        try:
            for i in range(STILL_FRAMES):
                lm = est.estimate(frame, i * 0.1).landmarks
                shoulders.append(None if lm is None else shoulder_tilt_deg(lm, aspect))
                heads.append(None if lm is None else head_tilt_deg(lm, aspect))
        finally:
            est.close()
        return settled_reading(shoulders), settled_reading(heads)


def _score_reaction(script: VideoScript, times: list[float], shown: list[bool], accs: Sequence[Accuracy]) -> None:
    """Person-visible reaction per frame and on the report's 2 Hz timeline, for scripts with an absence."""
    if not script.absent:
        return
    builder = BodyReportBuilder(None)
    for t, v in zip(times, shown, strict=True):
        lm = np.full((NUM_LANDMARKS, 4), 0.5, np.float32) if v else None
        builder.add(PoseResult(t, lm, script.width, script.height))
    section = builder.build(script.duration_s)
    timeline = section["timeline"]
    cleared = [float(a["t_s"]) for a in section["alerts"] or [] if a["code"] == "absent" and a["state"] == "cleared"]
    tl_times = [float(e["t_s"]) for e in timeline]
    tl_shown = [bool(e["person_visible"]) for e in timeline]
    for leave, enter in script.absent:
        for acc in accs:
            acc.leave_s.append(reaction_s(times, shown, leave, False))
            acc.enter_s.append(reaction_s(times, shown, enter, True))
            acc.timeline_leave_s.append(reaction_s(tl_times, tl_shown, leave, False))
            acc.timeline_enter_s.append(reaction_s(tl_times, tl_shown, enter, True))
            acc.alert_clear_s.append(next((t - enter for t in cleared if t >= enter - 1e-9), None))


def score_script(
    pipeline: str,
    script: VideoScript,
    frames: list[tuple[np.ndarray, FrameTruth]],
    models_dir: Path,
    baseline: TiltBaseline,
    classifier: Any | None,
    acc: Accuracy,
    *more: Accuracy,
) -> None:
    """Run one pipeline over one script's frames and add the results to ``acc`` (and to each of ``more``)."""
    accs = (acc, *more)
    aspect = script.width / script.height
    analyzer = LiveBodyAnalyzer(classifier)
    recent: deque[str | None] = deque(maxlen=CLASSIFIER_WINDOW)
    times: list[float] = []
    shown: list[bool] = []
    est = make_estimator(pipeline, models_dir)
    since_change = HELD_FRAMES
    previous_tilt: float | None = None
    try:
        for rgb, truth in frames:
            start = time.perf_counter()
            pose = est.estimate(rgb, truth.t_s)
            elapsed_ms = (time.perf_counter() - start) * 1000.0
            changed = previous_tilt is not None and abs(truth.tilt_deg - previous_tilt) > 1e-6
            since_change = 0 if changed else since_change + 1
            previous_tilt = truth.tilt_deg
            times.append(truth.t_s)
            shown.append(pose.person_visible)
            update = analyzer.update(pose)
            recent.append(truth_class(truth))
            posture = None
            if update.labels is not None and len(recent) == CLASSIFIER_WINDOW and len(set(recent)) == 1:
                posture = None if recent[-1] is None else (recent[-1], str(update.labels["posture"]))
            lm = pose.landmarks
            sh = head = base_sh = base_head = None
            if truth.person_visible:
                base_sh, base_head = baseline.get(pipeline, script, truth)
                sh = shoulder_tilt_deg(lm, aspect) if lm is not None else None
                head = head_tilt_deg(lm, aspect) if lm is not None else None
            for a in accs:
                a.frames += 1
                a.pose_ms.append(elapsed_ms)
                a.visible_agree += pose.person_visible == truth.person_visible
                if posture is not None:
                    a.posture[posture] += 1
                if not truth.person_visible:
                    continue
                a.tilt_frames += 1
                if sh is not None and base_sh is not None:
                    read = sh - base_sh
                    a.shoulder_errors.append(abs(read - truth.tilt_deg))
                    a.tilt_pairs.append((truth.tilt_deg, read))
                    if abs(truth.tilt_deg) >= TILTED_ERROR_MIN_DEG:
                        a.tilted_errors.append(abs(read - truth.tilt_deg))
                        held = a.held_errors if since_change >= HELD_FRAMES else a.changed_errors
                        held.append(abs(read - truth.tilt_deg))
                if head is not None and base_head is not None:
                    a.head_errors.append(abs((head - base_head) - truth.tilt_deg))
    finally:
        est.close()
    _score_reaction(script, times, shown, accs)


def accuracy(
    pipelines: Sequence[str],
    scenes: int,
    models_dir: Path,
    classifier: Any | None,
    persons: Sequence[Person] = ("hopper",),
) -> dict[str, Any]:
    """Accuracy of each pipeline per person (and per person and condition) over ``scenes`` variations."""
    totals = {(p, who): Accuracy() for p in pipelines for who in persons}
    per_condition = {
        (p, who, condition_label(v)): Accuracy() for p in pipelines for who in persons for v in range(scenes)
    }
    baseline = TiltBaseline(models_dir)
    try:
        for who in persons:
            for variation in range(scenes):
                label = condition_label(variation)
                for _name, script in scene_scripts(variation, who):
                    frames = [(render_frame(script, script.truth_at(t)), script.truth_at(t)) for t in script.times()]
                    for p in pipelines:
                        accs = (totals[(p, who)], per_condition[(p, who, label)])
                        score_script(p, script, frames, models_dir, baseline, classifier, *accs)
    finally:
        baseline.close()
    return {
        "persons": {f"{p}|{who}": acc.summary() for (p, who), acc in totals.items()},
        "conditions": {f"{p}|{who}|{c}": acc.summary() for (p, who, c), acc in per_condition.items()},
    }


def latency_frames(n: int) -> list[tuple[np.ndarray, FrameTruth]]:
    """``n`` 640×480 frames of a swaying, slightly rocking person with sensor noise (10 fps)."""
    duration = n / 10.0
    script = VideoScript(
        duration_s=duration,
        x_offset_px=sway_keyframes(50.0, 3.0, duration),
        tilt_deg=sway_keyframes(6.0, 5.0, duration),
        noise_std=3.0,
    )
    return [(render_frame(script, script.truth_at(t)), script.truth_at(t)) for t in script.times()]


def time_calls(fn: Callable[[int], object], n: int, warmup: int = WARMUP_FRAMES) -> list[float]:
    """Milliseconds of ``fn(i)`` for ``i`` in ``range(n)``, the first ``warmup`` calls left out."""
    out = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        if i >= warmup:
            out.append((time.perf_counter() - start) * 1000.0)
    return out


def model_latency(
    variants: Sequence[PoseVariant], frames: list[tuple[np.ndarray, FrameTruth]], models_dir: Path
) -> tuple[dict[str, list[float]], list[PoseResult]]:
    """Per-frame VIDEO-mode latency per model, and the first model's poses (for the classifier timings)."""
    latency: dict[str, list[float]] = {}
    poses: list[PoseResult] = []
    for variant in variants:
        results: list[PoseResult] = []
        with MediaPipePoseEstimator(bundle_path(variant, models_dir), "video") as est:
            latency[variant] = time_calls(
                lambda i, est=est, results=results: results.append(est.estimate(frames[i][0], frames[i][1].t_s)),  # type: ignore[misc]
                len(frames),
            )
        poses = poses or results
    return latency, poses


def classifier_latency(classifier: Any | None, poses: list[PoseResult]) -> dict[str, list[float] | None]:
    """Latency of one classifier window and of :meth:`LiveBodyAnalyzer.update` per frame."""
    rows = [p.landmarks if p.landmarks is not None else np.zeros((NUM_LANDMARKS, 4), np.float32) for p in poses]
    windows = [np.stack(rows[max(0, i - CLASSIFIER_WINDOW + 1) : i + 1]) for i in range(len(rows))]
    windows = [w for w in windows if len(w) == CLASSIFIER_WINDOW] or [np.zeros((CLASSIFIER_WINDOW, NUM_LANDMARKS, 4))]
    n = len(poses)

    def pose_at(i: int) -> PoseResult:
        return dataclasses.replace(poses[i % n], t_s=0.1 * i)

    def per_frame(analyzer: LiveBodyAnalyzer) -> list[float]:
        return time_calls(lambda i: analyzer.update(pose_at(i)), n + CLASSIFIER_WINDOW, warmup=CLASSIFIER_WINDOW)

    return {
        "classifier": None
        if classifier is None
        else time_calls(lambda i: classifier.predict(windows[i % len(windows)]), n + WARMUP_FRAMES),
        "analyzer": None if classifier is None else per_frame(LiveBodyAnalyzer(classifier)),
        "features": per_frame(LiveBodyAnalyzer(None)),
    }


async def worker_throughput(
    model: Path, frames: list[tuple[np.ndarray, FrameTruth]], in_flight: int = 2
) -> dict[str, Any]:
    """Frames per second one spawned pose worker sustains via :class:`MediaWorkers` (``in_flight`` queued)."""
    from media.config import MediaConfig
    from media.workers import MediaWorkers

    workers = MediaWorkers(MediaConfig(pose_model_path=model, pose_workers=1))
    try:
        started = time.perf_counter()
        await workers.warm_up()
        await workers.estimate_pose(frames[0][0], 0.0, "bench")
        startup_s = time.perf_counter() - started
        gate = asyncio.Semaphore(in_flight)
        round_trips: list[float] = []

        async def one(i: int) -> tuple[PoseResult, float, Any]:
            async with gate:
                t = time.perf_counter()
                out = await workers.estimate_pose(frames[i % len(frames)][0], 0.1 * (i + 1), "bench")
                round_trips.append((time.perf_counter() - t) * 1000.0)
                return out

        t0 = time.perf_counter()
        outputs = await asyncio.gather(*(one(i) for i in range(len(frames))))
        elapsed = time.perf_counter() - t0
    finally:
        workers.shutdown()
    return {
        "fps": len(frames) / elapsed,
        "frames": len(frames),
        "in_flight": in_flight,
        "infer_ms": percentiles([o[1] for o in outputs]),
        "round_trip_ms": percentiles(round_trips),
        "visible_ratio": float(np.mean([o[0].person_visible for o in outputs])),
        "labels": any(o[2].labels is not None for o in outputs),
        "startup_s": startup_s,
    }


def _ms(values: list[float] | None) -> str:
    if values is None:
        return "n/a | n/a"
    p50, p95 = percentiles(values)
    return f"{p50:.1f} | {p95:.1f}"


def _pair(p50_p95: Sequence[float] | None) -> str:
    """``p50 / p95`` of a summary's percentile pair."""
    return "n/a" if not p50_p95 else f"{p50_p95[0]:.1f} / {p50_p95[1]:.1f}"


def _num(value: float | None, fmt: str) -> str:
    return "n/a" if value is None or value != value else format(value, fmt)


def markdown(report: dict[str, Any]) -> str:
    """All tables of one run."""
    out = [f"load average at start {report['load_start']}, at end {report['load_end']} (2 cores)", ""]
    lat = report["latency"]
    n = report["frames"]
    out += ["| stage (640×480, 1 stream) | p50 ms | p95 ms |", "|---|---:|---:|"]
    for variant in report["variants"]:
        out.append(f"| MediaPipe {variant}, VIDEO mode | {_ms(lat['models'][variant])} |")
    out.append(
        f"| PyTorch body classifier, one {CLASSIFIER_WINDOW}-frame window, 1 thread | {_ms(lat['classifier'])} |"
    )
    out.append(f"| body features + alerts (no classifier) | {_ms(lat['features'])} |")
    out.append(f"| body features + alerts + classifier (`LiveBodyAnalyzer.update`) | {_ms(lat['analyzer'])} |")
    out.append(f"\n{n} frames per row ({WARMUP_FRAMES} warm-up frames excluded).")
    worker = report.get("worker")
    if worker:
        out += [
            "",
            "| pose worker (lite, spawn process, `MediaWorkers.estimate_pose`) | value |",
            "|---|---:|",
            f"| sustained frames/s ({worker['in_flight']} in flight, body analysis included) | {worker['fps']:.1f} |",
            f"| inference in worker p50 / p95 ms | {worker['infer_ms'][0]:.1f} / {worker['infer_ms'][1]:.1f} |",
            f"| round trip p50 / p95 ms (incl. queueing) | "
            f"{worker['round_trip_ms'][0]:.1f} / {worker['round_trip_ms'][1]:.1f} |",
            f"| start-up incl. model load and first frame | {worker['startup_s']:.1f} s |",
            f"| classifier labels in worker output | {'yes' if worker['labels'] else 'no (weights missing)'} |",
        ]
    acc = report.get("accuracy")
    if acc:
        out += ["", *accuracy_markdown(acc, report["scenes"])]
    return "\n".join(out)


def _secs(value: float | None) -> str:
    return "n/a" if value is None else ("never" if value == float("inf") else f"{value:.2f}")


def _who(person: str) -> str:
    return f"{person} (held out)" if person in HELD_OUT_PERSONS else f"{person} (seen)"


def accuracy_markdown(acc: dict[str, Any], scenes: int) -> list[str]:
    """The per-person table, the per-condition tilted-frame table and the posture confusions."""
    out = [
        f"Accuracy on generated real-photo videos ({scenes} condition(s) × 7 scenes per person; targets: "
        f"tilt MAE ≤ {TARGET_TILT_MAE:g}° on tilted frames (|tilt| ≥ {TILTED_ERROR_MIN_DEG:g}°), person-visible "
        f"≥ {TARGET_VISIBLE_ACC}, reaction ≤ 0.3 s):",
        "",
        "| pipeline | person | frames | shoulder MAE ° tilted / all | tilted: held / just changed | gain |"
        " head MAE ° | visible acc | back → visible s (frames / timeline / absent alert off) |"
        " gone → not visible s (frames / timeline) | posture acc (windows) | pose ms p50 / p95 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, s in acc["persons"].items():
        pipeline, person = key.split("|")
        posture = "n/a" if s["posture_accuracy"] is None else f"{s['posture_accuracy']:.2f} ({s['posture_windows']})"
        out.append(
            f"| {pipeline} | {_who(person)} | {s['frames']} | {_num(s['shoulder_tilt_mae_tilted_deg'], '.2f')} / "
            f"{_num(s['shoulder_tilt_mae_deg'], '.2f')} | {_num(s.get('shoulder_tilt_mae_tilted_held_deg'), '.2f')} / "
            f"{_num(s.get('shoulder_tilt_mae_tilted_changed_deg'), '.2f')} | {_num(s['shoulder_tilt_gain'], '.2f')} | "
            f"{_num(s['head_tilt_mae_deg'], '.2f')} | {s['person_visible_accuracy']:.3f} | "
            f"{_secs(s['enter_s_max'])} / {_secs(s['timeline_enter_s_max'])} / "
            f"{_secs(s.get('absent_alert_clear_s_max'))} | "
            f"{_secs(s['leave_s_max'])} / {_secs(s['timeline_leave_s_max'])} | {posture} | {_pair(s.get('pose_ms'))} |"
        )
    conditions = sorted({k.split("|")[2] for k in acc["conditions"]})
    pipes = list(dict.fromkeys("|".join(k.split("|")[:2]) for k in acc["conditions"]))
    out += [
        "",
        "Shoulder-tilt MAE ° on tilted frames per condition (gain in brackets):",
        "",
        "| pipeline | person | " + " | ".join(conditions) + " |",
        "|---|---|" + "---:|" * len(conditions),
    ]
    for pp in pipes:
        pipeline, person = pp.split("|")
        cells = []
        for c in conditions:
            s = acc["conditions"].get(f"{pp}|{c}", {})
            cells.append(
                f"{_num(s.get('shoulder_tilt_mae_tilted_deg'), '.2f')} ({_num(s.get('shoulder_tilt_gain'), '.2f')})"
            )
        out.append(f"| {pipeline} | {_who(person)} | " + " | ".join(cells) + " |")
    for key, s in acc["persons"].items():
        if s["posture_confusion"]:
            pairs = ", ".join(f"{k} {v}" for k, v in s["posture_confusion"].items())
            out.append(f"\nposture truth->label windows ({key.replace('|', ', ')}): {pairs}")
    return out


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the selected parts and return the report."""
    variants: list[PoseVariant] = [v for v in VARIANTS if v in args.variants.split(",")]
    if not variants:
        raise SystemExit(f"--variants: choose from {','.join(VARIANTS)}")
    models_dir = prepare_pose_models(args.models_dir)
    report: dict[str, Any] = {"load_start": _load(), "variants": variants, "frames": args.frames - WARMUP_FRAMES}
    classifier = load_classifier()
    frames = latency_frames(args.frames)
    models, poses = model_latency(variants, frames, models_dir)
    report["latency"] = {"models": models, **classifier_latency(classifier, poses)}
    if not args.no_worker:
        report["worker"] = asyncio.run(worker_throughput(bundle_path("lite", models_dir), frames))
    if args.scenes > 0:
        report["scenes"] = args.scenes
        pipelines = [p for p in args.pipelines.split(",") if parse_pipeline(p).variant in variants]
        persons = [p for p in PERSONS if p in args.persons.split(",")]
        report["accuracy"] = accuracy(pipelines, args.scenes, models_dir, classifier, persons)
    report["load_end"] = _load()
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=100, help="frames per latency row and for the worker")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="pose models, comma-separated")
    parser.add_argument("--scenes", type=int, default=2, help="conditions of each accuracy scene (0: skip)")
    parser.add_argument(
        "--pipelines",
        default="lite,lite+derot@320,lite+level@320,full,full+2pass,heavy",
        help="accuracy pipelines (model[+derot|+level|+2pass][@EDGE]); those of models not in --variants are skipped",
    )
    parser.add_argument("--persons", default=",".join(PERSONS), help="people in the accuracy videos")
    parser.add_argument("--no-worker", action="store_true", help="skip the worker throughput part")
    parser.add_argument("--models-dir", type=Path, default=Path("var/models"))
    parser.add_argument("--json", type=Path, default=None, help="also write the raw report here")
    args = parser.parse_args(argv)
    if args.frames <= WARMUP_FRAMES:
        parser.error(f"--frames must exceed {WARMUP_FRAMES}")
    report = run(args)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1))
    print(markdown(report))


if __name__ == "__main__":
    main()
