"""Temporal smoothing and hysteresis alerts for body-language feedback.

Feedback must never flicker: continuous features are smoothed with a time-aware EMA, and an alert fires only
after its condition has held for ``on_s`` seconds and clears only after it has been absent for ``off_s``
seconds. Thresholds also have a release band (an active alert clears below ``threshold·release_ratio``), so a
value hovering at the threshold cannot toggle an alert. All thresholds are data in :class:`AlertConfig`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from inference.body.features import BodyFeatures

Transition = Literal["fired", "cleared"]


class Hysteresis:
    """Debounces a boolean condition in time.

    ``update(t, True)`` for ``on_s`` seconds fires; ``update(t, False)`` for ``off_s`` seconds clears; ``None``
    (unknown, e.g. the person left the frame) leaves the state and the running timers untouched.
    """

    def __init__(self, on_s: float, off_s: float) -> None:
        self.on_s = on_s
        self.off_s = off_s
        self.active = False
        self._since: float | None = None

    def update(self, t_s: float, condition: bool | None) -> Transition | None:
        """Feed one observation; return the transition it caused, if any."""
        if condition is None:
            return None
        if condition == self.active:
            self._since = None
            return None
        if self._since is None:
            self._since = t_s
        if t_s - self._since >= (self.off_s if self.active else self.on_s):
            self.active = condition
            self._since = None
            return "fired" if condition else "cleared"
        return None

    def reset(self) -> None:
        """Back to inactive with no pending timer."""
        self.active = False
        self._since = None


class Ema:
    """Exponential moving average with time constant ``tau_s`` that accounts for irregular sampling."""

    def __init__(self, tau_s: float) -> None:
        self.tau_s = tau_s
        self.value: float | None = None
        self._t: float | None = None

    def update(self, t_s: float, x: float | None) -> float | None:
        """Add a sample (``None`` = missing, keeps the last value) and return the smoothed value."""
        if x is None or not math.isfinite(x):
            return self.value
        if self.value is None or self._t is None or self.tau_s <= 0:
            self.value = x
        else:
            alpha = 1.0 - math.exp(-max(t_s - self._t, 0.0) / self.tau_s)
            self.value += alpha * (x - self.value)
        self._t = t_s
        return self.value

    def reset(self) -> None:
        """Forget the history."""
        self.value = None
        self._t = None


SMOOTHED_FIELDS: tuple[str, ...] = (
    "shoulder_tilt_deg",
    "head_tilt_deg",
    "torso_lean_deg",
    "head_offset",
    "yaw",
    "shoulder_width",
    "left_hand_height",
    "right_hand_height",
    "gesture_activity",
    "sway",
    "fidgeting",
)


class FeatureSmoother:
    """EMA-smooths the continuous fields of :class:`BodyFeatures` (categorical fields pass through).

    While the person is not visible the smoothed values are withheld (``None``) but remembered.
    """

    def __init__(self, tau_s: float = 0.5) -> None:
        self._emas = {name: Ema(tau_s) for name in SMOOTHED_FIELDS}

    def update(self, f: BodyFeatures) -> BodyFeatures:
        """Smoothed copy of ``f``."""
        if not f.person_visible:
            return f
        values: dict[str, Any] = {}
        for name in SMOOTHED_FIELDS:
            raw = getattr(f, name)
            smoothed = self._emas[name].update(f.t_s, raw)
            values[name] = None if raw is None else smoothed
        return replace(f, **values)


class Rule(BaseModel):
    """One alert's timing and (where it has one) threshold."""

    model_config = ConfigDict(frozen=True)

    on_s: float = Field(ge=0)
    off_s: float = Field(ge=0)
    threshold: float = 0.0
    release_ratio: float = Field(default=0.8, gt=0, le=1)
    enabled: bool = True


class AlertConfig(BaseModel):
    """Thresholds and timings of every body-language alert.

    Units: degrees for lean, shoulder widths for sway and fidgeting, shoulder widths per second for gesture
    activity, the yaw proxy (-1..1) for facing. ``mirror`` says whether frames are mirrored (selfie view):
    it decides which side "left" is in messages, always from the speaker's point of view.
    """

    model_config = ConfigDict(frozen=True)

    ema_tau_s: float = 0.5
    mirror: bool = False
    lean: Rule = Rule(on_s=3.0, off_s=2.0, threshold=7.0)
    still: Rule = Rule(on_s=60.0, off_s=2.0, threshold=0.15, release_ratio=1.0)
    sway: Rule = Rule(on_s=5.0, off_s=3.0, threshold=0.2)
    fidgeting: Rule = Rule(on_s=4.0, off_s=3.0, threshold=0.05)
    facing: Rule = Rule(on_s=3.0, off_s=2.0, threshold=0.45)
    arms_crossed: Rule = Rule(on_s=3.0, off_s=2.0)
    cut_off_top: Rule = Rule(on_s=2.0, off_s=2.0)
    too_close: Rule = Rule(on_s=2.0, off_s=2.0)
    too_far: Rule = Rule(on_s=3.0, off_s=2.0)
    cut_off_side: Rule = Rule(on_s=3.0, off_s=2.0)
    absent: Rule = Rule(on_s=3.0, off_s=0.0)
    """Cleared on the first frame with the person back (person detection does not flicker; a lingering
    "we can't see you" after they are back reads as lag)."""


