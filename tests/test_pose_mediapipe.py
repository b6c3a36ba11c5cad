"""Real MediaPipe pose: model bundle preparation, estimator, worker process, TensorFlow kept out."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image

from inference.assets.pose_models import VARIANTS, bundle_path, prepare_pose_models
from inference.pose.mediapipe_estimator import MediaPipePoseEstimator
from inference.pose.types import NUM_LANDMARKS
from inference.pose.worker import (
    estimate_in_worker,
    make_pose_executor,
    release_stream_in_worker,
    worker_tensorflow_loaded,
)

REPO = Path(__file__).resolve().parents[1]
MODELS_DIR = REPO / "var" / "models"


@pytest.fixture(scope="session")
def models_dir() -> Path:
    return prepare_pose_models(MODELS_DIR)


@pytest.fixture(scope="session")
def photo() -> np.ndarray:
    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    return np.asarray(Image.open(path).convert("RGB"))


def test_bundles_are_stored_zips_of_detector_and_landmarker(models_dir: Path) -> None:
    for variant in VARIANTS:
        with zipfile.ZipFile(bundle_path(variant, models_dir)) as zf:
            infos = {i.filename: i for i in zf.infolist()}
        assert set(infos) == {"pose_detector.tflite", "pose_landmarks_detector.tflite"}
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos.values())


def test_prepare_is_a_noop_once_bundles_exist(models_dir: Path) -> None:
    before = {v: bundle_path(v, models_dir).stat().st_mtime_ns for v in VARIANTS}
    assert prepare_pose_models(models_dir) == models_dir
    assert {v: bundle_path(v, models_dir).stat().st_mtime_ns for v in VARIANTS} == before


def test_missing_bundle_is_rebuilt_from_cache_without_npm(
    models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "mediapipe-pose-0.5.1675469404.tgz").symlink_to(models_dir / "cache" / "mediapipe-pose-0.5.1675469404.tgz")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    for variant in ("full", "heavy"):
        bundle_path(variant, tmp_path).symlink_to(bundle_path(variant, models_dir))
    prepare_pose_models(tmp_path)
    rebuilt = bundle_path("lite", tmp_path)
    assert rebuilt.read_bytes() == bundle_path("lite", models_dir).read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_clear_error_when_npm_missing_and_nothing_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from inference.assets.pose_models import PoseModelsError

    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(PoseModelsError, match="npm"):
        prepare_pose_models(tmp_path / "models")


@pytest.mark.parametrize("mode", ["image", "video"])
def test_photo_gives_all_landmarks_and_blank_gives_none(models_dir: Path, photo: np.ndarray, mode: str) -> None:
    with MediaPipePoseEstimator(bundle_path("lite", models_dir), mode) as est:  # type: ignore[arg-type]
        found = est.estimate(photo, 0.0)
        blank = est.estimate(np.zeros((480, 640, 3), np.uint8), 0.1)
    assert found.landmarks is not None
    assert found.landmarks.shape == (NUM_LANDMARKS, 4)
    assert found.landmarks.dtype == np.float32
    assert (found.width, found.height) == (photo.shape[1], photo.shape[0])
    nose, left_shoulder, right_shoulder = found.landmarks[0], found.landmarks[11], found.landmarks[12]
    assert nose[1] < left_shoulder[1] and nose[1] < right_shoulder[1]
    assert right_shoulder[0] < nose[0] < left_shoulder[0]
    assert float(found.landmarks[:13, 3].min()) > 0.9
    assert blank.landmarks is None and not blank.person_visible


def test_video_mode_tolerates_non_increasing_timestamps(models_dir: Path, photo: np.ndarray) -> None:
    with MediaPipePoseEstimator(bundle_path("lite", models_dir), "video") as est:
        results = [est.estimate(photo, t) for t in (1.0, 1.0, 0.5)]
    assert all(r.person_visible for r in results)
    assert [r.t_s for r in results] == [1.0, 1.0, 0.5]


def test_closed_estimator_refuses_frames(models_dir: Path, photo: np.ndarray) -> None:
    est = MediaPipePoseEstimator(bundle_path("lite", models_dir), "image")
    est.close()
    est.close()
    with pytest.raises(RuntimeError, match="closed"):
        est.estimate(photo, 0.0)


def test_missing_bundle_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="podium models"):
        MediaPipePoseEstimator(tmp_path / "nope.task")


@pytest.mark.slow
def test_worker_process_estimates_per_stream_without_tensorflow(models_dir: Path, photo: np.ndarray) -> None:
    with make_pose_executor(bundle_path("lite", models_dir)) as ex:
        a = ex.submit(estimate_in_worker, photo, 0.0, "a").result(timeout=60)
        b = ex.submit(estimate_in_worker, np.zeros_like(photo), 0.0, "b").result(timeout=60)
        ex.submit(release_stream_in_worker, "a").result(timeout=60)
        again = ex.submit(estimate_in_worker, photo, 0.0, "a").result(timeout=60)
        assert ex.submit(worker_tensorflow_loaded).result(timeout=60) is False
    assert a.landmarks is not None and again.landmarks is not None
    assert b.landmarks is None
    np.testing.assert_allclose(a.landmarks, again.landmarks, atol=1e-4)


def test_estimator_does_not_load_tensorflow(models_dir: Path) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        import numpy as np
        from inference.pose.mediapipe_estimator import MediaPipePoseEstimator
        with MediaPipePoseEstimator({str(bundle_path("lite", models_dir))!r}, "image") as est:
            est.estimate(np.zeros((64, 64, 3), np.uint8), 0.0)
        assert "mediapipe" in sys.modules
        assert sys.modules.get("tensorflow") is None, "tensorflow was imported"
        assert "tensorflow" not in sys.modules
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("ok")
