"""The maintenance DAG run by Airflow's own ``dag.test()`` (in .venv-airflow, see ``make airflow-check``) against
a real Podium database and blob store that the product's interpreter prepares (tests/batch_support.py).

Not collected by the product's pytest run (tests/conftest.py ignores this directory): it needs Airflow, which
is not installed there, and it imports nothing of Podium.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PODIUM_BIN = Path(os.environ.get("PODIUM_VENV_BIN", ROOT / ".venv" / "bin"))
WORK = Path(tempfile.mkdtemp(prefix="podium-airflow-"))
atexit.register(shutil.rmtree, WORK, True)
AIRFLOW = Path(sys.executable).with_name("airflow")

# Airflow reads its configuration when first imported: a metadata database of this test, no examples.
os.environ.update(
    {
        "AIRFLOW_HOME": str(WORK / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "deploy" / "airflow" / "dags"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{WORK / 'airflow' / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
    }
)


def _podium_env(data: Path) -> dict[str, str]:
    return {
        "PODIUM_DATA_DIR": str(data),
        "PODIUM_DATABASE_URL": f"sqlite:///{data / 'podium.db'}",
        "PODIUM_BLOB_DIR": str(data / "blobs"),
        "PODIUM_MODELS_DIR": str(data / "models"),
        "PODIUM_RETENTION_DAYS": "30",
        "PODIUM_JOBS_ANALYZER": "tests.batch_support:current_models_analyze",
        "PYTHONPATH": str(ROOT),  # the analyser above lives in tests/
    }


def _product(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(PODIUM_BIN / "python"), *args], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _load_dag() -> Any:
    path = ROOT / "deploy" / "airflow" / "dags" / "podium_maintenance.py"
    spec = importlib.util.spec_from_file_location("podium_maintenance", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


def test_the_dag_reanalyses_applies_retention_and_exports_metrics() -> None:
    data = WORK / "podium"
    (data / "models").mkdir(parents=True)
    env = _podium_env(data)
    seeded = json.loads(
        _product(
            "-m",
            "tests.batch_support",
            env["PODIUM_DATABASE_URL"],
            env["PODIUM_BLOB_DIR"],
            str(data / "models"),
            env=env,
        )
    )
    aged_blob = Path(env["PODIUM_BLOB_DIR"]) / seeded["aged_blob"]
    assert aged_blob.is_file()

    subprocess.run([str(AIRFLOW), "db", "migrate"], check=True, capture_output=True, env=os.environ)
    os.environ.update(env)  # the tasks inherit the worker's environment (append_env)
    os.environ["AIRFLOW_VAR_PODIUM_BIN"] = str(PODIUM_BIN / "podium")
    os.environ["AIRFLOW_VAR_PODIUM_METRICS_DIR"] = str(data / "exports")

    dag = _load_dag()
    assert [t.task_id for t in dag.topological_sort()] == [
        "apply_retention",
        "reanalyze_outdated",
        "export_weekly_metrics",
    ]
    run = dag.test()
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert str(run.state) == "success", states
    assert set(states.values()) == {"success"}, states

    assert not aged_blob.exists(), "retention deleted the 400-day-old recording"
    left = json.loads(_product("-m", "server.cli", "jobs", "reanalyze-outdated", "--dry-run", env=env).splitlines()[-1])
    assert left["outdated"] == [], "the outdated session was re-analysed with the prepared models"
    exports = list((data / "exports").glob("weekly-*.json"))
    assert len(exports) == 1
    weeks = json.loads(exports[0].read_text())["weeks"]
    assert [w["mean_overall_score"] for w in weeks] == [70.0, 80.0, None]  # the re-analysed report has no score
    blob = Path(env["PODIUM_BLOB_DIR"]) / "exports" / "weekly" / exports[0].name.removeprefix("weekly-")
    assert json.loads(blob.read_text())["weeks"] == weeks
