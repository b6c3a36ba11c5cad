"""Labelled synthetic BlazePose landmark windows from a parametric 3-D upper-body model.

A body (pelvis, two-segment spine, shoulders, arms with hands, head with face points, legs) is posed with
joint angles that evolve over time, seen by a random pinhole camera (distance, height, yaw, field of view,
aspect, framing), projected to MediaPipe's 33-landmark layout with MediaPipe-like ``x, y, z, visibility``,
then corrupted with jitter, per-landmark bias, glitches and missing frames.

Body frame: metres, X = the person's left, Y = up, Z = the person's forward; the hip centre is the origin.

Labels:

* posture, by priority: ``tilted`` (sideways lean, head tilt or dropped shoulder) > ``slouched_leaning``
  (rounded back, forward or backward lean) > ``arms_crossed`` > ``hands_hidden`` (behind the back, in the
  pockets, or below the frame edge) > ``upright``. Tilted and slouched windows may have any arm state.
* gesture: ``still``, ``purposeful`` (slow, large arm movements) or ``fidgeting`` (small, fast movements of
  hands, head or body). Purposeful gestures only occur with free arms.

Everything is numpy, vectorised over samples, and deterministic for a given seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.training.body_camera import (
    ARMS_CROSSED,
    ARMS_FREE,
    ARMS_HIDDEN,
    L_ELBOW,
    L_HIP,
    L_SHOULDER,
    L_WRIST,
    corrupt,
    guess_off_frame_hands,
    project,
    random_camera,
    uniform,
    visibility,
)

POSTURES: tuple[str, ...] = ("upright", "slouched_leaning", "tilted", "arms_crossed", "hands_hidden")
GESTURES: tuple[str, ...] = ("still", "purposeful", "fidgeting")

UPRIGHT, SLOUCHED, TILTED, CROSSED, HIDDEN = range(5)
STILL, PURPOSEFUL, FIDGETING = range(3)
# Face points in the head frame (origin between the ears), for the person's left side (mirror for right).
_FACE_OFFSETS = {
    0: (0.0, -0.01, 0.105),
    1: (0.016, 0.025, 0.09),
    2: (0.032, 0.027, 0.088),
    3: (0.047, 0.025, 0.08),
    7: (0.075, 0.0, -0.005),
    9: (0.025, -0.045, 0.09),
}
_FACE_RIGHT_OF_LEFT = {4: 1, 5: 2, 6: 3, 8: 7, 10: 9}
# Hand points in the forearm frame relative to the wrist: pinky, index, thumb.
_HAND_OFFSETS = ((0.0, -0.075, -0.02), (0.0, -0.085, 0.015), (0.0, -0.045, 0.03))


@dataclass(frozen=True)
class SynthBatch:
    """Generated windows and labels.

    ``windows``: ``(N, T, 33, 4)`` float32 ``x, y, z, visibility`` as MediaPipe reports them (``x`` over the
    image width, ``y`` over the height; missing frames all zero). ``aspect``: image width / height per sample.
    """

    windows: np.ndarray
    posture: np.ndarray
    gesture: np.ndarray
    aspect: np.ndarray


def _rot(axis: int, deg: np.ndarray) -> np.ndarray:
    a = np.deg2rad(deg)
    c, s = np.cos(a), np.sin(a)
    m = np.zeros((*a.shape, 3, 3))
    i, j = [(1, 2), (0, 2), (0, 1)][axis]
    m[..., axis, axis] = 1.0
    m[..., i, i] = c
    m[..., j, j] = c
    if axis == 1:
        m[..., 0, 2], m[..., 2, 0] = s, -s
    else:
        m[..., i, j], m[..., j, i] = -s, s
    return m


def _apply(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.einsum("...ij,...j->...i", r, v)


def _waves(rng: np.random.Generator, t: np.ndarray, amp: np.ndarray, f_lo: float, f_hi: float) -> np.ndarray:
    """Sum of two random sinusoids per sample, peak amplitude about ``amp`` (shape ``(N,)``) → ``(N, T)``."""
    n = amp.shape[0]
    out = np.zeros((n, t.shape[0]))
    for share in (0.65, 0.35):
        f = rng.uniform(f_lo, f_hi, (n, 1))
        ph = rng.uniform(0, 2 * np.pi, (n, 1))
        out += share * np.sin(2 * np.pi * f * t[None, :] + ph)
    return amp[:, None] * out


class _Pose:
    """Per-sample joint parameters; every field is ``(N, T)`` after :meth:`expand`."""

    def __init__(self, n: int, frames: int) -> None:
        z = np.zeros((n, frames))
        self.lumbar_pitch, self.thor_pitch, self.roll, self.yaw = z.copy(), z.copy(), z.copy(), z.copy()
        self.root = np.zeros((n, frames, 3))
        self.head_pitch, self.head_roll, self.head_yaw = z.copy(), z.copy(), z.copy()
        self.elev = np.zeros((n, frames, 2))
        self.protract = z.copy()
        self.flex, self.abd, self.rot, self.elbow = (np.zeros((n, frames, 2)) for _ in range(4))


def _sample_labels(
    rng: np.random.Generator,
    n: int,
    posture_only: int | None,
    gesture_only: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    posture = rng.integers(0, len(POSTURES), (n,))
    if posture_only is not None:
        posture[:] = posture_only
    arms = np.full(n, ARMS_FREE)
    arms[posture == CROSSED] = ARMS_CROSSED
    arms[posture == HIDDEN] = ARMS_HIDDEN
    torso_issue = (posture == TILTED) | (posture == SLOUCHED)
    draw = rng.uniform(size=n)
    arms[torso_issue & (draw < 0.125)] = ARMS_CROSSED
    arms[torso_issue & (draw >= 0.125) & (draw < 0.525)] = ARMS_HIDDEN
    if gesture_only == PURPOSEFUL:
        if posture_only in (CROSSED, HIDDEN):
            raise ValueError("purposeful gestures need free arms")
        arms[:] = ARMS_FREE
    gesture = np.where(rng.uniform(size=n) < 0.5, STILL, FIDGETING)
    free = arms == ARMS_FREE
    gesture[free & (rng.uniform(size=n) < 0.7)] = PURPOSEFUL
    if gesture_only is not None:
        gesture[:] = gesture_only
    return posture, gesture, arms


def _torso(rng: np.random.Generator, pose: _Pose, posture: np.ndarray, t: np.ndarray) -> None:
    n = posture.shape[0]
    pose.lumbar_pitch[:] = uniform(rng, -4, 4, n)[:, None]
    pose.thor_pitch[:] = uniform(rng, -3, 5, n)[:, None]
    pose.roll[:] = uniform(rng, -4, 4, n)[:, None]
    pose.head_pitch[:] = uniform(rng, -8, 8, n)[:, None]
    pose.head_roll[:] = uniform(rng, -6, 6, n)[:, None]
    pose.head_yaw[:] = uniform(rng, -20, 20, n)[:, None] + _waves(rng, t, uniform(rng, 0, 8, n), 0.05, 0.3)
    pose.yaw[:] = uniform(rng, -25, 25, n)[:, None] + _waves(rng, t, uniform(rng, 0, 4, n), 0.05, 0.2)
    pose.elev[:] = uniform(rng, -0.008, 0.008, n)[:, None, None] * np.array([1.0, -1.0])
    pose.protract[:] = uniform(rng, -0.01, 0.02, n)[:, None]

    slouch = posture == SLOUCHED
    kind = rng.integers(0, 3, n)
    m = slouch & (kind == 0)
    pose.lumbar_pitch[m] = uniform(rng, 0, 8, n)[m, None]
    pose.thor_pitch[m] = uniform(rng, 15, 35, n)[m, None]
    pose.head_pitch[m] = uniform(rng, 10, 30, n)[m, None]
    pose.protract[m] = uniform(rng, 0.03, 0.07, n)[m, None]
    m = slouch & (kind == 1)
    pose.lumbar_pitch[m] = uniform(rng, 15, 30, n)[m, None]
    pose.thor_pitch[m] = uniform(rng, 0, 8, n)[m, None]
    pose.head_pitch[m] = uniform(rng, -5, 15, n)[m, None]
    m = slouch & (kind == 2)
    pose.lumbar_pitch[m] = uniform(rng, -25, -12, n)[m, None]
    pose.thor_pitch[m] = uniform(rng, -5, 0, n)[m, None]
    pose.head_pitch[m] = uniform(rng, -15, 5, n)[m, None]

    tilt = posture == TILTED
    sign = np.where(rng.uniform(size=n) < 0.5, -1.0, 1.0)
    m = tilt & (kind == 0)
    pose.roll[m] = (sign * uniform(rng, 9, 22, n))[m, None]
    m = tilt & (kind == 1)
    pose.head_roll[m] = (sign * uniform(rng, 15, 30, n))[m, None]
    m = tilt & (kind == 2)
    drop = (sign * uniform(rng, 0.045, 0.09, n))[:, None, None] * np.array([1.0, -1.0])
    pose.elev[m] = np.broadcast_to(drop, pose.elev.shape)[m]
    pose.head_roll[m] = (sign * uniform(rng, 4, 12, n))[m, None]


def _arm_rest(rng: np.random.Generator, pose: _Pose, arms: np.ndarray, gesture: np.ndarray) -> np.ndarray:
    """Sets the resting arm angles; returns which hidden-hands variant each sample uses (-1: none)."""
    n = arms.shape[0]

    def both(lo: float, hi: float) -> np.ndarray:
        return rng.uniform(lo, hi, (n, 2))

    kind = rng.integers(0, 4, (n,))
    kind[gesture == PURPOSEFUL] = rng.integers(2, 4, (n,))[gesture == PURPOSEFUL]
    rest = {
        0: (both(0, 12), both(3, 12), both(0, 20), both(5, 30)),  # hanging by the sides
        1: (both(10, 25), both(0, 8), both(45, 70), both(70, 100)),  # hands clasped in front
        2: (both(15, 35), both(5, 15), both(10, 35), both(70, 100)),  # speaker's ready position
        3: (
            np.stack([uniform(rng, 20, 40, n), uniform(rng, 0, 12, n)], 1),
            both(3, 12),
            both(10, 30),
            np.stack([uniform(rng, 80, 110, n), uniform(rng, 5, 30, n)], 1),
        ),  # one hand raised
    }
    flex, abd, rot, elb = (np.zeros((n, 2)) for _ in range(4))
    for k, (f, a, r, e) in rest.items():
        m = kind == k
        flex[m], abd[m], rot[m], elb[m] = f[m], a[m], r[m], e[m]
    swap = rng.uniform(size=n) < 0.5
    for arr in (flex, abd, rot, elb):
        arr[swap] = arr[swap][:, ::-1]

    crossed = arms == ARMS_CROSSED
    flex[crossed] = both(30, 50)[crossed]
    abd[crossed] = both(-8, 5)[crossed]
    rot[crossed] = both(60, 85)[crossed]
    elb[crossed] = both(110, 140)[crossed]

    hidden_kind = np.where(arms == ARMS_HIDDEN, rng.choice(3, size=(n,), p=[0.25, 0.25, 0.5]), -1)
    m = hidden_kind == 0  # behind the back
    flex[m], abd[m], rot[m], elb[m] = both(-30, -15)[m], both(5, 15)[m], both(50, 80)[m], both(60, 90)[m]
    m = hidden_kind == 1  # in the pockets
    flex[m], abd[m], rot[m], elb[m] = both(0, 10)[m], both(8, 18)[m], both(0, 20)[m], both(20, 45)[m]
    m = hidden_kind == 2  # hanging below the frame edge
    flex[m], abd[m], rot[m], elb[m] = both(0, 10)[m], both(3, 10)[m], both(0, 20)[m], both(0, 20)[m]

    pose.flex[:], pose.abd[:], pose.rot[:], pose.elbow[:] = (x[:, None, :] for x in (flex, abd, rot, elb))
    return hidden_kind


def _motion(rng: np.random.Generator, pose: _Pose, gesture: np.ndarray, arms: np.ndarray, t: np.ndarray) -> None:
    n = gesture.shape[0]
    still = gesture == STILL
    purposeful = gesture == PURPOSEFUL
    fidget = gesture == FIDGETING

    def add_arm(
        field: np.ndarray, mask: np.ndarray, lo: float, hi: float, f_lo: float, f_hi: float, sides: np.ndarray
    ) -> None:
        for side in (0, 1):
            w = _waves(rng, t, uniform(rng, lo, hi, n), f_lo, f_hi)
            field[..., side] += np.where((mask & sides[:, side])[:, None], w, 0.0)

    sway = np.where(purposeful, uniform(rng, 0, 0.03, n), uniform(rng, 0, 0.008, n))
    pose.root[..., 0] += _waves(rng, t, sway, 0.1, 0.35)
    all_sides = np.ones((n, 2), bool)
    for field in (pose.flex, pose.abd, pose.rot, pose.elbow):
        add_arm(field, still, 0.0, 1.0, 0.05, 0.3, all_sides)

    one = rng.uniform(size=n) < 0.4
    active_right = rng.uniform(size=n) < 0.5
    sides = np.stack([~one | ~active_right, ~one | active_right], 1)
    add_arm(pose.flex, purposeful, 10, 35, 0.3, 1.2, sides)
    add_arm(pose.abd, purposeful, 8, 25, 0.3, 1.2, sides)
    add_arm(pose.elbow, purposeful, 15, 40, 0.3, 1.2, sides)
    add_arm(pose.rot, purposeful, 10, 30, 0.3, 1.2, sides)
    pose.head_yaw[:] += np.where(purposeful[:, None], _waves(rng, t, uniform(rng, 0, 10, n), 0.1, 0.5), 0.0)

    visible_hands = (arms == ARMS_FREE) | ((arms == ARMS_CROSSED) & (rng.uniform(size=n) < 0.5))
    hands = fidget & visible_hands
    add_arm(pose.elbow, hands, 5, 12, 1.5, 4.0, all_sides)
    add_arm(pose.rot, hands, 6, 16, 1.5, 4.0, all_sides)
    add_arm(pose.flex, hands, 3, 8, 1.5, 4.0, all_sides)
    body = fidget & (~hands | (rng.uniform(size=n) < 0.5))
    pose.root[..., 0] += np.where(body[:, None], _waves(rng, t, uniform(rng, 0.015, 0.04, n), 0.8, 2.5), 0.0)
    pose.head_yaw[:] += np.where(body[:, None], _waves(rng, t, uniform(rng, 4, 10, n), 1.0, 3.0), 0.0)
    pose.head_roll[:] += np.where(body[:, None], _waves(rng, t, uniform(rng, 2, 5, n), 1.0, 3.0), 0.0)
    pose.head_pitch[:] += np.where(body[:, None], _waves(rng, t, uniform(rng, 3, 7, n), 1.0, 3.0), 0.0)


def _skeleton(rng: np.random.Generator, pose: _Pose) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward kinematics → world points ``(N, T, 33, 3)``, thorax rotation and spine-mid point."""
    n, frames = pose.yaw.shape
    s = uniform(rng, 0.88, 1.12, n)[:, None, None]
    pts = np.zeros((n, frames, 33, 3))
    r_pelvis = _rot(1, pose.yaw) @ _rot(2, 0.3 * pose.roll)
    r_lumbar = _rot(1, pose.yaw) @ _rot(2, pose.roll) @ _rot(0, pose.lumbar_pitch)
    r_thor = r_lumbar @ _rot(0, pose.thor_pitch)
    root = pose.root
    spine_mid = root + _apply(r_lumbar, np.array([0.0, 0.26, 0.0])) * s
    neck = spine_mid + _apply(r_thor, np.array([0.0, 0.26, 0.0])) * s

    hip_half = uniform(rng, 0.12, 0.15, n)[:, None] * s[..., 0]
    sh_half = uniform(rng, 0.17, 0.21, n)[:, None] * s[..., 0]
    upper = uniform(rng, 0.27, 0.31, n)[:, None, None] * s
    fore = uniform(rng, 0.23, 0.27, n)[:, None, None] * s
    for k, side in enumerate((1.0, -1.0)):
        hip = root + _apply(r_pelvis, np.stack([side * hip_half, 0 * hip_half, 0 * hip_half], -1))
        knee = hip + _apply(r_pelvis, np.array([0.0, -0.45, 0.02])) * s
        ankle = knee + _apply(r_pelvis, np.array([0.0, -0.43, -0.02])) * s
        pts[:, :, L_HIP + k] = hip
        pts[:, :, 25 + k] = knee
        pts[:, :, 27 + k] = ankle
        pts[:, :, 29 + k] = ankle + _apply(r_pelvis, np.array([0.0, -0.06, -0.05])) * s
        pts[:, :, 31 + k] = ankle + _apply(r_pelvis, np.array([side * 0.02, -0.07, 0.14])) * s

        sh_local = np.stack(
            [np.broadcast_to(side * sh_half, (n, frames)), -0.03 * s[..., 0] + pose.elev[..., k], pose.protract], -1
        )
        shoulder = neck + _apply(r_thor, sh_local)
        r_arm = (
            r_thor @ _rot(2, side * pose.abd[..., k]) @ _rot(0, -pose.flex[..., k]) @ _rot(1, -side * pose.rot[..., k])
        )
        elbow = shoulder + _apply(r_arm, np.array([0.0, -1.0, 0.0])) * upper
        r_fore = r_arm @ _rot(0, -pose.elbow[..., k])
        wrist = elbow + _apply(r_fore, np.array([0.0, -1.0, 0.0])) * fore
        pts[:, :, L_SHOULDER + k] = shoulder
        pts[:, :, L_ELBOW + k] = elbow
        pts[:, :, L_WRIST + k] = wrist
        for j, off in enumerate(_HAND_OFFSETS):
            pts[:, :, 17 + 2 * j + k] = wrist + _apply(r_fore, np.array(off)) * s

    r_head = r_thor @ _rot(1, pose.head_yaw) @ _rot(0, pose.head_pitch) @ _rot(2, pose.head_roll)
    head_size = uniform(rng, 0.92, 1.08, n)[:, None, None] * s
    head = neck + _apply(r_thor, np.array([0.0, 0.07, -0.01])) * s + _apply(r_head, np.array([0.0, 0.11, 0.0])) * s
    for idx, off in _FACE_OFFSETS.items():
        pts[:, :, idx] = head + _apply(r_head, np.array(off)) * head_size
    for idx, left in _FACE_RIGHT_OF_LEFT.items():
        x, y, z = _FACE_OFFSETS[left]
        pts[:, :, idx] = head + _apply(r_head, np.array([-x, y, z])) * head_size
    return pts, r_thor, spine_mid