@dataclass(frozen=True)
class AlertEvent:
    """An alert turning on (``fired``) or off (``cleared``) at media time ``t_s``."""

    t_s: float
    code: str
    state: Transition
    message: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


Check = Callable[[BodyFeatures, bool], bool | None]
"""Evaluates an alert's condition on smoothed features given whether the alert is active (for release bands)."""


def _above(value: float | None, rule: Rule, active: bool) -> bool | None:
    if value is None:
        return None
    return value > (rule.threshold * rule.release_ratio if active else rule.threshold)


def _below(value: float | None, rule: Rule, active: bool) -> bool | None:
    if value is None:
        return None
    return value < (rule.threshold / rule.release_ratio if active else rule.threshold)


def _visible(check: Callable[[BodyFeatures], bool | None]) -> Check:
    return lambda f, _active: check(f) if f.person_visible else None


@dataclass(frozen=True)
class _AlertSpec:
    code: str
    rule: Rule
    message: str
    check: Check


def _lean_value(f: BodyFeatures) -> float | None:
    return f.torso_lean_deg if f.torso_lean_deg is not None else f.shoulder_tilt_deg


def _specs(cfg: AlertConfig) -> list[_AlertSpec]:
    # Counter-clockwise (positive) lean in an unmirrored image moves the upper body to the speaker's right.
    right_sign = -1.0 if cfg.mirror else 1.0

    def lean(sign: float) -> Check:
        def check(f: BodyFeatures, active: bool) -> bool | None:
            value = _lean_value(f) if f.person_visible else None
            return _above(None if value is None else sign * value, cfg.lean, active)

        return check

    def framing_is(kind: str) -> Check:
        return _visible(lambda f: f.framing == kind)

    still_s = cfg.still.on_s
    return [
        _AlertSpec("absent", cfg.absent, "We can't see you: step into the frame", lambda f, _a: not f.person_visible),
        _AlertSpec("leaning_right", cfg.lean, "You are leaning right", lean(right_sign)),
        _AlertSpec("leaning_left", cfg.lean, "You are leaning left", lean(-right_sign)),
        _AlertSpec(
            "still",
            cfg.still,
            f"You have been still for {still_s:.0f} s — use your hands",
            lambda f, a: (
                None if not f.person_visible else f.gesture_activity is None or _below(f.gesture_activity, cfg.still, a)
            ),
        ),
        _AlertSpec(
            "swaying",
            cfg.sway,
            "You are swaying: plant your feet",
            lambda f, a: _above(f.sway, cfg.sway, a) if f.person_visible else None,
        ),
        _AlertSpec(
            "fidgeting",
            cfg.fidgeting,
            "You seem to be fidgeting: calm your hands",
            lambda f, a: _above(f.fidgeting, cfg.fidgeting, a) if f.person_visible else None,
        ),
        _AlertSpec(
            "not_facing",
            cfg.facing,
            "Face the camera: your audience is there",
            lambda f, a: _above(None if f.yaw is None else abs(f.yaw), cfg.facing, a) if f.person_visible else None,
        ),
        _AlertSpec("arms_crossed", cfg.arms_crossed, "Uncross your arms", _visible(lambda f: f.arms_crossed)),
        _AlertSpec("cut_off_top", cfg.cut_off_top, "Step back: your head is cut off", framing_is("cut_off_top")),
        _AlertSpec("too_close", cfg.too_close, "Step back: you are too close to the camera", framing_is("too_close")),
        _AlertSpec("too_far", cfg.too_far, "Come closer: you are far from the camera", framing_is("too_far")),
        _AlertSpec("cut_off_side", cfg.cut_off_side, "Move to the centre of the frame", framing_is("cut_off_side")),
    ]


class AlertTracker:
    """Turns a stream of timestamped :class:`BodyFeatures` into debounced alert events.

    Feed every analysed frame in time order with :meth:`update`; it smooths the features (see
    :attr:`smoothed`) and returns the alerts that fired or cleared at that time.
    """

    def __init__(self, config: AlertConfig | None = None) -> None:
        self.config = config or AlertConfig()
        self._smoother = FeatureSmoother(self.config.ema_tau_s)
        self._specs = [s for s in _specs(self.config) if s.rule.enabled]
        self._states = {s.code: Hysteresis(s.rule.on_s, s.rule.off_s) for s in self._specs}
        self._active: dict[str, AlertEvent] = {}
        self.smoothed: BodyFeatures | None = None

    def update(self, features: BodyFeatures) -> list[AlertEvent]:
        """Process one frame's features; return the alert transitions it caused."""
        smoothed = self._smoother.update(features)
        self.smoothed = smoothed
        events = []
        for spec in self._specs:
            state = self._states[spec.code]
            transition = state.update(smoothed.t_s, spec.check(smoothed, state.active))
            if transition is None:
                continue
            event = AlertEvent(t_s=smoothed.t_s, code=spec.code, state=transition, message=spec.message)
            if transition == "fired":
                self._active[spec.code] = event
            else:
                self._active.pop(spec.code, None)
            events.append(event)
        return events

    @property
    def active(self) -> list[AlertEvent]:
        """The alerts currently on (their ``fired`` events)."""
        return list(self._active.values())
