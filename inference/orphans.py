"""Worker processes end when the process that started them dies (even by SIGKILL or the OOM killer).

Call :func:`exit_with_parent` first thing in every worker process (a pool ``initializer``). On Linux the
kernel sends the worker SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``); everywhere, a daemon
thread also polls ``os.getppid()`` and exits the worker once it was re-parented.

``PR_SET_PDEATHSIG`` fires when the *thread* that started the worker ends; Podium starts its pools from the
event-loop (main) thread, and the polling thread covers any other case.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1
POLL_INTERVAL_S = 0.5
EXIT_CODE = 70

_watching: int | None = None


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask the Linux kernel to send ``sig`` to this process when its parent dies; False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _expected_parent() -> int:
    """The pid of the process that started this one (multiprocessing knows it even if we were re-parented)."""
    parent = multiprocessing.parent_process()
    pid = parent.pid if parent is not None else None
    return pid if pid is not None else os.getppid()


def _watch(parent: int, interval_s: float) -> None:
    stop = threading.Event()
    while not stop.wait(interval_s):
        if os.getppid() != parent:
            os._exit(EXIT_CODE)


def exit_with_parent(*, use_prctl: bool = True, interval_s: float = POLL_INTERVAL_S) -> None:
    """Make this (worker) process end when its parent dies; idempotent, cheap to call in every initializer."""
    global _watching
    parent = _expected_parent()
    if _watching == parent:
        return
    _watching = parent
    if use_prctl:
        set_parent_death_signal()
    if os.getppid() != parent:
        os._exit(EXIT_CODE)  # the parent died before the death signal was armed
    threading.Thread(target=_watch, args=(parent, interval_s), name="podium-parent-watch", daemon=True).start()
