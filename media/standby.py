"""Which kinds of worker keep a warmed standby spare: the ``standby_workers`` setting resolved for one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

StandbySetting = bool | Literal["auto"]

AUTO_SPEECH_MIN_MEMORY_BYTES = 8 * 1024**3
"""``auto`` keeps a spare speech worker (one more Whisper process, a few hundred MB) from this much memory up."""


@dataclass(frozen=True)
class Standby:
    """Whether a spare pose worker and a spare speech worker are kept."""

    pose: bool
    speech: bool


def resolve_standby(setting: StandbySetting, pose_workers: int, memory_bytes: int) -> Standby:
    """``True``/``False``: both spares or none. ``auto``: a spare speech worker when the machine has the memory
    for it (a new one takes seconds to load Whisper), and a spare pose worker only when there is a single pose
    worker (with two or more, a dead one's streams move to another, already warm, while it is replaced)."""
    if setting == "auto":
        return Standby(pose=pose_workers < 2, speech=memory_bytes >= AUTO_SPEECH_MIN_MEMORY_BYTES)
    return Standby(pose=bool(setting), speech=bool(setting))


def physical_memory_bytes() -> int:
    """The machine's physical memory (0 where the platform does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0
