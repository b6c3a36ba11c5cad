"""Smoothing, hysteresis and body-language alerts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from inference.body.features import BodyFeatures
from inference.body.smoothing import (
    AlertConfig,
    AlertEvent,
    AlertTracker,
    Ema,
    FeatureSmoother,
    Hysteresis,
    Rule,
)

FPS = 10


def _run(h: Hysteresis, conditions: Sequence[bool | None], t0: float = 0.0) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []
    for i, c in enumerate(conditions):
        t = t0 + i / FPS
        tr = h.update(t, c)
        if tr:
            out.append((round(t, 3), tr))
    return out


def test_hysteresis_fires_only_after_sustained_condition_and_clears_after_sustained_recovery() -> None:
    h = Hysteresis(on_s=1.0, off_s=0.5)
    events = _run(h, [False] * 5 + [True] * 20 + [False] * 10)
    assert events == [(1.5, "fired"), (3.0, "cleared")]
    assert not h.active


def test_hysteresis_never_flickers_on_alternating_input() -> None:
    h = Hysteresis(on_s=1.0, off_s=1.0)
    assert _run(h, [i % 2 == 0 for i in range(200)]) == []
    h2 = Hysteresis(on_s=0.5, off_s=1.0)
    _run(h2, [True] * 10)
    assert h2.active
    assert _run(h2, [i % 3 != 0 for i in range(200)], t0=1.0) == []
    assert h2.active


def test_hysteresis_unknown_holds_state_and_timers() -> None:
    h = Hysteresis(on_s=1.0, off_s=1.0)
    assert _run(h, [True] * 5 + [None] * 3 + [True] * 3) == [(1.0, "fired")]
    assert _run(h, [None] * 50, t0=2.0) == []
    assert h.active


def test_ema_step_response_follows_time_constant_with_irregular_sampling() -> None:
    ema = Ema(tau_s=1.0)
    assert ema.update(0.0, 0.0) == 0.0
    ema.update(0.3, 1.0)
    value = ema.update(1.0, 1.0)
    assert value == pytest.approx(1 - math.exp(-1.0), abs=1e-9)
    assert ema.update(1.5, None) == value
    assert ema.update(1.6, float("nan")) == value


def _features(t: float, **kw: object) -> BodyFeatures:
    base = BodyFeatures(
        t_s=t,
        person_visible=True,
        shoulder_tilt_deg=0.0,
        head_tilt_deg=0.0,
        yaw=0.0,
        facing_camera=True,
        shoulder_width=0.4,
        framing="ok",
        hands_visible=2,
        arms_crossed=False,
        gesture_activity=0.5,
        sway=0.02,
        fidgeting=0.01,
        visible_ratio=1.0,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def _feed(tracker: AlertTracker, seconds: float, t0: float = 0.0, **kw: object) -> list[AlertEvent]:
    events: list[AlertEvent] = []
    for i in range(round(seconds * FPS)):
        events += tracker.update(_features(t0 + i / FPS, **kw))
    return events


def test_smoother_passes_absence_through_and_keeps_missing_values_missing() -> None:
    sm = FeatureSmoother(tau_s=1.0)
    sm.update(_features(0.0, shoulder_tilt_deg=10.0))
    out = sm.update(_features(1.0, shoulder_tilt_deg=0.0, torso_lean_deg=None))
    assert out.shoulder_tilt_deg == pytest.approx(10 * math.exp(-1.0))
    assert out.torso_lean_deg is None
    gone = BodyFeatures(t_s=2.0, person_visible=False)
    assert sm.update(gone) == gone


@pytest.mark.parametrize(
    ("mirror", "code", "message"),
    [(False, "leaning_right", "You are leaning right"), (True, "leaning_left", "You are leaning left")],
)
def test_sustained_counter_clockwise_lean_fires_then_clears(mirror: bool, code: str, message: str) -> None:
    tracker = AlertTracker(AlertConfig(mirror=mirror))
    assert _feed(tracker, 2.0) == []
    fired = _feed(tracker, 5.0, t0=2.0, shoulder_tilt_deg=12.0)
    assert [(e.code, e.state, e.message) for e in fired] == [(code, "fired", message)]
    assert 5.0 <= fired[0].t_s <= 6.0
    assert [e.code for e in tracker.active] == [code]
    cleared = _feed(tracker, 5.0, t0=7.0, shoulder_tilt_deg=0.0)
    assert [(e.code, e.state) for e in cleared] == [(code, "cleared")]
    assert 9.0 <= cleared[0].t_s <= 10.0
    assert tracker.active == []


def test_torso_lean_wins_over_shoulder_tilt_when_hips_are_seen() -> None:
    tracker = AlertTracker()
    events = _feed(tracker, 5.0, shoulder_tilt_deg=12.0, torso_lean_deg=-12.0)
    assert [e.code for e in events] == ["leaning_left"]


def test_values_hovering_at_the_threshold_do_not_flicker() -> None:
    def events_for(config: AlertConfig) -> list[AlertEvent]:
        tracker = AlertTracker(config)
        events: list[AlertEvent] = []
        for i in range(60 * FPS):
            tilt = 9.0 if (i // 7) % 2 else 5.0
            events += tracker.update(_features(i / FPS, shoulder_tilt_deg=tilt))
        return events

    assert len(events_for(AlertConfig())) <= 1
    naive = AlertConfig(ema_tau_s=0.0, lean=Rule(on_s=0.5, off_s=0.5, threshold=7.0, release_ratio=1.0))
    assert len(events_for(naive)) > 10


def test_still_for_a_minute_fires_and_movement_clears() -> None:
    tracker = AlertTracker()
    fired = _feed(tracker, 61.0, gesture_activity=0.01)
    assert [(e.code, e.state) for e in fired] == [("still", "fired")]
    assert fired[0].message == "You have been still for 60 s — use your hands"
    assert 59.9 <= fired[0].t_s <= 60.5
    cleared = _feed(tracker, 4.0, t0=61.0, gesture_activity=0.8)
    assert [(e.code, e.state) for e in cleared] == [("still", "cleared")]


def test_hidden_hands_count_as_still() -> None:
    tracker = AlertTracker(AlertConfig(still=Rule(on_s=5.0, off_s=1.0, threshold=0.15)))
    events = _feed(tracker, 6.0, gesture_activity=None, hands_visible=0)
    assert [e.code for e in events] == ["still"]
    assert events[0].message.startswith("You have been still for 5 s")


def test_head_cut_off_and_absence_alerts() -> None:
    tracker = AlertTracker()
    events = _feed(tracker, 3.0, framing="cut_off_top")
    assert [(e.code, e.message) for e in events] == [("cut_off_top", "Step back: your head is cut off")]
    events = []
    for i in range(50):
        events += tracker.update(BodyFeatures(t_s=3.0 + i / FPS, person_visible=False))
    assert [(e.code, e.state) for e in events] == [("absent", "fired")]
    assert {e.code for e in tracker.active} == {"cut_off_top", "absent"}


def test_thresholds_are_configuration() -> None:
    lenient = AlertConfig(lean=Rule(on_s=3.0, off_s=2.0, threshold=20.0))
    assert _feed(AlertTracker(lenient), 10.0, shoulder_tilt_deg=12.0) == []
    disabled = AlertConfig(cut_off_top=Rule(on_s=1.0, off_s=1.0, enabled=False))
    assert _feed(AlertTracker(disabled), 5.0, framing="cut_off_top") == []


def test_other_alerts_fire_on_their_conditions() -> None:
    cases: dict[str, dict[str, Any]] = {
        "swaying": {"sway": 0.5},
        "fidgeting": {"fidgeting": 0.2},
        "not_facing": {"yaw": -0.9, "facing_camera": False},
        "arms_crossed": {"arms_crossed": True},
        "too_close": {"framing": "too_close"},
        "too_far": {"framing": "too_far"},
    }
    for code, kw in cases.items():
        events = _feed(AlertTracker(), 8.0, **kw)
        assert [e.code for e in events] == [code], code


def test_event_to_dict() -> None:
    e = AlertEvent(t_s=1.5, code="still", state="fired", message="m")
    assert e.to_dict() == {"t_s": 1.5, "code": "still", "state": "fired", "message": "m"}
