"""Untrusted media is probed in a separate process with resource limits, so a decoder crash, a memory bomb or an
endless demux loop costs that process, never the server and its live sessions.

:func:`probe_sandboxed` runs ``python -m media.offline.sandbox LIMITS PATH`` with a wall-clock timeout; the child
first limits itself with ``setrlimit`` (address space, CPU seconds, no files written, no core dumps) — before it
reads a byte of the file — then prints the :class:`MediaInfo` as JSON, or the typed error it raised. A child that
dies any other way becomes :class:`MediaCrashed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from media.offline import errors
from media.offline.decode import MediaInfo, probe


class MediaCrashed(errors.MediaFileError):
    """The file made the sandboxed media process crash or exceed its limits."""

    code = "media_crashed"


@dataclass(frozen=True)
class SandboxLimits:
    """What one sandboxed probe may use."""

    memory_bytes: int = 2 << 30
    cpu_s: int = 60
    wall_s: float = 120.0


def limit_self(limits: SandboxLimits) -> None:
    """Apply ``limits`` to the calling process (the sandboxed child does this first thing)."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@dataclass(frozen=True)
class SandboxResult:
    """A finished child: exit code (negative: killed by that signal) and what it printed."""

    returncode: int
    stdout: bytes


async def run_sandboxed(argv: list[str], limits: SandboxLimits) -> SandboxResult:
    """Run ``argv``; kill it at the wall-clock limit of ``limits`` (then ``returncode`` is -9)."""
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        stdout, _ = await asyncio.wait_for(proc.communicate(), limits.wall_s)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        return SandboxResult(-9, b"")
    return SandboxResult(proc.returncode if proc.returncode is not None else -9, stdout)


def _info_from(data: dict[str, Any]) -> MediaInfo:
    return MediaInfo(**{**data, "path": Path(data["path"])})


def _error_from(data: dict[str, Any]) -> errors.MediaFileError:
    kind = getattr(errors, str(data.get("error", "")), None)
    cls = kind if isinstance(kind, type) and issubclass(kind, errors.MediaFileError) else errors.NotMedia
    return cls(str(data.get("message", "the file could not be read")))


async def probe_sandboxed(
    path: Path, *, allow_truncated: bool = False, limits: SandboxLimits | None = None
) -> MediaInfo:
    """:func:`~media.offline.decode.probe` in a sandboxed child process; raises the same typed errors, or
    :class:`MediaCrashed`."""
    limits = limits or SandboxLimits()
    argv = [sys.executable, "-m", "media.offline.sandbox", f"{limits.memory_bytes}:{limits.cpu_s}", str(path)]
    if allow_truncated:
        argv.append("--allow-truncated")
    return probe_result(await run_sandboxed(argv, limits), path)


def probe_result(result: SandboxResult, path: Path) -> MediaInfo:
    """What a sandboxed probe's exit code and output mean: the info, its typed error, or :class:`MediaCrashed`."""
    try:
        data = json.loads(result.stdout.decode() or "null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if result.returncode == 0 and isinstance(data, dict) and "info" in data:
        return _info_from(data["info"])
    if result.returncode == 2 and isinstance(data, dict):
        raise _error_from(data)
    how = f"signal {-result.returncode}" if result.returncode < 0 else f"exit code {result.returncode}"
    raise MediaCrashed(f"{path}: the media reader stopped ({how}) on this file; it may be damaged or hostile")


def _child(argv: list[str]) -> int:
    memory, cpu = (int(x) for x in argv[0].split(":"))
    limit_self(SandboxLimits(memory_bytes=memory, cpu_s=cpu))
    path = Path(argv[1])
    try:
        info = probe(path, allow_truncated="--allow-truncated" in argv[2:])
    except errors.MediaFileError as exc:
        print(json.dumps({"error": type(exc).__name__, "message": exc.message}))
        return 2
    print(json.dumps({"info": {**asdict(info), "path": str(info.path)}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
