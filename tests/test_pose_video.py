"""Real MediaPipe pose + body features on generated video of a real photo with known ground truth."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from inference.assets.pose_models import bundle_path, prepare_pose_models
from inference.body.features import BodyFeatureExtractor, BodyFeatures, framing, head_tilt_deg, shoulder_tilt_deg
from inference.body.smoothing import AlertTracker
from inference.pose.mediapipe_estimator import MediaPipePoseEstimator
from tests.generators.video import (
    FrameTruth,
    VideoScript,
    generate_frames,
    render_frame,
    sway_keyframes,
    write_video,
    write_y4m,
)

REPO = Path(__file__).resolve().parents[1]
ASPECT = 640 / 480


@pytest.fixture(scope="module")
def models_dir() -> Path:
    return prepare_pose_models(REPO / "var" / "models")


def _still(**kw: float) -> np.ndarray:
    truth = FrameTruth(
        t_s=0.0,
        tilt_deg=kw.get("tilt", 0.0),
        x_offset_px=kw.get("x", 0.0),
        y_offset_px=kw.get("y", 0.0),
        scale=kw.get("scale", 1.0),
        person_visible=True,
        width=640,
        height=480,
    )
    return render_frame(VideoScript(), truth)


def test_rotating_the_photo_changes_measured_tilt_by_the_rotation(models_dir: Path) -> None:
    """Relative to the upright photo (whose own pose is not level), ±10° rotations are measured within 3.5°."""
    with MediaPipePoseEstimator(bundle_path("full", models_dir), "image") as est:
        poses = {tilt: est.estimate(_still(tilt=tilt), 0.0).landmarks for tilt in (-10.0, 0.0, 10.0)}
    assert all(p is not None for p in poses.values())
    base_sh = shoulder_tilt_deg(poses[0.0], ASPECT)  # type: ignore[arg-type]
    base_head = head_tilt_deg(poses[0.0], ASPECT)  # type: ignore[arg-type]
    assert base_sh is not None and base_head is not None
    for tilt in (-10.0, 10.0):
        sh = shoulder_tilt_deg(poses[tilt], ASPECT)  # type: ignore[arg-type]
        head = head_tilt_deg(poses[tilt], ASPECT)  # type: ignore[arg-type]
        assert sh is not None and head is not None
        assert abs((sh - base_sh) - tilt) <= 3.5, (tilt, sh - base_sh)
        assert abs((head - base_head) - tilt) <= 3.5, (tilt, head - base_head)
        assert np.sign(sh - base_sh) == np.sign(tilt) == np.sign(head - base_head)


def test_framing_on_real_photo(models_dir: Path) -> None:
    cases = {"ok": {}, "cut_off_top": {"y": -150.0}, "too_far": {"scale": 0.25}, "cut_off_side": {"x": 280.0}}
    with MediaPipePoseEstimator(bundle_path("full", models_dir), "image") as est:
        for expected, kw in cases.items():
            lm = est.estimate(_still(**kw), 0.0).landmarks
            assert lm is not None, expected
            assert framing(lm, ASPECT) == expected


def _run(script: VideoScript, models_dir: Path) -> list[tuple[FrameTruth, BodyFeatures]]:
    extractor = BodyFeatureExtractor(window_s=2.0)
    with MediaPipePoseEstimator(bundle_path("lite", models_dir), "video") as est:
        return [(truth, extractor.update(est.estimate(frame, truth.t_s))) for frame, truth in generate_frames(script)]


def test_person_visible_follows_absence_intervals(models_dir: Path) -> None:
    script = VideoScript(duration_s=2.0, absent=((0.6, 1.2),), noise_std=3.0)
    results = _run(script, models_dir)
    agree = [truth.person_visible == feats.person_visible for truth, feats in results]
    assert sum(not r[0].person_visible for r in results) == 6
    assert np.mean(agree) >= 0.95


def test_sway_is_detected_and_a_still_person_is_steady(models_dir: Path) -> None:
    swaying = _run(VideoScript(duration_s=2.0, x_offset_px=sway_keyframes(60.0, 2.0, 2.0)), models_dir)[-1][1]
    still = _run(VideoScript(duration_s=2.0), models_dir)[-1][1]
    assert swaying.sway is not None and still.sway is not None
    # 60 px amplitude = 0.125 image heights; shoulders ≈ 0.5 image heights apart → std ≈ 0.18 shoulder widths.
    assert swaying.sway == pytest.approx(0.18, abs=0.05)
    assert still.sway < 0.03


@pytest.mark.slow
def test_sustained_tilt_raises_a_lean_alert_end_to_end(models_dir: Path) -> None:
    tracker = AlertTracker()
    script = VideoScript(duration_s=5.0, tilt_deg=((0.0, 18.0),))
    events = [e for _, f in _run(script, models_dir) for e in tracker.update(f)]
    assert [(e.code, e.state) for e in events] == [("leaning_right", "fired")]


def test_encoded_webm_decodes_to_frames_with_a_person(tmp_path: Path, models_dir: Path) -> None:
    path = tmp_path / "clip.webm"
    audio = (0.2 * np.sin(np.arange(48000) / 48000 * 2 * np.pi * 220)).astype(np.float32)
    truths = write_video(path, VideoScript(duration_s=1.0, absent=((0.5, 2.0),)), audio=audio)
    with av.open(str(path)) as container:
        assert {s.type for s in container.streams} == {"video", "audio"}
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == len(truths) == 10
    with MediaPipePoseEstimator(bundle_path("lite", models_dir), "image") as est:
        seen = [est.estimate(f, t.t_s).person_visible for f, t in zip(frames, truths, strict=True)]
    assert seen == [t.person_visible for t in truths]


def test_y4m_has_chromium_header_and_i420_frames(tmp_path: Path) -> None:
    path = tmp_path / "cam.y4m"
    truths = write_y4m(path, VideoScript(duration_s=0.4, fps=15))
    data = path.read_bytes()
    header = b"YUV4MPEG2 W640 H480 F15:1 Ip A1:1 C420jpeg\n"
    assert data.startswith(header)
    frame_bytes = 640 * 480 * 3 // 2
    assert len(data) == len(header) + len(truths) * (len(b"FRAME\n") + frame_bytes)
    assert len(truths) == 6
