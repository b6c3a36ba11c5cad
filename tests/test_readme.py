"""The README stays true: the two commands, every setting, and the feedback message types."""

from __future__ import annotations

from pathlib import Path

from server.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_lists_every_setting() -> None:
    missing = [f"PODIUM_{name.upper()}" for name in Settings.model_fields if f"PODIUM_{name.upper()}" not in README]
    assert missing == []


def test_readme_shows_the_two_commands_and_message_types() -> None:
    assert "make run" in README and "make test" in README
    for kind in ("voice", "pose", "speech", "alert", "session"):
        assert f'"type":"{kind}"' in README
