"""The ``body`` section of a report: per-frame poses → features, classifier labels, timeline, stats, alerts.

:class:`BodyReportBuilder` is fed :class:`~inference.pose.types.PoseResult` objects in time order (one per
sampled video frame) and builds the section at the end. Features come from
:class:`inference.body.features.BodyFeatureExtractor`; posture/gesture labels from the PyTorch
:class:`inference.body.classifier.BodyClassifier` (optional), run on windows resampled to the rate it was
trained at; debounced alerts from :class:`inference.body.smoothing.AlertTracker`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from inference.body.features import BodyFeatureExtractor, BodyFeatures
from inference.body.smoothing import AlertEvent, AlertTracker
from inference.pose.types import NUM_LANDMARKS, PoseResult

_NUMERIC_FIELDS = (
    "shoulder_tilt_deg",
    "head_tilt_deg",
    "torso_lean_deg",
    "yaw",
    "shoulder_width",
    "gesture_activity",
    "sway",
    "fidgeting",
    "left_hand_height",
    "right_hand_height",
)


class LabelPredictor(Protocol):
    """What the builder needs from :class:`inference.body.classifier.BodyClassifier`."""

    def predict_batch(self, windows: np.ndarray, aspect: np.ndarray | float = ...) -> Sequence[Any]: ...


@dataclass(frozen=True)
class BodyOptions:
    """``timeline_hz``: timeline entries per second; the classifier sees ``window_s`` resampled to ``model_fps``."""

    timeline_hz: float = 2.0
    window_s: float = 2.0
    model_fps: float = 10.0
    feature_window_s: float = 2.0


@dataclass(frozen=True)
class _Frame:
    t_s: float
    landmarks: np.ndarray | None
    features: BodyFeatures


def resample_window(
    times: np.ndarray, landmarks: np.ndarray, present: np.ndarray, targets: np.ndarray, max_gap_s: float
) -> np.ndarray:
    """Landmarks ``(N, 33, 4)`` at ``times`` → ``(len(targets), 33, 4)`` by linear interpolation.

    A target between two present frames is interpolated; next to an absent frame it takes the nearest present
    frame within ``max_gap_s``; otherwise it is all zeros (the classifier's "no person" row).
    """
    out = np.zeros((len(targets), NUM_LANDMARKS, 4), np.float32)
    if len(times) == 0:
        return out
    idx = np.searchsorted(times, targets, side="right")
    for k, (t, i) in enumerate(zip(targets, idx, strict=True)):
        lo, hi = i - 1, i
        lo_ok = lo >= 0 and present[lo]
        hi_ok = hi < len(times) and present[hi]
        if lo_ok and hi_ok and times[hi] > times[lo]:
            w = (t - times[lo]) / (times[hi] - times[lo])
            out[k] = (1 - w) * landmarks[lo] + w * landmarks[hi]
        elif lo_ok and (t - times[lo] <= max_gap_s):
            out[k] = landmarks[lo]
        elif hi_ok and (times[hi] - t <= max_gap_s):
            out[k] = landmarks[hi]
    return out


def _alert_dict(event: AlertEvent) -> dict[str, Any]:
    return {"t_s": round(event.t_s, 3), "code": event.code, "state": event.state, "message": event.message}


def _stats(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    arr = np.asarray(values, dtype=np.float64)
    return {
        "mean": round(float(arr.mean()), 3),
        "median": round(float(np.median(arr)), 3),
        "p90": round(float(np.percentile(arr, 90)), 3),
        "abs_mean": round(float(np.abs(arr).mean()), 3),
    }


def _shares(labels: list[str]) -> dict[str, float]:
    if not labels:
        return {}
    counts = Counter(labels)
    return {k: round(v / len(labels), 3) for k, v in counts.most_common()}


class BodyReportBuilder:
    """Accumulates poses of one video and builds the ``body`` report section."""

    def __init__(
        self,
        classifier: LabelPredictor | None = None,
        options: BodyOptions = BodyOptions(),
        alert_tracker_factory: Callable[[], AlertTracker | None] = AlertTracker,
    ) -> None:
        self.options = options
        self._classifier = classifier
        self._extractor = BodyFeatureExtractor(window_s=options.feature_window_s)
        self._tracker = alert_tracker_factory()
        self._frames: list[_Frame] = []
        self._alerts: list[dict[str, Any]] = []
        self._aspect = 4 / 3

    def add(self, pose: PoseResult) -> BodyFeatures:
        """Add the pose of the next sampled frame (frames must come in time order)."""
        if pose.height > 0:
            self._aspect = pose.width / pose.height
        features = self._extractor.update(pose)
        self._frames.append(_Frame(pose.t_s, pose.landmarks, features))
        if self._tracker is not None:
            for event in self._tracker.update(features):
                self._alerts.append(_alert_dict(event))
        return features

    @property
    def frames_analyzed(self) -> int:
        return len(self._frames)

    def build(self, duration_s: float | None = None) -> dict[str, Any]:
        """The ``body`` section: frame count, visibility, aggregate stats, timeline and alerts."""
        frames = self._frames
        n = len(frames)
        visible = [f for f in frames if f.landmarks is not None]
        timeline = self._timeline(duration_s)
        stats: dict[str, Any] = {}
        for name in _NUMERIC_FIELDS:
            stats[name] = _stats([v for f in visible if (v := getattr(f.features, name)) is not None])
        facing = [f.features.facing_camera for f in visible if f.features.facing_camera is not None]
        crossed = [f.features.arms_crossed for f in visible if f.features.arms_crossed is not None]
        stats["facing_camera_ratio"] = round(float(np.mean(facing)), 3) if facing else None
        stats["arms_crossed_ratio"] = round(float(np.mean(crossed)), 3) if crossed else None
        stats["hands_visible_ratio"] = (
            round(float(np.mean([f.features.hands_visible > 0 for f in visible])), 3) if visible else None
        )
        stats["framing"] = _shares([f.features.framing for f in visible])
        postures = [e["posture"] for e in timeline if e.get("posture") not in (None, "absent")]
        gestures = [e["gesture"] for e in timeline if e.get("gesture") not in (None, "absent")]
        stats["posture"] = _shares(postures)
        stats["gesture"] = _shares(gestures)
        return {
            "frames_analyzed": n,
            "sample_fps": round(n / duration_s, 2) if duration_s else None,
            "person_visible_ratio": round(len(visible) / n, 4) if n else 0.0,
            "classifier": self._classifier is not None,
            "stats": stats,
            "timeline": timeline,
            "alerts": self._alerts if self._tracker is not None else None,
        }

    def _timeline(self, duration_s: float | None) -> list[dict[str, Any]]:
        frames = self._frames
        if not frames:
            return []
        step = 1.0 / self.options.timeline_hz
        end = max(duration_s or 0.0, frames[-1].t_s + 1e-6)
        n_bins = max(1, int(np.ceil(end / step - 1e-9)))
        times = np.array([f.t_s for f in frames])
        bins = np.minimum((times / step).astype(int), n_bins - 1)
        entries: list[dict[str, Any]] = []
        bin_ends: list[float] = []
        for b in range(n_bins):
            members = [frames[i] for i in np.flatnonzero(bins == b)]
            if not members:
                continue
            shown = [f for f in members if f.landmarks is not None]
            entry: dict[str, Any] = {
                "t_s": round(b * step, 3),
                "person_visible": len(shown) * 2 >= len(members),
            }
            for name in _NUMERIC_FIELDS:
                values = [v for f in shown if (v := getattr(f.features, name)) is not None]
                entry[name] = round(float(np.mean(values)), 3) if values else None
            last = shown[-1].features if shown else None
            entry["framing"] = last.framing if last is not None else "not_visible"
            entry["facing_camera"] = last.facing_camera if last is not None else None
            entry["hands_visible"] = last.hands_visible if last is not None else 0
            entries.append(entry)
            bin_ends.append(members[-1].t_s)
        self._label(entries, bin_ends)
        return entries

    def _label(self, entries: list[dict[str, Any]], bin_ends: list[float]) -> None:
        if self._classifier is None or not entries:
            for e in entries:
                e.update(posture=None, posture_confidence=None, gesture=None, gesture_confidence=None)
            return
        opts = self.options
        frames = self._frames
        times = np.array([f.t_s for f in frames])
        present = np.array([f.landmarks is not None for f in frames])
        stack = np.stack([f.landmarks if f.landmarks is not None else np.zeros((NUM_LANDMARKS, 4)) for f in frames])
        t_count = max(2, round(opts.window_s * opts.model_fps))
        offsets = (np.arange(t_count) - (t_count - 1)) / opts.model_fps
        max_gap = 1.5 / opts.model_fps + (float(np.median(np.diff(times))) if len(times) > 1 else 0.0)
        windows = np.stack([resample_window(times, stack, present, end + offsets, max_gap) for end in bin_ends])
        labels = self._classifier.predict_batch(windows, self._aspect)
        for entry, lab in zip(entries, labels, strict=True):
            entry["posture"] = lab.posture
            entry["posture_confidence"] = round(float(lab.posture_confidence), 3)
            entry["gesture"] = lab.gesture
            entry["gesture_confidence"] = round(float(lab.gesture_confidence), 3)
