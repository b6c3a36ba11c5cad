"""How a camera sees a synthetic body: MediaPipe's landmark layout, a random pinhole camera, projection,
MediaPipe-like visibility and the corruptions real landmark streams show (jitter, bias, glitches, dropped frames).

Used by :mod:`inference.training.body_synth`, which poses the 3-D body.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ARMS_FREE, ARMS_CROSSED, ARMS_HIDDEN = range(3)

NOSE = 0
L_EAR, R_EAR = 7, 8
L_SHOULDER, R_SHOULDER = 11, 12
L_ELBOW, R_ELBOW = 13, 14
L_WRIST, R_WRIST = 15, 16
L_HIP, R_HIP = 23, 24
HAND_LANDMARKS: tuple[int, ...] = (15, 16, 17, 18, 19, 20, 21, 22)
FACE_LANDMARKS = tuple(range(11))
LEG_LANDMARKS = tuple(range(25, 33))


def uniform(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` samples, one per synthetic window, uniform in ``[lo, hi)``."""
    return rng.uniform(lo, hi, (n,))


@dataclass(frozen=True)
class Camera:
    """One pinhole camera per synthetic window (arrays over windows)."""

    pos: np.ndarray  # (N, 3)
    right: np.ndarray
    up: np.ndarray
    fwd: np.ndarray
    fx: np.ndarray  # (N,) focal length over image width
    aspect: np.ndarray
    roll: np.ndarray


def random_camera(rng: np.random.Generator, pts: np.ndarray, arms: np.ndarray, hidden_kind: np.ndarray) -> Camera:
    """Frames the person: top edge above the head, bottom edge chosen so hands are in or out of view."""
    n = pts.shape[0]
    aspect = np.where(rng.uniform(size=n) < 0.5, 4 / 3, 16 / 9)
    hfov = uniform(rng, 50, 78, n)
    tan_h = np.tan(np.deg2rad(hfov) / 2)
    tan_v = tan_h / aspect
    head_top = pts[:, :, [0, 7, 8], 1].max(axis=(1, 2)) + 0.12
    margin = np.where(rng.uniform(size=n) < 0.05, uniform(rng, -0.1, 0.0, n), uniform(rng, 0.02, 0.25, n))
    top = head_top + margin
    hands_y = pts[:, :, HAND_LANDMARKS, 1]
    shoulder_y = pts[:, :, [L_SHOULDER, R_SHOULDER], 1].min(axis=(1, 2))
    bottom = hands_y.min(axis=(1, 2)) - uniform(rng, 0.04, 0.3, n)
    below = hidden_kind == 2
    bottom[below] = np.minimum(hands_y.max(axis=(1, 2)) + uniform(rng, 0.06, 0.3, n), shoulder_y - 0.05)[below]
    other_hidden = (arms == ARMS_HIDDEN) & ~below
    bottom[other_hidden] = uniform(rng, -0.4, 0.25, n)[other_hidden]
    bottom = np.minimum(bottom, shoulder_y - np.where(below, 0.05, 0.15))
    dist = np.maximum((top - bottom) / (2 * tan_v), 0.45)
    centre_y = (top + bottom) / 2
    half_w = dist * tan_h
    body_x = pts[:, :, [L_SHOULDER, R_SHOULDER], 0].mean(axis=(1, 2))
    target = np.stack([body_x + uniform(rng, -0.5, 0.5, n) * np.maximum(half_w - 0.3, 0.0), centre_y, np.zeros(n)], 1)
    pos = target + np.stack([np.zeros(n), uniform(rng, -0.3, 0.3, n) * dist, dist], 1)
    fwd = target - pos
    fwd /= np.linalg.norm(fwd, axis=1, keepdims=True)
    right = np.cross(fwd, np.array([0.0, 1.0, 0.0]))
    right /= np.linalg.norm(right, axis=1, keepdims=True)
    up = np.cross(right, fwd)
    return Camera(pos, right, up, fwd, 0.5 / tan_h, aspect, uniform(rng, -2, 2, n))


