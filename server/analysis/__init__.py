"""Analysis jobs: run the post-hoc analysis of a recording in a local process pool or on Celery workers.

``enqueue_analysis(app, session_id)`` (from :mod:`server.analysis.runner`) is resolved lazily so that worker
processes, which import :mod:`server.analysis.job`, do not load the web server's modules.
"""

from __future__ import annotations

from typing import Any

__all__ = ["enqueue_analysis"]


def __getattr__(name: str) -> Any:
    if name == "enqueue_analysis":
        from server.analysis.runner import enqueue_analysis

        return enqueue_analysis
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
