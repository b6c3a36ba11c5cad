"""The image is built with the same set-up steps as `make run`: every make target the Dockerfile names exists in
the Makefile, and nothing built on the host (venv, node_modules, dist, secrets) is copied into the image."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([A-Za-z0-9_.$()/-]+):", text, flags=re.M))
    stamp = re.search(r"^STAMP := (.+)$", text, flags=re.M)
    venv = re.search(r"^VENV := (.+)$", text, flags=re.M)
    assert stamp and venv
    return targets | {stamp.group(1).replace("$(VENV)", venv.group(1))}


def test_every_make_target_the_dockerfile_runs_exists() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    runs = re.findall(r"^RUN make ([^&\\\n]+)", dockerfile, flags=re.M)
    named = {w for run in runs for w in shlex.split(run) if "=" not in w and not w.startswith("-")}
    assert {"system-deps", "web", "models"} <= named
    assert named <= _make_targets(), named - _make_targets()


def test_host_build_outputs_stay_out_of_the_image() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "var", ".git", "**/node_modules", "web/dist", ".env"} <= ignored
