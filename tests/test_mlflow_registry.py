"""The MLflow model registry end to end: versions registered the way the training scripts do it, against a real
``mlflow server`` on loopback, installed with ``podium models``, loaded by the analysis and named in reports."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from inference.assets.registered_models import ModelRef, installed_model
from media.offline.model_choice import chosen_weights, shipped_weights
from tests.browser_support import free_port

PODIUM = Path(sys.executable).with_name("podium")
START_TIMEOUT_S = 300.0


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"mlflow server exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)  # polling a process that gives no event to wait on
    raise TimeoutError(f"mlflow server not healthy after {START_TIMEOUT_S:.0f} s: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def mlflow_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    log = root / "server.log"
    command = [
        *(sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port)),
        *("--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}", "--artifacts-destination", str(root / "art")),
        *("--workers", "1"),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def mlflow_module(mlflow_url: str) -> Iterator[object]:
    import mlflow

    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(mlflow_url)
    mlflow.set_experiment("podium-test")
    yield mlflow
    mlflow.set_tracking_uri(previous)


def _tiny_body_weights(path: Path) -> Path:
    """The shipped classifier with one weight nudged: a valid model whose file differs from the shipped one."""
    import torch

    blob = torch.load(shipped_weights("body_classifier"), map_location="cpu", weights_only=True)
    first = next(iter(blob["state_dict"]))
    blob["state_dict"][first] = blob["state_dict"][first] + 1e-3
    torch.save(blob, path)
    return path


@pytest.fixture(scope="module")
def registered(mlflow_module: object, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Version 1 of each registered model, as the training scripts register them; slot → registered weights."""
    from inference.training.registry import BODY_MODEL_NAME, FILLER_MODEL_NAME, register_weights

    mlflow = mlflow_module
    work = tmp_path_factory.mktemp("trained")
    body = _tiny_body_weights(work / "body_model.pt")
    (work / "eval.json").write_text(json.dumps({"test": {"posture": {"accuracy": 0.9}}}))
    filler = shipped_weights("filler_cnn")
    with mlflow.start_run():  # type: ignore[attr-defined]
        assert register_weights(mlflow, BODY_MODEL_NAME, body, [work / "eval.json"], {"test_acc": 0.9}) == "1"
    with mlflow.start_run():  # type: ignore[attr-defined]
        companions = [filler.with_name("filler_cnn.eval.json")]
        assert register_weights(mlflow, FILLER_MODEL_NAME, filler, companions, {"test_f1": 0.8}) == "1"
    return {"body_classifier": body, "filler_cnn": filler}


def _podium_models(models_dir: Path, data_dir: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env.update({"PODIUM_DATA_DIR": str(data_dir), **{f"PODIUM_{k.upper()}": v for k, v in settings.items()}})
    command = [str(PODIUM), "models", "--only", "registered", "--models-dir", str(models_dir)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_model_ref_parsing() -> None:
    assert ModelRef.parse("podium-filler-cnn/3") == ModelRef("podium-filler-cnn", "3")
    assert ModelRef.parse("team/model/12") == ModelRef("team/model", "12")
    for bad in ("podium-filler-cnn", "podium-filler-cnn/latest", "/3"):
        with pytest.raises(ValueError, match="name/version"):
            ModelRef.parse(bad)


def test_registered_versions_carry_their_evaluation_and_hash(mlflow_url: str, registered: dict[str, Path]) -> None:
    query = f"{mlflow_url}/api/2.0/mlflow/model-versions/get?name=podium-body-classifier&version=1"
    with urllib.request.urlopen(query, timeout=30) as response:
        version = json.load(response)["model_version"]
    tags = {t["key"]: t["value"] for t in version["tags"]}
    assert tags["weights_sha256"] == _sha256(registered["body_classifier"])
    assert tags["eval.test_acc"] == "0.9"
    assert "test_acc 0.900" in version["description"]


def test_podium_models_installs_registered_versions_that_reports_name(
    mlflow_url: str, registered: dict[str, Path], tmp_path: Path
) -> None:
    models_dir = tmp_path / "models"
    done = _podium_models(
        models_dir,
        tmp_path,
        mlflow_tracking_uri=mlflow_url,
        mlflow_filler_model="podium-filler-cnn/1",
        mlflow_body_model="podium-body-classifier/1",
    )
    assert done.returncode == 0, done.stderr
    assert "body_classifier: installed podium-body-classifier/1" in done.stdout
    body = installed_model(models_dir, "body_classifier")
    filler = installed_model(models_dir, "filler_cnn")
    assert body is not None and filler is not None
    assert body.sha256 == _sha256(registered["body_classifier"]) != _sha256(shipped_weights("body_classifier"))
    assert (body.path.parent / "eval.json").is_file()
    assert filler.path.with_name("filler_cnn.eval.json").is_file()  # the loader reads its decision settings
    assert filler.sha256 == _sha256(registered["filler_cnn"])

    path, info = chosen_weights("body_classifier", models_dir)
    assert path == body.path
    assert (info.name, info.version, info.sha256) == ("body_classifier", "podium-body-classifier/1", body.sha256)
    assert info.detail is not None and "mlflow registry" in info.detail

    again = _podium_models(
        models_dir,
        tmp_path,
        mlflow_tracking_uri=mlflow_url,
        mlflow_filler_model="podium-filler-cnn/1",
        mlflow_body_model="podium-body-classifier/1",
    )
    assert "podium-body-classifier/1 already installed" in again.stdout


def test_the_analysis_loads_the_installed_classifier(
    registered: dict[str, Path], tmp_path: Path, mlflow_url: str
) -> None:
    from media.offline.analyze import AnalysisModels

    models_dir = tmp_path / "models"
    done = _podium_models(
        models_dir, tmp_path, mlflow_tracking_uri=mlflow_url, mlflow_body_model="podium-body-classifier/1"
    )
    assert done.returncode == 0, done.stderr
    models = AnalysisModels(models_dir)
    assert models.classifier() is not None, models.warnings
    info = models.infos["body_classifier"]
    assert info.version == "podium-body-classifier/1"
    assert info.sha256 == _sha256(registered["body_classifier"])


def test_without_the_settings_the_shipped_weights_are_used(
    mlflow_url: str, registered: dict[str, Path], tmp_path: Path
) -> None:
    models_dir = tmp_path / "models"
    installed = _podium_models(
        models_dir, tmp_path, mlflow_tracking_uri=mlflow_url, mlflow_body_model="podium-body-classifier/1"
    )
    assert installed.returncode == 0, installed.stderr
    assert installed_model(models_dir, "body_classifier") is not None

    plain = _podium_models(models_dir, tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "body_classifier: shipped weights (registered version removed)" in plain.stdout
    assert installed_model(models_dir, "body_classifier") is None
    for slot in ("body_classifier", "filler_cnn"):
        path, info = chosen_weights(slot, models_dir)
        assert path == shipped_weights(slot)
        assert (info.version, info.sha256) == (path.name, _sha256(path))


def test_a_version_whose_file_does_not_match_its_hash_is_refused(
    mlflow_module: object, mlflow_url: str, registered: dict[str, Path], tmp_path: Path
) -> None:
    from mlflow import MlflowClient

    mlflow = mlflow_module
    weights = _tiny_body_weights(tmp_path / "body_model.pt")
    with mlflow.start_run() as run:  # type: ignore[attr-defined]
        mlflow.log_artifact(str(weights), artifact_path="weights")  # type: ignore[attr-defined]
        source = mlflow.get_artifact_uri("weights")  # type: ignore[attr-defined]
    tags = {"weights_file": "body_model.pt", "weights_sha256": "0" * 64}
    client = MlflowClient()
    bad = client.create_model_version("podium-body-classifier", source, run.info.run_id, tags=tags).version

    models_dir = tmp_path / "models"
    good = _podium_models(
        models_dir, tmp_path, mlflow_tracking_uri=mlflow_url, mlflow_body_model="podium-body-classifier/1"
    )
    assert good.returncode == 0, good.stderr
    refused = _podium_models(
        models_dir, tmp_path, mlflow_tracking_uri=mlflow_url, mlflow_body_model=f"podium-body-classifier/{bad}"
    )
    assert refused.returncode == 1
    assert "the registry says " + "0" * 64 in refused.stderr
    still = installed_model(models_dir, "body_classifier")
    assert still is not None and still.version == "1"  # the installed version stays

    missing = _podium_models(
        models_dir, tmp_path, mlflow_tracking_uri=mlflow_url, mlflow_body_model="podium-body-classifier/99"
    )
    assert missing.returncode == 1
    assert "404" in missing.stderr and "not found" in missing.stderr


def test_compose_points_podium_at_its_mlflow_service() -> None:
    import yaml

    compose = yaml.safe_load((Path(__file__).resolve().parents[1] / "compose.yaml").read_text())
    services = compose["services"]
    command = services["mlflow"]["command"]
    options = dict(arg.removeprefix("--").split("=", 1) for arg in command if arg.startswith("--"))
    for name in ("podium", "worker"):
        url = urllib.parse.urlsplit(services[name]["environment"]["PODIUM_MLFLOW_TRACKING_URI"])
        assert (url.hostname, url.port) == ("mlflow", int(options["port"]))
        assert f"{url.hostname}:{url.port}" in options["allowed-hosts"].split(",")  # else MLflow refuses the Host
    assert services["podium"]["depends_on"]["mlflow"] == {"condition": "service_healthy"}
    assert services["mlflow"]["volumes"][0].split(":")[0] in compose["volumes"]
