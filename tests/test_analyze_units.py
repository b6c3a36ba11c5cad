"""Unit tests of the post-hoc analysis plumbing: decoding, pause merging, body timeline, CLI output helpers."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from inference.pose.types import NUM_LANDMARKS, PoseResult
from inference.speech.types import Filler, Word
from inference.voice.types import Pause, VoiceFrame
from media.offline.body import BodyReportBuilder, resample_window
from media.offline.cli import ProgressBar, format_summary, stdout_to_stderr
from media.offline.decode import decode_audio, iter_video_frames, probe
from media.offline.encode import write_audio
from media.offline.speech import VoiceTrack, build_speech_section, drop_unvoiced_fillers, merge_pauses
from tests.generators.video import VideoScript, write_video


def _tone(seconds: float, hz: float) -> np.ndarray:
    t = np.arange(int(16_000 * seconds)) / 16_000
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


@pytest.mark.parametrize("suffix", [".webm", ".m4a", ".wav"])
def test_audio_roundtrip_keeps_length_and_pitch(tmp_path: Path, suffix: str) -> None:
    info = probe(write_audio(tmp_path / f"tone{suffix}", _tone(2.0, 440.0)))
    assert info.has_audio and not info.has_video
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    samples = decode_audio(info)
    assert samples.dtype == np.float32
    assert len(samples) == pytest.approx(32_000, abs=1_200)
    spectrum = np.abs(np.fft.rfft(samples[4000:20000]))
    assert np.argmax(spectrum) * 16_000 / 16_000 == pytest.approx(440, abs=3)


def test_video_is_sampled_at_requested_rate_and_downscaled(tmp_path: Path) -> None:
    path = tmp_path / "v.webm"
    write_video(path, VideoScript(duration_s=2.0, fps=10.0, width=640, height=480))
    info = probe(path)
    assert info.has_video and not info.has_audio and (info.width, info.height) == (640, 480)
    frames = list(iter_video_frames(info, fps=5.0, max_width=320))
    assert [f.t_s for f in frames] == pytest.approx([0.2 * i for i in range(10)], abs=1e-3)
    assert all(f.rgb.shape == (240, 320, 3) and f.rgb.dtype == np.uint8 for f in frames)


def test_merge_pauses_prefers_vad_edges_and_adds_unseen_gaps() -> None:
    silences = [Pause(0.0, 2.0), Pause(5.0, 6.4), Pause(9.0, 9.6)]
    gaps = [Pause(5.1, 6.3), Pause(12.0, 13.5)]
    merged = merge_pauses(silences, gaps, talk_start_s=1.5, talk_end_s=20.0, min_pause_s=1.0)
    assert merged == [Pause(5.0, 6.4), Pause(12.0, 13.5)]
    quiet = [Pause(11.6, 12.9), Pause(15.0, 16.2)]
    merged = merge_pauses(silences, gaps, talk_start_s=1.5, talk_end_s=20.0, min_pause_s=1.0, quiet=quiet)
    assert merged == [Pause(5.0, 6.4), Pause(11.6, 13.5), Pause(15.0, 16.2)]


def test_unvoiced_filler_words_are_dropped() -> None:
    frames = tuple(VoiceFrame(round(i * 0.03, 2), 1.0 <= i * 0.03 < 2.0, -20.0, 120.0) for i in range(200))
    voice = VoiceTrack(frames, ())
    words = [Word("Hello", 1.0, 1.4), Word("um", 1.5, 1.8), Word("Umm...", 4.0, 4.5)]
    assert [w.text for w in drop_unvoiced_fillers(words, voice)] == ["Hello", "um"]


def test_speech_section_fuses_fillers_and_reports_pauses() -> None:
    frames = tuple(
        VoiceFrame(round(i * 0.03, 2), not (3.0 <= i * 0.03 < 4.5), -20.0, 100.0 + (i % 7) * 10) for i in range(300)
    )
    voice = VoiceTrack(frames, (Pause(3.0, 4.5),))
    words = [Word(t, 0.5 * i, 0.5 * i + 0.4) for i, t in enumerate(["so", "we", "grew", "um", "a", "lot"])]
    words += [Word(t, 4.5 + 0.5 * i, 4.9 + 0.5 * i) for i, t in enumerate(["next", "year", "too"])]
    acoustic = [Filler("uh", 7.0, 7.5, "acoustic", 0.95), Filler("um", 1.5, 1.9, "acoustic", 0.9)]
    section = build_speech_section(words, acoustic, voice, duration_s=9.0)
    assert section["word_count"] == 8
    assert [(f["text"], f["source"]) for f in section["fillers"]] == [("um", "both"), ("uh", "acoustic")]
    assert section["pauses"] == [{"start_s": 3.0, "end_s": 4.5, "duration_s": 1.5}]
    assert section["wpm"] == pytest.approx(8 / (5.9 / 60), rel=0.01)
    assert section["volume_dbfs"] == pytest.approx(-20.0, abs=0.1)
    assert len(section["timeline"]) == 1


def test_a_pause_in_noise_the_vad_took_for_speech_is_found_by_its_level() -> None:
    quiet = (3.0, 4.5)
    frames = tuple(
        VoiceFrame(round(i * 0.03, 2), True, -32.0 if quiet[0] <= i * 0.03 < quiet[1] else -20.0 - (i % 5), 120.0)
        for i in range(300)
    )
    words = [Word(t, 0.5 * i, 0.5 * i + 0.45) for i, t in enumerate(["so", "we", "grew", "a", "lot", "of"])]
    words += [Word("next", 2.95, 4.9)] + [Word(t, 5.0 + 0.5 * i, 5.4 + 0.5 * i) for i, t in enumerate(["year", "too"])]
    section = build_speech_section(words, None, VoiceTrack(frames, ()), duration_s=9.0)
    assert len(section["pauses"]) == 1
    assert section["pauses"][0]["start_s"] == pytest.approx(3.0, abs=0.1)
    assert section["pauses"][0]["end_s"] == pytest.approx(4.5, abs=0.1)


def test_resample_window_interpolates_and_zero_fills_absence() -> None:
    times = np.array([0.0, 0.2, 0.4, 0.6])
    landmarks = np.stack([np.full((NUM_LANDMARKS, 4), v, np.float32) for v in (1.0, 2.0, 0.0, 4.0)])
    present = np.array([True, True, False, True])
    out = resample_window(times, landmarks, present, np.array([0.1, 0.2, 0.3, 0.5, 1.5]), max_gap_s=0.15)
    assert out[:, 0, 0].tolist() == pytest.approx([1.5, 2.0, 2.0, 4.0, 0.0])


@dataclass(frozen=True)
class _Labels:
    posture: str
    posture_confidence: float
    gesture: str
    gesture_confidence: float


class _FakeClassifier:
    def __init__(self) -> None:
        self.shapes: list[tuple[int, ...]] = []

    def predict_batch(self, windows: np.ndarray, aspect: np.ndarray | float = 4 / 3) -> list[_Labels]:
        self.shapes.append(windows.shape)
        present = np.abs(windows).sum(axis=(2, 3)) > 0
        return [_Labels("upright" if p.mean() > 0.5 else "absent", 0.9, "still", 0.8) for p in present]


def _person(x_shift: float) -> np.ndarray:
    lm = np.zeros((NUM_LANDMARKS, 4), np.float32)
    lm[:, 3] = 0.95
    points = {
        0: (0.5, 0.35),
        2: (0.48, 0.32),
        5: (0.52, 0.32),
        7: (0.45, 0.34),
        8: (0.55, 0.34),
        9: (0.49, 0.4),
        10: (0.51, 0.4),
        11: (0.62, 0.6),
        12: (0.38, 0.6),
        23: (0.58, 1.1),
        24: (0.42, 1.1),
    }
    for i, (x, y) in points.items():
        lm[i, :2] = (x + x_shift, y)
    lm[13:23, 3] = lm[25:, 3] = 0.1
    return lm


def test_body_builder_timeline_visibility_and_labels() -> None:
    classifier = _FakeClassifier()
    builder = BodyReportBuilder(classifier, alert_tracker_factory=lambda: None)
    for i in range(20):
        t = i * 0.2
        absent = 1.6 <= t < 2.4
        builder.add(PoseResult(t, None if absent else _person(0.01 * np.sin(t)), 640, 480))
    body = builder.build(duration_s=4.0)
    assert body["frames_analyzed"] == 20
    assert body["person_visible_ratio"] == pytest.approx(16 / 20)
    timeline = body["timeline"]
    assert [e["t_s"] for e in timeline] == pytest.approx([0.5 * k for k in range(8)])
    assert [e["person_visible"] for e in timeline] == [True, True, True, False, False, True, True, True]
    assert all(abs(e["shoulder_tilt_deg"]) < 1 for e in timeline if e["person_visible"])
    assert classifier.shapes == [(8, 20, NUM_LANDMARKS, 4)]
    assert body["stats"]["posture"]["upright"] > 0.5
    assert body["alerts"] is None


def test_progress_bar_plain_lines_once_per_stage() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    for stage, frac in [("decode_audio", 0.0), ("decode_audio", 0.5), ("transcribe", 0.6), ("done", 1.0)]:
        bar(stage, frac)
    bar.close()
    assert stream.getvalue().splitlines() == ["decoding audio… 0%", "transcribing… 60%"]


def test_summary_mentions_the_key_numbers() -> None:
    report = {
        "source": {"file": "talk.webm"},
        "duration_s": 61.0,
        "has_audio": True,
        "has_video": False,
        "speech": {
            "wpm": 142.5,
            "word_count": 140,
            "fillers": [{"text": "um", "start_s": 65.2, "end_s": 65.6, "source": "both"}],
            "filler_stats": {"per_minute": 1.0},
            "lexical_fillers": [],
            "pauses": [{"start_s": 10.0, "end_s": 11.5}],
            "volume_dbfs": -22.0,
            "pitch_variation_st": 2.5,
            "monotone": False,
            "transcript": "hello world",
        },
        "body": None,
        "timing": {"analysis_s": 5.0, "real_time_factor": 0.082},
        "warnings": ["something was skipped"],
    }
    text = format_summary(report)
    for needle in ("talk.webm", "142.5 words/min", "um @ 1:05.2", "0:10.0 (1.5 s)", "-22.0 dBFS", "warning: something"):
        assert needle in text


def test_stdout_to_stderr_catches_c_level_writes(capfd: pytest.CaptureFixture[str]) -> None:
    with stdout_to_stderr() as out:
        print("python noise")
        os.write(1, b"native noise\n")
        out.write("the document\n")
    captured = capfd.readouterr()
    assert captured.out == "the document\n"
    assert "python noise" in captured.err and "native noise" in captured.err


def test_body_builder_reports_debounced_alerts() -> None:
    builder = BodyReportBuilder(None)
    for i in range(40):
        t = i * 0.2
        builder.add(PoseResult(t, _person(0.0) if t < 2.0 else None, 640, 480))
    alerts = builder.build(duration_s=8.0)["alerts"]
    fired = [a for a in alerts if a["state"] == "fired"]
    assert [a["code"] for a in fired] == ["absent"]
    assert fired[0]["t_s"] >= 2.0 + 3.0 - 0.25
