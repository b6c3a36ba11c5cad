"""The batch subcommands the Airflow DAG calls: ``podium jobs reanalyze-outdated``, ``podium retention run`` and
``podium metrics export``, on a real database (SQLite and PostgreSQL) and blob store; plus their pure parts."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from inference.report.model import ModelInfo
from server.batch.outdated import outdated_models
from server.batch.weekly import SessionFacts, iso_week, weekly_metrics
from server.cli import main
from storage.blobs import LocalBlobStore
from storage.migrate import upgrade
from tests.batch_support import ANALYZER, STALE_SHA, BatchScenario, seed_batch
from tests.jobs_support import snapshot


def test_outdated_models_compares_hashes_then_versions() -> None:
    current = {
        "filler_cnn": ModelInfo(name="filler_cnn", version="podium-filler-cnn/2", sha256="b" * 64),
        "whisper": ModelInfo(name="whisper", version="whisper-base", sha256=None),
    }
    recorded = [
        {"name": "filler_cnn", "version": "podium-filler-cnn/1", "sha256": "a" * 64},
        {"name": "whisper", "version": "whisper-base", "sha256": "c" * 64},
        {"name": "pose", "version": "pose_landmarker_full.task", "sha256": "d" * 64},  # not prepared now
    ]
    assert outdated_models(recorded, current) == ["filler_cnn"]
    same_file = [{"name": "filler_cnn", "version": "filler_cnn.keras", "sha256": "b" * 64}]
    assert outdated_models(same_file, current) == []  # the same weights under another label
    assert outdated_models([{"name": "whisper", "version": "whisper-tiny"}], current) == ["whisper"]
    assert outdated_models([], current) == []  # a report without provenance says nothing


def test_weekly_metrics_group_by_iso_week() -> None:
    monday = datetime(2026, 11, 30, 9, tzinfo=UTC)
    sunday_before = datetime(2026, 11, 29, 23, tzinfo=UTC)
    facts = [
        SessionFacts(monday, "live", True, 120.0, 80.0),
        SessionFacts(monday, "upload", True, 60.0, 60.0),
        SessionFacts(monday, "upload", False, None, None),
        SessionFacts(sunday_before, "live", False, 30.0, None),
    ]
    rows = weekly_metrics(facts)
    assert [r.week for r in rows] == [iso_week(sunday_before), iso_week(monday)] == ["2026-W48", "2026-W49"]
    week = rows[1]
    assert (week.sessions, week.live_sessions, week.upload_sessions, week.analysed_sessions) == (3, 1, 2, 2)
    assert (week.recorded_minutes, week.mean_overall_score) == (3.0, 70.0)
    assert rows[0].mean_overall_score is None


def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> dict[str, Path]:
    paths = {"data": tmp_path / "var", "blobs": tmp_path / "var" / "blobs", "models": tmp_path / "models"}
    for path in paths.values():
        path.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("PODIUM_DATA_DIR", str(paths["data"]))
    monkeypatch.setenv("PODIUM_DATABASE_URL", database_url)
    monkeypatch.setenv("PODIUM_BLOB_DIR", str(paths["blobs"]))
    monkeypatch.setenv("PODIUM_MODELS_DIR", str(paths["models"]))
    monkeypatch.setenv("PODIUM_JOBS_ANALYZER", ANALYZER)
    upgrade(database_url)
    return paths


@pytest.fixture
def batch_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> dict[str, Path]:
    """SQLite and PostgreSQL (one database shared by the run's tests: assertions name this test's sessions)."""
    return _environment(tmp_path, monkeypatch, database_url)


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Path], str]:
    """A database of this test alone (the export counts every session)."""
    url = f"sqlite:///{tmp_path / 'podium.db'}"
    return _environment(tmp_path, monkeypatch, url), url


@pytest.fixture
def scenario(batch_env: dict[str, Path], database_url: str) -> BatchScenario:
    return asyncio.run(seed_batch(database_url, batch_env["blobs"], batch_env["models"]))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_reanalyze_outdated_runs_only_sessions_made_by_other_weights(
    scenario: BatchScenario, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, listed = _run(capsys, "jobs", "reanalyze-outdated", "--dry-run")
    assert code == 0
    found = {o["session_id"]: o["models"] for o in listed["outdated"]}
    assert found[scenario.outdated] == ["body_classifier", "filler_cnn"]
    assert scenario.current not in found and scenario.aged not in found
    assert listed["results"] == {}
    assert asyncio.run(snapshot(database_url, scenario.outdated)).job is None  # a dry run queues nothing

    code, done = _run(capsys, "jobs", "reanalyze-outdated")
    assert code == 0
    assert done["results"][scenario.outdated] == "succeeded"
    assert scenario.current not in done["results"]
    snap = asyncio.run(snapshot(database_url, scenario.outdated))
    assert snap.job is not None and snap.job.state.value == "succeeded"
    hashes = {m["name"]: m["sha256"] for m in snap.reports[0].report["models"]}
    assert STALE_SHA not in hashes.values() and set(hashes) == {"body_classifier", "filler_cnn"}

    code, again = _run(capsys, "jobs", "reanalyze-outdated")
    assert code == 0 and scenario.outdated not in again["results"]


def test_retention_run_deletes_old_recordings_and_keeps_reports(
    scenario: BatchScenario, batch_env: dict[str, Path], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = LocalBlobStore(batch_env["blobs"])
    assert store.local_path(scenario.aged_blob).is_file()
    code, kept = _run(capsys, "retention", "run")  # PODIUM_RETENTION_DAYS=0: keep everything
    assert (code, kept["deleted_recordings"], kept["cutoff"]) == (0, 0, None)
    assert store.local_path(scenario.aged_blob).is_file()

    code, swept = _run(capsys, "retention", "run", "--days", "30")
    assert code == 0 and swept["deleted_recordings"] >= 1
    assert not store.local_path(scenario.aged_blob).exists()
    aged = asyncio.run(snapshot(database_url, scenario.aged))
    assert aged.reports, "the report stays"
    left = {entry.key.split("/")[1] for entry in asyncio.run(store.list_blobs("recordings/"))}
    assert left == {scenario.outdated, scenario.current}


def test_metrics_export_writes_weekly_json_csv_and_a_blob(
    sqlite_env: tuple[dict[str, Path], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch_env, url = sqlite_env
    asyncio.run(seed_batch(url, batch_env["blobs"], batch_env["models"]))
    out = tmp_path / "exports" / "weekly.json"
    code, summary = _run(capsys, "metrics", "export", "--out", str(out), "--blob-key", "exports/weekly.json")
    assert code == 0 and (summary["weeks"], summary["sessions"]) == (3, 3)
    weeks = json.loads(out.read_text())["weeks"]
    assert [w["mean_overall_score"] for w in weeks] == [70.0, 80.0, 60.0]  # oldest week first
    assert all(w["sessions"] == w["analysed_sessions"] == w["upload_sessions"] == 1 for w in weeks)
    assert weeks[0]["recorded_minutes"] == 1.0
    blob = LocalBlobStore(batch_env["blobs"]).local_path("exports/weekly.json")
    assert json.loads(blob.read_text())["weeks"] == weeks
    assert summary["blob"]["bytes"] == blob.stat().st_size

    table = tmp_path / "weekly.csv"
    code, _ = _run(capsys, "metrics", "export", "--format", "csv", "--out", str(table))
    rows = list(csv.DictReader(io.StringIO(table.read_text())))
    assert code == 0 and [r["mean_overall_score"] for r in rows] == ["70.0", "80.0", "60.0"]


def test_metrics_export_needs_a_destination(sqlite_env: tuple[dict[str, Path], str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["metrics", "export"])
    assert exited.value.code == 2
