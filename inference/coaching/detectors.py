"""Detectors: find the moments behind a tip in a report. Each takes the report and the rule's ``params``
(from ``rules.json``) and returns a :class:`Finding` with its evidence, or None when nothing triggers.

A finding always carries at least one :class:`~inference.coaching.evidence.Evidence`: no tip without evidence.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from inference.coaching.evidence import Evidence, join_labels, merge_ranges, where_in_talk
from inference.report.body import Body
from inference.report.model import Report
from inference.report.speech import Span, Speech, TimedText

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """What a detector found: the evidence, a severity (0 = at the threshold, 1 = far beyond) and the
    values the rule's templates may use."""

    evidence: tuple[Evidence, ...]
    severity: float
    values: dict[str, Any] = field(default_factory=dict)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _duration(report: Report) -> float:
    return _num(report.duration_s) or 0.0


def _speech(report: Report) -> Speech:
    return report.speech or Speech()


def _body(report: Report) -> Body:
    return report.body or Body()


def _speech_list(report: Report, name: str) -> Sequence[Any]:
    """The ``speech`` list field ``name`` (a rule's ``source``); empty when the report has no such list."""
    value = getattr(_speech(report), name, None)
    return value if isinstance(value, list) else []


def _finding(
    report: Report, ranges: Sequence[tuple[float, float]], details: Sequence[str], severity: float, **values: Any
) -> Finding | None:
    if not ranges:
        return None
    evidence = tuple(Evidence(s, e, d) for (s, e), d in zip(ranges, details, strict=True))
    longest = max(ranges, key=lambda r: r[1] - r[0])
    values.setdefault("where", where_in_talk(longest[0], longest[1], _duration(report)))
    values.setdefault("moments", join_labels(evidence))
    values.setdefault("count", len(evidence))
    return Finding(evidence, min(max(severity, 0.0), 2.0), values)


def speech_windows(report: Report, params: Params) -> Finding | None:
    """Timeline windows where ``metric`` is ``above``/``below`` ``threshold`` (adjacent windows merged).

    params: ``metric`` (a ``speech.timeline`` field), ``direction`` (``above``/``below``), ``threshold``,
    ``min_words`` (windows with fewer words are ignored), ``scale`` (distance beyond the threshold that is
    severity 1). Values: ``peak``, ``threshold``, ``where``, ``moments``.
    """
    metric, threshold = params["metric"], float(params["threshold"])
    above = params.get("direction", "above") == "above"
    hits: list[tuple[float, float, float]] = []
    for w in _speech(report).timeline:
        value = _num(getattr(w, metric, None))
        if value is None or w.word_count < int(params.get("min_words", 1)):
            continue
        if (value > threshold) if above else (value < threshold):
            hits.append((w.start_s, w.end_s, value))
    if not hits:
        return None
    merged = merge_ranges([(s, e) for s, e, _ in hits])
    peaks = [(max if above else min)(v for s, e, v in hits if lo <= s and e <= hi + 1e-6) for lo, hi in merged]
    peak = (max if above else min)(peaks)
    unit = params.get("unit", "")
    details = [f"{p:.{params.get('digits', 0)}f}{unit}" for p in peaks]
    order = sorted(range(len(merged)), key=lambda i: -abs(peaks[i] - threshold))
    covered = sum(e - s for s, e in merged) / max(_duration(report), 1e-6)
    severity = abs(peak - threshold) / float(params.get("scale", 1.0)) + covered
    return _finding(
        report,
        [merged[i] for i in order],
        [details[i] for i in order],
        severity,
        peak=round(peak, digits) if (digits := int(params.get("digits", 0))) else round(peak),
        threshold=threshold,
    )


def event_density(report: Report, params: Params) -> Finding | None:
    """Timed events (``speech.fillers``, ``speech.lexical_fillers``, ``speech.hedges``) above a rate.

    params: ``source`` (list field of ``speech``), ``min_per_min``, ``min_count``, ``window_s`` (size of
    the densest windows cited), ``max_windows``, ``scale``. Values: ``total``, ``rate``, ``top``
    (most frequent text), ``top_count``, ``moments``.
    """
    events = [
        e for e in _speech_list(report, params["source"]) if isinstance(e, TimedText) and _num(e.start_s) is not None
    ]
    talk_s = _num(_speech(report).speaking_time_s) or _duration(report)
    if not events or talk_s <= 0:
        return None
    rate = len(events) * 60.0 / talk_s
    if rate < float(params["min_per_min"]) or len(events) < int(params.get("min_count", 1)):
        return None
    window = float(params.get("window_s", 60.0))
    times = sorted(e.start_s for e in events)
    candidates: list[tuple[int, float]] = []
    j = 0
    for i, t in enumerate(times):
        while times[j] < t - window:
            j += 1
        candidates.append((i - j + 1, max(0.0, t - window)))
    chosen: list[tuple[float, float, int]] = []
    for count, start in sorted(candidates, key=lambda c: (-c[0], c[1])):
        end = start + window
        if count < 2 and chosen:
            break
        if all(end <= s or start >= e for s, e, _ in chosen):
            first = next(t for t in times if t >= start)
            last = max(t for t in times if t <= end)
            chosen.append((first, last + 0.5, count))
        if len(chosen) >= int(params.get("max_windows", 2)):
            break
    texts = Counter(e.text.lower() for e in events)
    top, top_count = texts.most_common(1)[0]
    noun = params.get("noun", "times")
    return _finding(
        report,
        [(s, e) for s, e, _ in chosen],
        [f"{c} {noun}" for _, _, c in chosen],
        (rate - float(params["min_per_min"])) / float(params.get("scale", 1.0)),
        total=len(events),
        rate=round(rate, 1),
        top=top,
        top_count=top_count,
    )


