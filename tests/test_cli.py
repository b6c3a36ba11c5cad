from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli import main


def test_serve_help_lists_every_setting(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    for name in ("PODIUM_DATABASE_URL", "PODIUM_REDIS_URL", "PODIUM_SECRET_KEY", "PODIUM_PORT", "PODIUM_BLOB_DIR"):
        assert name in out


def test_db_upgrade_and_user_create(tmp_path: Path) -> None:
    env = {**os.environ, "PODIUM_DATA_DIR": str(tmp_path)}
    cli = [sys.executable, "-m", "server.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    assert (tmp_path / "podium.db").exists()
    created = subprocess.run(
        [*cli, "user", "create", "boss@example.com", "--password-stdin"],
        env=env,
        input="long enough secret\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert "created admin boss@example.com" in created.stdout
    again = subprocess.run(
        [*cli, "user", "create", "boss@example.com", "--password-stdin"],
        env=env,
        input="long enough secret\n",
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr
