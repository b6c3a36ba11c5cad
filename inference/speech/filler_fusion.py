"""Fuse fillers found by the ASR rules and by the acoustic model into one list (pure function)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from inference.speech.lexicon import Lexicon, load_lexicon
from inference.speech.types import Filler, Word


@dataclass(frozen=True)
class FusionSettings:
    """How ASR fillers and acoustic events are combined.

    ``min_acoustic_confidence`` and ``min_acoustic_duration_s``: acoustic events that confirm no ASR filler
    ("acoustic-only") below either are dropped
    (a filler is a drawn-out sound; short confident blips are mostly stressed syllables of real words).
    ``min_asr_duration_s``: an ASR filler shorter than this with no acoustic support is dropped (Whisper gives
    hallucinated words, e.g. an echo of its filler prompt at the end of a file, zero length).
    ``tolerance_s``: intervals this close count as overlapping (ASR word times are loose).
    ``max_lexical_overlap``: an acoustic-only event covered by recognised non-filler words for this fraction
    of its length or more is taken to be those words; above 1 the check is off. It is off by default because
    Whisper base often writes a filler as a short word ("oh", "or", "the") or stretches a neighbouring word's
    times over it, so coverage said more about Whisper's timing than about the sound (on the development
    corpus the check dropped 57 of 62 missed fillers and only 8 false alarms).
    """

    min_acoustic_confidence: float = 0.9
    min_acoustic_duration_s: float = 0.45
    min_asr_duration_s: float = 0.05
    tolerance_s: float = 0.15
    max_lexical_overlap: float = 1.01


def _overlap(a_start: float, a_end: float, b_start: float, b_end: float) -> float:
    return min(a_end, b_end) - max(a_start, b_start)


def reread_lookalikes(
    words: Sequence[Word],
    acoustic: Sequence[Filler],
    lexicon: Lexicon | None = None,
    settings: FusionSettings = FusionSettings(),
) -> list[Word]:
    """``words`` with each filler look-alike ("oh", "aw", "hum", "R"; :attr:`Lexicon.lookalikes`) that an
    acoustic filler event overlaps (within ``tolerance_s``) spelled as that event's filler ("um" or "uh"), so that
    :func:`fuse_fillers` takes it for an ASR filler the acoustic event confirms.

    Whisper writes a hesitation it does not take for one as the nearest interjection or letter; the look-alike
    alone is too weak a sign (a talk may say "oh"), the acoustic event alone keeps only long confident sounds,
    and the two together are a filler: it then counts as one and is left out of the pace like one."""
    lex = lexicon or load_lexicon()

    def heard(w: Word) -> Filler | None:
        return next(
            (e for e in acoustic if _overlap(w.start_s, w.end_s, e.start_s, e.end_s) > -settings.tolerance_s), None
        )

    reread: list[Word] = []
    for w in words:
        event = heard(w) if lex.is_filler_lookalike(w.text) else None
        reread.append(replace(w, text=event.text) if event is not None else w)
    return reread


def fuse_fillers(
    asr: Sequence[Filler],
    acoustic: Sequence[Filler],
    lexical_words: Sequence[Word] = (),
    settings: FusionSettings = FusionSettings(),
    gate: Callable[[Filler], bool] | None = None,
) -> list[Filler]:
    """One filler list, sorted by start time.

    - An ASR filler that overlaps an acoustic event becomes ``source="both"`` (ASR word and times, the higher
      confidence); one acoustic event may confirm several ASR fillers.
    - An ASR filler without acoustic support stays ``source="asr"`` if it lasts ``min_asr_duration_s``.
    - An acoustic event that confirms no ASR filler is kept as ``source="acoustic"`` (its "um"/"uh" guess) when
      its confidence reaches ``min_acoustic_confidence``, it lasts ``min_acoustic_duration_s`` and recognised
      non-filler words (``lexical_words``) do not cover ``max_lexical_overlap`` of it, and ``gate`` (when
      given: "is this a voice at a word boundary?", :mod:`inference.speech.filler_gate`) accepts it.
    """
    tol = settings.tolerance_s
    used_acoustic: set[int] = set()
    fused: list[Filler] = []
    for filler in asr:
        support = [
            i
            for i, event in enumerate(acoustic)
            if _overlap(filler.start_s, filler.end_s, event.start_s, event.end_s) > -tol
        ]
        used_acoustic.update(support)
        if support:
            confidence = max([filler.confidence] + [acoustic[i].confidence for i in support])
            fused.append(Filler(filler.text, filler.start_s, filler.end_s, "both", confidence))
        elif filler.end_s - filler.start_s >= settings.min_asr_duration_s:
            fused.append(Filler(filler.text, filler.start_s, filler.end_s, "asr", filler.confidence))
    for i, event in enumerate(acoustic):
        if (
            i not in used_acoustic
            and _keep_acoustic_only(event, lexical_words, settings)
            and (gate is None or gate(event))
        ):
            fused.append(Filler(event.text, event.start_s, event.end_s, "acoustic", event.confidence))
    return sorted(fused, key=lambda f: (f.start_s, f.end_s))


def _keep_acoustic_only(event: Filler, lexical_words: Sequence[Word], settings: FusionSettings) -> bool:
    duration = event.end_s - event.start_s
    if event.confidence < settings.min_acoustic_confidence or duration < settings.min_acoustic_duration_s:
        return False
    covered = sum(max(0.0, _overlap(event.start_s, event.end_s, w.start_s, w.end_s)) for w in lexical_words)
    return covered / max(duration, 1e-9) < settings.max_lexical_overlap