def generate(
    n: int, seed: int, frames: int = 20, fps: float = 10.0, posture: int | None = None, gesture: int | None = None
) -> SynthBatch:
    """Generates ``n`` labelled landmark windows of ``frames`` frames at ``fps``; same seed, same data.

    ``posture`` / ``gesture`` (indices into :data:`POSTURES` / :data:`GESTURES`) force one class instead of
    sampling; a purposeful gesture cannot be combined with crossed or hidden arms.
    """
    rng = np.random.default_rng(seed)
    labels, gestures, arms = _sample_labels(rng, n, posture, gesture)
    t = np.arange(frames) / fps + rng.uniform(0, 10)
    pose = _Pose(n, frames)
    _torso(rng, pose, labels, t)
    hidden_kind = _arm_rest(rng, pose, arms, gestures)
    _motion(rng, pose, gestures, arms, t)
    pts, r_thor, spine_mid = _skeleton(rng, pose)
    cam = random_camera(rng, pts, arms, hidden_kind)
    xyz, _ = project(cam, pts)
    vis = visibility(rng, xyz, pts, r_thor, spine_mid, cam, arms, hidden_kind)
    lm = np.concatenate([xyz, vis[..., None]], axis=-1)
    guess_off_frame_hands(rng, lm)
    corrupt(rng, lm)
    return SynthBatch(
        lm.astype(np.float32), labels.astype(np.int64), gestures.astype(np.int64), cam.aspect.astype(np.float32)
    )
