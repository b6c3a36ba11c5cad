"""`podium analyze` as a user runs it: from any directory (the installation's models are found), and with a clean
terminal — only Podium's own progress lines on stderr unless ``--verbose``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from inference.training.speech_synth import SynthVoice, synthesize
from server.settings import INSTALL_ROOT, Settings

OWN_LINE = re.compile(r"^[\w ]+… \d+%$")


def test_the_default_models_dir_does_not_depend_on_the_current_directory(tmp_path: Path) -> None:
    here = Path.cwd()
    try:
        os.chdir(tmp_path)
        assert Settings().models_dir == INSTALL_ROOT / "var" / "models"
    finally:
        os.chdir(here)


@pytest.mark.slow
def test_analyze_from_another_directory_prints_only_its_own_lines(tmp_path: Path) -> None:
    if not (INSTALL_ROOT / "var" / "models" / "whisper-base").is_dir():
        pytest.skip("models not prepared (`podium models`)")
    clip = tmp_path / "talk.wav"
    synthesize("Good morning. {um} Today we look at the numbers.", SynthVoice(name="en-us", rate_wpm=150)).write_wav(
        clip
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    proc = subprocess.run(
        [sys.executable, "-m", "server.cli", "analyze", clip.name, "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["speech"]["word_count"] > 0
    noise = [line for line in proc.stderr.splitlines() if line and not OWN_LINE.match(line)]
    assert noise == []
