"""bench/pose.py's pure metrics: person-visible reaction time, tilt gain, scene conditions per person."""

from __future__ import annotations

import pytest

from bench import pose as pose_bench
from tests.generators.video import HELD_OUT_PERSONS, load_person_photo


def test_reaction_counts_from_the_change_to_the_first_agreeing_sample() -> None:
    times = [4.8, 4.9, 5.0, 5.1, 5.2, 5.3]
    shown = [False, False, False, False, True, True]
    assert pose_bench.reaction_s(times, shown, 5.05, True) == pytest.approx(0.15)
    assert pose_bench.reaction_s(times, shown, 4.8, False) == 0.0
    assert pose_bench.reaction_s(times, [False] * 6, 5.0, True) is None


def test_tilt_gain_is_the_slope_of_read_against_true_tilt() -> None:
    assert pose_bench.tilt_gain([(10.0, 7.5), (-20.0, -15.0), (0.0, 0.0)]) == pytest.approx(0.75)
    assert pose_bench.tilt_gain([(0.0, 1.0)]) is None


def test_scenes_take_the_person_and_the_astronaut_is_held_out() -> None:
    scenes = pose_bench.scene_scripts(2, "astronaut")
    assert {s.person for _n, s in scenes} == {"astronaut"}
    assert any(min(k[1] for k in s.tilt_deg) <= -20 or max(k[1] for k in s.tilt_deg) >= 20 for _n, s in scenes)
    assert "astronaut" in HELD_OUT_PERSONS
    assert load_person_photo("astronaut").shape == (512, 512, 3)
    assert pose_bench.condition_label(2) == "scale 0.65, x +100 px"


def test_pipeline_names_parse_into_model_leveling_and_input_size() -> None:
    assert pose_bench.parse_pipeline("lite+level@320") == pose_bench.Pipeline("lite", "level", 320)
    assert pose_bench.parse_pipeline("full+2pass") == pose_bench.Pipeline("full", "2pass", None)
    assert pose_bench.parse_pipeline("lite+derot@320").baseline_name == "lite@320"
    assert pose_bench.parse_pipeline("full+2pass@320").baseline_name == "full+2pass@320"
    for bad in ("lite+spin", "lite@big", "lite@8"):
        with pytest.raises(ValueError):
            pose_bench.parse_pipeline(bad)


def test_settled_reading_is_the_median_of_the_measurable_second_half() -> None:
    assert pose_bench.settled_reading([-11.0, -19.0, -5.0, -7.0, None, -6.0]) == -6.5
    assert pose_bench.settled_reading([1.0, None]) is None