def project(cam: Camera, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Perspective projection → ``(N, T, 33, 3)`` normalised ``x, y, z`` and camera depth."""
    rel = pts - cam.pos[:, None, None, :]
    xc = np.einsum("ntkc,nc->ntk", rel, cam.right)
    yc = np.einsum("ntkc,nc->ntk", rel, cam.up)
    depth = np.einsum("ntkc,nc->ntk", rel, cam.fwd)
    a = np.deg2rad(cam.roll)[:, None, None]
    xc, yc = xc * np.cos(a) - yc * np.sin(a), xc * np.sin(a) + yc * np.cos(a)
    fx = cam.fx[:, None, None]
    depth = np.maximum(depth, 0.05)
    x = 0.5 + fx * xc / depth
    y = 0.5 - fx * cam.aspect[:, None, None] * yc / depth
    hip_depth = depth[:, :, [L_HIP, R_HIP]].mean(axis=2, keepdims=True)
    z = (depth - hip_depth) * fx / hip_depth
    return np.stack([x, y, z], -1), depth


def visibility(
    rng: np.random.Generator,
    xy: np.ndarray,
    pts: np.ndarray,
    r_thor: np.ndarray,
    spine_mid: np.ndarray,
    cam: Camera,
    arms: np.ndarray,
    hidden_kind: np.ndarray,
) -> np.ndarray:
    """MediaPipe-like visibility per landmark: high for the face, lower off-frame, behind the body or hidden."""
    n = xy.shape[0]
    base = np.empty((n, 33))
    base[:, :11] = rng.uniform(0.97, 0.999, (n, 11))
    base[:, 11:13] = rng.uniform(0.95, 0.999, (n, 2))
    base[:, 13:15] = rng.uniform(0.8, 0.99, (n, 2))
    base[:, 15:23] = rng.uniform(0.6, 0.97, (n, 8))
    base[:, 23:25] = rng.uniform(0.5, 0.9, (n, 2))
    base[:, 25:] = rng.uniform(0.3, 0.8, (n, 8))
    margin = np.minimum(np.minimum(xy[..., 0], 1 - xy[..., 0]), np.minimum(xy[..., 1], 1 - xy[..., 1]))
    vis = base[:, None, :] / (1 + np.exp(np.clip(-(margin + 0.01) / 0.015, -50, 50)))

    local = np.einsum("ntji,ntkj->ntki", r_thor, pts - spine_mid[:, :, None, :])
    cam_local = np.einsum("ntji,ntj->nti", r_thor, cam.pos[:, None, :] - spine_mid)
    behind = (
        (local[..., 2] < -0.07)
        & (np.abs(local[..., 0]) < 0.19)
        & (local[..., 1] > -0.35)
        & (local[..., 1] < 0.3)
        & (cam_local[:, :, None, 2] > 0.2)
    )
    vis = np.where(behind, vis * rng.uniform(0.05, 0.3, vis.shape), vis)

    hands = np.array(HAND_LANDMARKS)
    pockets = hidden_kind == 1
    vis[np.ix_(pockets, np.arange(vis.shape[1]), hands)] *= rng.uniform(0.05, 0.3, (int(pockets.sum()), 1, 8))
    behind_back = hidden_kind == 0
    vis[np.ix_(behind_back, np.arange(vis.shape[1]), hands)] *= rng.uniform(0.05, 0.3, (int(behind_back.sum()), 1, 8))
    crossed = arms == ARMS_CROSSED
    under = rng.integers(0, 2, n)
    for side in (0, 1):
        m = crossed & (under == side)
        vis[np.ix_(m, np.arange(vis.shape[1]), np.array(HAND_LANDMARKS[side::2]))] *= rng.uniform(
            0.2, 0.7, (int(m.sum()), 1, 4)
        )
    vis += rng.normal(0, 0.01, vis.shape)
    return np.clip(vis, 0.0, 1.0)


def guess_off_frame_hands(rng: np.random.Generator, lm: np.ndarray) -> None:
    """In place: like MediaPipe, often report hands below the frame as guesses in front of the chest near the
    bottom edge instead of where they really are, with any visibility up to 0.85, jumping between frames."""
    n = lm.shape[0]
    hands = np.array(HAND_LANDMARKS)
    side = np.arange(len(HAND_LANDMARKS)) % 2
    shoulder_x = lm[:, :, [L_SHOULDER, R_SHOULDER], 0]
    guess_x = 0.5 * shoulder_x[:, :, side] + 0.5 * shoulder_x.mean(axis=-1, keepdims=True)
    guess_x = guess_x + rng.normal(0, 0.03, (n, 1, hands.size))
    guess_y = rng.uniform(0.78, 0.98, (n, 1, 1)) + rng.normal(0, 0.03, (n, 1, hands.size))
    jump = rng.uniform(0.005, 0.2, (n, 1, 1)) * rng.normal(0, 1, (n, lm.shape[1], hands.size))
    guess_y = guess_y + jump
    guess_vis = rng.uniform(0.1, 0.85, (n, 1, hands.size))
    swap = (lm[:, :, hands, 1] > 1.0) & (rng.uniform(size=(n,)) < 0.75)[:, None, None]
    lm[:, :, hands, 0] = np.where(swap, guess_x, lm[:, :, hands, 0])
    lm[:, :, hands, 1] = np.where(swap, guess_y, lm[:, :, hands, 1])
    lm[:, :, hands, 3] = np.where(swap, guess_vis, lm[:, :, hands, 3])


def corrupt(rng: np.random.Generator, lm: np.ndarray) -> None:
    """In place: jitter, per-landmark bias, jumping guesses for unseen landmarks, depth noise, glitches and
    missing frames."""
    n, frames = lm.shape[:2]
    weight = np.ones(33)
    weight[list(FACE_LANDMARKS)] = 0.7
    weight[13:15] = 1.5
    weight[15:25] = 2.0
    weight[list(LEG_LANDMARKS)] = 3.0
    sigma = rng.uniform(0.0007, 0.003, (n, 1, 1)) * weight * (1 + 3 * (1 - lm[..., 3]))
    lm[..., :2] += rng.normal(0, 1, (n, frames, 33, 2)) * sigma[..., None]
    lm[..., :2] += rng.normal(0, 0.004, (n, 1, 33, 2))
    off_frame = (np.minimum(lm[..., 0], 1 - lm[..., 0]) < -0.02) | (np.minimum(lm[..., 1], 1 - lm[..., 1]) < -0.02)
    lm[..., :2] += np.where(off_frame[..., None], rng.normal(0, 0.04, (n, 1, 33, 2)), 0.0)
    unsure = np.clip((0.5 - lm[..., 3]) / 0.5, 0.0, 1.0)
    jumpy = np.where(rng.uniform(size=(n,)) < 0.7, rng.uniform(0.01, 0.25, (n,)), 0.0)[:, None, None]
    lm[..., :2] += rng.normal(0, 1, (n, frames, 33, 2)) * (jumpy * unsure)[..., None]
    lm[..., 2] = lm[..., 2] * rng.uniform(0.6, 1.4, (n, 1, 1)) + rng.normal(0, 0.02, (n, frames, 33))

    glitch = np.flatnonzero(rng.uniform(size=n) < 0.1)
    for i in glitch:
        k = rng.integers(11, 25)
        start = rng.integers(0, frames)
        span = slice(start, start + rng.integers(1, 4))
        lm[i, span, k, :2] += rng.normal(0, 0.04, 2)
        lm[i, span, k, 3] *= 0.3

    runs = np.flatnonzero(rng.uniform(size=n) < 0.12)
    for i in runs:
        length = rng.integers(1, 6)
        start = rng.integers(0, frames - length + 1)
        lm[i, start : start + length] = 0.0
    scattered = rng.uniform(size=(n,)) < 0.05
    lm[(scattered[:, None] & (rng.uniform(size=(n, frames)) < 0.1))] = 0.0