def listed_ranges(report: Report, params: Params) -> Finding | None:
    """Every entry of a ``speech`` list of ranges (e.g. ``long_silences``) of at least ``min_s`` seconds.

    params: ``source``, ``min_s``, ``min_count``, ``scale``. Values: ``longest`` (seconds), ``total``.
    """
    entries = [
        (e.start_s, e.end_s)
        for e in _speech_list(report, params["source"])
        if isinstance(e, Span) and e.end_s - e.start_s >= float(params.get("min_s", 0.0))
    ]
    if len(entries) < int(params.get("min_count", 1)):
        return None
    entries.sort(key=lambda r: r[0] - r[1])
    longest = entries[0][1] - entries[0][0]
    return _finding(
        report,
        entries,
        [f"{e - s:.1f} s" for s, e in entries],
        len(entries) / float(params.get("scale", 1.0)),
        longest=round(longest, 1),
        total=len(entries),
    )


def unbroken_speech(report: Report, params: Params) -> Finding | None:
    """Stretches of talk longer than ``max_s`` seconds without a pause (from ``speech.pauses``).

    params: ``max_s``, ``scale``. Values: ``longest`` (seconds).
    """
    speech = _speech(report)
    spoken = [w for w in speech.timeline if w.word_count > 0]
    if not spoken:
        return None
    talk_start, talk_end = spoken[0].start_s, spoken[-1].end_s
    cuts = [talk_start]
    for p in sorted(speech.pauses, key=lambda p: p.start_s):
        cuts += [p.start_s, p.end_s]
    cuts.append(talk_end)
    max_s = float(params["max_s"])
    runs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i + 1] - cuts[i] > max_s]
    if not runs:
        return None
    runs.sort(key=lambda r: r[0] - r[1])
    longest = runs[0][1] - runs[0][0]
    return _finding(
        report,
        runs,
        [f"{e - s:.0f} s without a pause" for s, e in runs],
        (longest - max_s) / float(params.get("scale", 1.0)),
        longest=round(longest),
    )


def alert_intervals(report: Report, params: Params) -> Finding | None:
    """Body alerts (``body.alerts``, fired → cleared) with one of ``codes``, at least ``min_s`` long.

    params: ``codes``, ``min_s``, ``scale`` (seconds of alert that make severity 1). Values: ``total_s``.
    """
    codes = set(params["codes"])
    open_at: dict[str, float] = {}
    ranges: list[tuple[float, float]] = []
    for a in sorted(_body(report).alerts or (), key=lambda a: a.t_s):
        if a.code not in codes:
            continue
        if a.state == "fired":
            open_at.setdefault(a.code, a.t_s)
        elif a.state == "cleared" and a.code in open_at:
            ranges.append((open_at.pop(a.code), a.t_s))
    end = _duration(report)
    ranges += [(start, max(start, end)) for start in open_at.values()]
    return _timed_ranges(report, merge_ranges(ranges, 1.0), params)


def timeline_labels(report: Report, params: Params) -> Finding | None:
    """Runs of ``body.timeline`` entries whose ``field`` is one of ``values`` lasting at least ``min_s``.

    params: ``field``, ``values``, ``min_s``, ``scale``. Values: ``total_s``.
    """
    entries = _body(report).timeline
    if not entries:
        return None
    step = entries[1].t_s - entries[0].t_s if len(entries) > 1 else 0.5
    wanted = set(params["values"])
    ranges = [
        (e.t_s, e.t_s + step) for e in entries if e.person_visible and getattr(e, params["field"], None) in wanted
    ]
    return _timed_ranges(report, merge_ranges(ranges, step * 0.5), params)


def _timed_ranges(report: Report, ranges: list[tuple[float, float]], params: Params) -> Finding | None:
    ranges = [r for r in ranges if r[1] - r[0] >= float(params.get("min_s", 0.0))]
    if not ranges:
        return None
    total = sum(e - s for s, e in ranges)
    ranges.sort(key=lambda r: r[0] - r[1])
    return _finding(
        report,
        ranges,
        [f"{e - s:.0f} s" for s, e in ranges],
        total / float(params.get("scale", 60.0)),
        total_s=round(total),
    )


def repeated_phrases(report: Report, params: Params) -> Finding | None:
    """The most repeated phrase of ``speech.repeated_phrases`` when said at least ``min_count`` times.

    Values: ``phrase``, ``total``.
    """
    phrases = [p for p in _speech(report).repeated_phrases if p.count >= params["min_count"]]
    if not phrases:
        return None
    best = max(phrases, key=lambda p: p.count)
    starts = list(best.starts_s)
    return _finding(
        report,
        [(s, s) for s in starts],
        [f"“{best.phrase}”" for _ in starts],
        (best.count - int(params["min_count"])) / float(params.get("scale", 1.0)),
        phrase=best.phrase,
        total=best.count,
    )


DETECTORS: dict[str, Callable[[Report, Params], Finding | None]] = {
    "speech_windows": speech_windows,
    "event_density": event_density,
    "listed_ranges": listed_ranges,
    "unbroken_speech": unbroken_speech,
    "alert_intervals": alert_intervals,
    "timeline_labels": timeline_labels,
    "repeated_phrases": repeated_phrases,
}
"""Detector name (as used in ``rules.json``) → function."""
