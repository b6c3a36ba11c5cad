"""``podium analyze PATH [--json]``: run :func:`~media.offline.analyze.analyze_file` and print the result.

With ``--json`` exactly one JSON document goes to stdout (anything libraries print while analysing is sent to
stderr instead); without it a readable summary. Progress (stage and percent) goes to stderr. Errors are one
line on stderr with a non-zero exit code: 2 for unreadable input, 3 for unprepared models, 1 otherwise.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from media.offline.decode import probe
from media.offline.errors import MediaFileError, ModelsMissing

EXIT_BAD_INPUT = 2
EXIT_MODELS_MISSING = 3
EXIT_FAILED = 1

log = logging.getLogger(__name__)

_STAGE_LABELS = {
    "probe": "reading file",
    "decode_audio": "decoding audio",
    "voice": "voice analysis",
    "transcribe": "transcribing",
    "acoustic_fillers": "filler detector",
    "body": "body language",
    "done": "done",
}


class ProgressBar:
    """Draws ``stage [#####.....] 42%`` on a terminal (redrawn in place) or plain lines otherwise."""

    def __init__(self, stream: TextIO, width: int = 30, min_interval_s: float = 0.1) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._width = width
        self._min_interval_s = min_interval_s
        self._last_draw = 0.0
        self._last_stage = ""
        self._last_percent = -1
        self._drawn = False

    def __call__(self, stage: str, fraction: float) -> None:
        percent = round(100 * min(max(fraction, 0.0), 1.0))
        label = _STAGE_LABELS.get(stage, stage)
        if self._tty:
            now = time.monotonic()
            if stage == self._last_stage and percent == self._last_percent:
                return
            if stage == self._last_stage and now - self._last_draw < self._min_interval_s and percent < 100:
                return
            filled = round(self._width * percent / 100)
            bar = "#" * filled + "." * (self._width - filled)
            self._stream.write(f"\r{label:<16} [{bar}] {percent:3d}%")
            self._stream.flush()
            self._last_draw = now
            self._drawn = True
        elif stage != self._last_stage and stage != "done":
            self._stream.write(f"{label}… {percent}%\n")
            self._stream.flush()
        self._last_stage, self._last_percent = stage, percent

    def close(self) -> None:
        """End the progress line so later output starts on a fresh line."""
        if self._tty and self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[TextIO]:
    """Send everything written to stdout (Python and C level) to stderr; yields the real stdout."""
    sys.stdout.flush()
    try:
        saved_fd = os.dup(1)
    except OSError:
        with contextlib.redirect_stdout(sys.stderr):
            yield sys.__stdout__ or sys.stdout
        return
    real = os.fdopen(os.dup(saved_fd), "w", encoding="utf-8", closefd=True)
    try:
        os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            yield real
    finally:
        sys.stdout.flush()
        os.dup2(saved_fd, 1)
        os.close(saved_fd)
        real.flush()
        real.close()


@contextlib.contextmanager
def quiet_libraries(verbose: bool) -> Iterator[TextIO]:
    """Yield the stream for Podium's own messages (the real stderr). Unless ``verbose``, what libraries write to
    stderr while this is open (Python log lines and native TensorFlow/MediaPipe/CTranslate2 output) is discarded."""
    if verbose:
        yield sys.stderr
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GLOG_minloglevel", "2")
    sys.stderr.flush()
    own = os.fdopen(os.dup(2), "w", encoding="utf-8", closefd=True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield own
    finally:
        sys.stderr.flush()
        own.flush()
        os.dup2(own.fileno(), 2)
        own.close()


def run_analyze(path: Path, as_json: bool, models_dir: Path, verbose: bool = False) -> int:
    """Analyse ``path`` and print the report; returns the process exit code."""
    with quiet_libraries(verbose) as err:
        return _analyze_to(path, as_json, models_dir, err)


def _analyze_to(path: Path, as_json: bool, models_dir: Path, err: TextIO) -> int:
    bar = ProgressBar(err)
    try:
        info = probe(Path(path))
        from media.offline.analyze import analyze_file

        with stdout_to_stderr() as out:
            try:
                report = analyze_file(Path(path), models_dir=models_dir, progress=bar, info=info)
            finally:
                bar.close()
            text = json.dumps(report, ensure_ascii=False) if as_json else format_summary(report)
            out.write(text + "\n")
    except MediaFileError as exc:
        print(f"error: {exc.message}", file=err)
        return EXIT_BAD_INPUT
    except ModelsMissing as exc:
        print(f"error: model missing: {exc}", file=err)
        return EXIT_MODELS_MISSING
    except KeyboardInterrupt:
        print("error: interrupted", file=err)
        return 130
    except Exception as exc:
        log.debug("analysis failed", exc_info=True)
        first_line = (str(exc).splitlines() or [""])[0]
        print(f"error: analysis failed: {type(exc).__name__}: {first_line}", file=err)
        return EXIT_FAILED
    return 0


def _fmt(value: Any, unit: str = "", ndigits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{ndigits}f}{unit}"
    return f"{value}{unit}"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(max(seconds, 0.0), 60)
    return f"{int(minutes)}:{secs:04.1f}"


def format_summary(report: dict[str, Any]) -> str:
    """A readable multi-line summary of a report."""
    source = report.get("source", {})
    lines = [
        f"Podium analysis of {source.get('file', '?')} ({_fmt(report.get('duration_s'), ' s')})",
    ]
    speech = report.get("speech")
    if speech:
        fillers = speech.get("fillers", [])
        pauses = speech.get("pauses", [])
        lines += [
            "",
            "Speech",
            f"  pace              {_fmt(speech.get('wpm'), ' words/min')} ({speech.get('word_count', 0)} words)",
            f"  fillers           {len(fillers)}"
            + (f" ({_fmt(speech['filler_stats'].get('per_minute'), '/min')})" if speech.get("filler_stats") else ""),
            f"  lexical fillers   {len(speech.get('lexical_fillers', []))}",
            f"  pauses ≥ 1 s      {len(pauses)}",
            f"  volume            {_fmt(speech.get('volume_dbfs'), ' dBFS')}",
            f"  pitch variation   {_fmt(speech.get('pitch_variation_st'), ' semitones', 2)}"
            + (" (monotone)" if speech.get("monotone") else ""),
        ]
        if fillers:
            shown = ", ".join(f"{f['text']} @ {_clock(f['start_s'])}" for f in fillers[:8])
            lines.append(f"  filler times      {shown}" + (" …" if len(fillers) > 8 else ""))
        if pauses:
            shown = ", ".join(f"{_clock(p['start_s'])} ({p['end_s'] - p['start_s']:.1f} s)" for p in pauses[:8])
            lines.append(f"  pause times       {shown}" + (" …" if len(pauses) > 8 else ""))
        transcript = speech.get("transcript", "")
        if transcript:
            short = transcript if len(transcript) <= 300 else transcript[:300] + "…"
            lines += ["", "Transcript", f"  {short}"]
    elif report.get("has_audio") is False:
        lines += ["", "Speech: no audio track"]
    body = report.get("body")
    if body:
        stats = body.get("stats", {})
        tilt = (stats.get("shoulder_tilt_deg") or {}).get("abs_mean")
        head = (stats.get("head_tilt_deg") or {}).get("abs_mean")
        sway = (stats.get("sway") or {}).get("mean")
        gesture = (stats.get("gesture_activity") or {}).get("mean")
        lines += [
            "",
            "Body",
            f"  frames analysed   {body.get('frames_analyzed', 0)}",
            f"  person visible    {_fmt(100 * body.get('person_visible_ratio', 0.0), ' %', 0)}",
            f"  shoulder tilt     {_fmt(tilt, '°')} (mean absolute)",
            f"  head tilt         {_fmt(head, '°')} (mean absolute)",
            f"  sway              {_fmt(sway, ' shoulder widths', 3)}",
            f"  gesture activity  {_fmt(gesture, ' shoulder widths/s', 2)}",
        ]
        if stats.get("posture"):
            lines.append("  posture           " + ", ".join(f"{k} {v:.0%}" for k, v in stats["posture"].items()))
        alerts = body.get("alerts") or []
        fired = [a for a in alerts if a.get("state") == "fired"]
        if fired:
            lines.append(f"  alerts            {len(fired)}")
            for a in fired[:5]:
                lines.append(f"    {_clock(float(a.get('t_s', 0.0)))} {a.get('message', a.get('code', ''))}")
    elif report.get("has_video"):
        lines += ["", "Body: not analysed"]
    timing = report.get("timing", {})
    lines += [
        "",
        f"Analysis took {_fmt(timing.get('analysis_s'), ' s')} (real-time factor "
        f"{_fmt(timing.get('real_time_factor'), '', 3)})",
    ]
    for warning in report.get("warnings", []):
        lines.append(f"warning: {warning}")
    return "\n".join(lines)
