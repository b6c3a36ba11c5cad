"""Import MediaPipe without letting it pull in TensorFlow.

MediaPipe imports TensorFlow opportunistically when it is installed; in a process that also runs aiortc that
makes the first DTLS set-up segfault (its OpenSSL symbols), and it costs ~2.5 s and ~450 MB. Blocking the module for
the duration of MediaPipe's own imports keeps TensorFlow out while leaving it importable afterwards for code
that really wants it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

_BLOCKED = "tensorflow"

MEDIAPIPE_MODULES: tuple[str, ...] = (
    "mediapipe",
    "mediapipe.tasks.python.core.base_options",
    "mediapipe.tasks.python.vision",
)
"""Submodules imported eagerly so that no later lazy import can reach TensorFlow."""


@contextmanager
def tensorflow_blocked() -> Iterator[None]:
    """Make ``import tensorflow`` raise ImportError inside the block, unless it is already loaded."""
    if _BLOCKED in sys.modules:
        yield
        return
    sys.modules[_BLOCKED] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get(_BLOCKED, ...) is None:
            del sys.modules[_BLOCKED]


def import_mediapipe(*extra_modules: str) -> ModuleType:
    """Import and return the ``mediapipe`` package (plus the Tasks vision API) with TensorFlow blocked."""
    with tensorflow_blocked():
        for name in (*MEDIAPIPE_MODULES, *extra_modules):
            importlib.import_module(name)
    return sys.modules["mediapipe"]


def tensorflow_loaded() -> bool:
    """Whether TensorFlow has actually been imported into this process."""
    return sys.modules.get(_BLOCKED) is not None
