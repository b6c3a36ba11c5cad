"""Server settings that shape the live media plane reach its configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from server.live import media_config
from server.settings import Settings


def test_interim_asr_step_setting_reaches_the_media_config(tmp_path: Path) -> None:
    default = media_config(Settings(data_dir=tmp_path, models_dir=tmp_path))
    assert default.speech_interim_step_s == pytest.approx(0.3)
    off = media_config(Settings(data_dir=tmp_path, models_dir=tmp_path, live_asr_interim_s=0.0))
    assert off.speech_interim_step_s == 0.0
    with pytest.raises(ValidationError):
        Settings(live_asr_interim_s=-1.0)
