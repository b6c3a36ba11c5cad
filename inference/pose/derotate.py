"""Derotation: level a tilted person before landmarking, then map the landmarks back.

BlazePose was trained mostly on upright people and pulls large roll angles towards level: on a frame rotated
by 16° its shoulder line reads a few degrees short, more so on people it fits less well. Rotating the frame
by minus a first estimate around the shoulder midpoint shows the model a nearly level person; the landmarks
of that pass, mapped back through the inverse rotation, carry the full angle.

The geometry is pure numpy (2×3 affine matrices in pixels, the same convention as OpenCV's
``getRotationMatrix2D``: positive degrees rotate counter-clockwise as seen in the image, y pointing down).
:func:`rotate_image` is the one call into OpenCV (shipped with MediaPipe).
"""

from __future__ import annotations

import math

import numpy as np

from inference.body.landmarks import L

Affine = np.ndarray
"""A 2×3 float64 matrix mapping pixel ``(x, y, 1)`` to pixel ``(x', y')``."""


def rotation_about(center_px: tuple[float, float], deg: float) -> Affine:
    """Rotation by ``deg`` (counter-clockwise in the image) around ``center_px``."""
    rad = math.radians(deg)
    c, s = math.cos(rad), math.sin(rad)
    cx, cy = center_px
    return np.array([[c, s, (1 - c) * cx - s * cy], [-s, c, s * cx + (1 - c) * cy]], dtype=np.float64)


def invert_affine(m: Affine) -> Affine:
    """The inverse of a 2×3 affine matrix."""
    full = np.vstack([m, [0.0, 0.0, 1.0]])
    return np.linalg.inv(full)[:2]


def apply_affine(m: Affine, points_px: np.ndarray) -> np.ndarray:
    """``(N, 2)`` pixel points through ``m``."""
    pts = np.asarray(points_px, dtype=np.float64)
    return pts @ m[:, :2].T + m[:, 2]


def map_landmarks(landmarks: np.ndarray, m: Affine, width: int, height: int) -> np.ndarray:
    """Landmarks ``(33, 4)`` (x, y normalised to a ``width``×``height`` frame) through ``m``; z and scores kept."""
    out = np.array(landmarks, dtype=np.float32, copy=True)
    px = np.stack([landmarks[:, 0] * width, landmarks[:, 1] * height], axis=1)
    moved = apply_affine(m, px)
    out[:, 0] = moved[:, 0] / width
    out[:, 1] = moved[:, 1] / height
    return out


def shoulder_midpoint_px(landmarks: np.ndarray, width: int, height: int) -> tuple[float, float]:
    """Pixel midpoint of the two shoulder landmarks."""
    x = (float(landmarks[L.LEFT_SHOULDER, 0]) + float(landmarks[L.RIGHT_SHOULDER, 0])) / 2 * width
    y = (float(landmarks[L.LEFT_SHOULDER, 1]) + float(landmarks[L.RIGHT_SHOULDER, 1])) / 2 * height
    return x, y


def leveling_rotation(tilt_deg: float, center_px: tuple[float, float]) -> Affine:
    """The rotation that brings a line tilted by ``tilt_deg`` through ``center_px`` back to level."""
    return rotation_about(center_px, -tilt_deg)


def rotate_image(image_rgb: np.ndarray, m: Affine) -> np.ndarray:
    """``image_rgb`` warped by ``m`` (bilinear; edges replicated so no dark wedge appears)."""
    import cv2

    height, width = image_rgb.shape[:2]
    out = cv2.warpAffine(image_rgb, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.ascontiguousarray(out)
