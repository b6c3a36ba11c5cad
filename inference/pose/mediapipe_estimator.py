"""Real pose landmarking with MediaPipe's ``PoseLandmarker`` (BlazePose) Tasks API."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np

from inference.pose.mediapipe_import import import_mediapipe
from inference.pose.types import NUM_LANDMARKS, PoseResult

RunningMode = Literal["video", "image"]


class MediaPipePoseEstimator:
    """A :class:`~inference.pose.types.PoseEstimator` backed by a ``pose_landmarker_*.task`` bundle.

    ``running_mode="video"`` tracks the person between frames (faster, steadier) and needs increasing
    timestamps: ``t_s`` is converted to whole milliseconds and nudged forward by 1 ms whenever it does not
    increase, so repeated or out-of-order times never raise. ``"image"`` treats every frame independently.
    The fourth landmark column is ``min(visibility, presence)`` of MediaPipe's two scores: the model often
    reports a high visibility for a guessed, out-of-frame wrist, but then a low presence.
    Not thread-safe; use one instance per stream (see :mod:`inference.pose.worker`).
    """

    def __init__(
        self,
        model_path: str | Path,
        running_mode: RunningMode = "video",
        *,
        min_detection_confidence: float = 0.5,
        min_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        path = Path(model_path)
        if not path.is_file():
            raise FileNotFoundError(f"pose model bundle not found: {path} (run `podium models`)")
        if running_mode not in ("video", "image"):
            raise ValueError(f"running_mode must be 'video' or 'image', not {running_mode!r}")
        mp = import_mediapipe()
        vision = mp.tasks.vision
        mode = vision.RunningMode.VIDEO if running_mode == "video" else vision.RunningMode.IMAGE
        options = vision.PoseLandmarkerOptions(
            base_options=mp.tasks.BaseOptions(model_asset_path=str(path)),
            running_mode=mode,
            num_poses=1,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._mp = mp
        self._landmarker: Any = vision.PoseLandmarker.create_from_options(options)
        self.running_mode: RunningMode = running_mode
        self.model_path = path
        self._last_ms = -1

    def estimate(self, image_rgb: np.ndarray, t_s: float) -> PoseResult:
        """Landmarks of the most prominent person in an ``H×W×3`` uint8 RGB frame taken at media time ``t_s``."""
        if self._landmarker is None:
            raise RuntimeError("estimator is closed")
        if image_rgb.ndim != 3 or image_rgb.shape[2] != 3 or image_rgb.dtype != np.uint8:
            raise ValueError(f"expected H×W×3 uint8 RGB, got {image_rgb.shape} {image_rgb.dtype}")
        height, width = image_rgb.shape[:2]
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(image_rgb))
        if self.running_mode == "video":
            ms = max(round(t_s * 1000.0), self._last_ms + 1)
            self._last_ms = ms
            result = self._landmarker.detect_for_video(image, ms)
        else:
            result = self._landmarker.detect(image)
        landmarks = _to_array(result.pose_landmarks[0]) if result.pose_landmarks else None
        return PoseResult(t_s=t_s, landmarks=landmarks, width=width, height=height)

    def close(self) -> None:
        """Release the native graph; further :meth:`estimate` calls raise."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> MediaPipePoseEstimator:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _to_array(landmarks: list[Any]) -> np.ndarray | None:
    if len(landmarks) != NUM_LANDMARKS:
        return None
    out = np.empty((NUM_LANDMARKS, 4), dtype=np.float32)
    for i, lm in enumerate(landmarks):
        visibility = 0.0 if lm.visibility is None else lm.visibility
        presence = 1.0 if lm.presence is None else lm.presence
        out[i] = (lm.x, lm.y, lm.z, min(visibility, presence))
    return out
