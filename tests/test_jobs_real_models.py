"""The embedded pool with the real analysis (Whisper, MediaPipe) on a short generated talk with video."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from inference.assets.pose_models import bundle_path
from inference.assets.whisper_model import is_whisper_model_ready, whisper_model_dir
from inference.training.speech_synth import SynthVoice, synthesize
from server.analysis.runner import JOBS, LocalJobRunner, enqueue_analysis
from server.app import create_app
from server.settings import Settings
from storage.migrate import upgrade_async
from storage.models import JobState, SessionState
from tests.generators.video import VideoScript, write_video
from tests.jobs_support import seed_session, snapshot

REPO = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO / "var" / "models"
LEAN_OPTIONS = {
    "acoustic_fillers": False,
    "body_classifier": False,
    "pose_variant": "lite",
    "body_fps": 2.0,
    "beam_size": 1,
    "cpu_threads": 1,
}

pytestmark = pytest.mark.slow


async def test_local_pool_analyses_a_talk_end_to_end(aiohttp_client: Any, tmp_path: Path) -> None:
    if not is_whisper_model_ready(whisper_model_dir(MODELS_DIR)) or not bundle_path("lite", MODELS_DIR).is_file():
        pytest.skip(f"models not prepared in {MODELS_DIR}: run `podium models`")
    settings = Settings(
        data_dir=tmp_path / "var", models_dir=MODELS_DIR, preload_models=False, analysis_options=LEAN_OPTIONS
    )
    settings.data_dir.mkdir(parents=True)
    await upgrade_async(settings.resolved_database_url)
    clip = synthesize("Good morning everyone. Today I want to talk about our sales plans.", SynthVoice("en-us", 160))
    talk = write_video_talk(tmp_path / "talk.webm", clip.samples, clip.truth.duration_s)
    seeded = await seed_session(settings.resolved_database_url, settings.resolved_blob_dir, talk)
    client: TestClient = await aiohttp_client(create_app(settings))
    runner = client.app[JOBS]
    assert isinstance(runner, LocalJobRunner)

    await enqueue_analysis(client.app, seeded.session_id)
    await runner.idle()
    snap = await snapshot(settings.resolved_database_url, seeded.session_id)

    assert snap.job is not None and snap.job.state is JobState.SUCCEEDED, snap.job and snap.job.error
    assert snap.job.progress == 1.0 and snap.session.state is SessionState.ANALYZED
    assert len(snap.reports) == 1
    report = snap.reports[0].report
    words = {w["text"].strip(".,").lower() for w in report["speech"]["words"]}
    assert {"sales", "plans"} <= words
    assert report["body"] is not None and report["has_video"]
    assert snap.reports[0].scores and report["scores"] == snap.reports[0].scores
    assert "recommendations" in report


def write_video_talk(path: Path, samples: Any, duration_s: float) -> Path:
    write_video(path, VideoScript(duration_s=duration_s, fps=10.0), audio=samples, sample_rate=16_000)
    return path
