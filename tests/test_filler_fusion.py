"""Fusion of ASR-rule fillers with acoustic-model fillers."""

from __future__ import annotations

from inference.speech.filler_fusion import FusionSettings, fuse_fillers, reread_lookalikes
from inference.speech.fillers_rule import find_fillers, is_filler_word
from inference.speech.types import Filler, Word
from tests.test_fillers_rule import words_of


def asr(text: str, start: float, end: float) -> Filler:
    return Filler(text, start, end, "asr")


def ac(start: float, end: float, confidence: float, text: str = "um") -> Filler:
    return Filler(text, start, end, "acoustic", confidence)


def test_overlap_becomes_both_with_asr_word_and_times() -> None:
    (fused,) = fuse_fillers([asr("uhm", 1.0, 1.4)], [ac(0.9, 1.5, 0.7, "um")])
    assert fused == Filler("uhm", 1.0, 1.4, "both", 1.0)


def test_low_confidence_acoustic_event_still_confirms_asr_filler() -> None:
    (fused,) = fuse_fillers([asr("uh", 2.0, 2.3)], [ac(2.2, 2.6, 0.3)])
    assert fused.source == "both"


def test_near_miss_within_tolerance_counts_as_overlap() -> None:
    settings = FusionSettings(tolerance_s=0.15)
    assert fuse_fillers([asr("um", 1.0, 1.2)], [ac(1.3, 1.6, 0.9)], settings=settings)[0].source == "both"
    far = fuse_fillers([asr("um", 1.0, 1.2)], [ac(1.5, 2.0, 0.95)], settings=settings)
    assert [f.source for f in far] == ["asr", "acoustic"]


def test_acoustic_only_needs_confidence() -> None:
    fused = fuse_fillers([], [ac(0.5, 1.0, 0.95, "uh"), ac(3.0, 3.5, 0.85)])
    assert fused == [Filler("uh", 0.5, 1.0, "acoustic", 0.95)]
    assert fuse_fillers([], [ac(3.0, 3.5, 0.6)], settings=FusionSettings(min_acoustic_confidence=0.5))


def test_short_acoustic_only_event_is_dropped_but_still_confirms_an_asr_filler() -> None:
    assert fuse_fillers([], [ac(1.0, 1.3, 0.999)]) == []
    assert [f.source for f in fuse_fillers([asr("uh", 1.0, 1.2)], [ac(1.0, 1.3, 0.999)])] == ["both"]
    relaxed = FusionSettings(min_acoustic_duration_s=0.3)
    assert [f.start_s for f in fuse_fillers([], [ac(1.0, 1.3, 0.999)], settings=relaxed)] == [1.0]


def test_acoustic_event_over_a_recognised_word_is_kept_unless_the_overlap_check_is_on() -> None:
    words = [Word("error", 1.0, 1.5), Word("here", 1.6, 1.9)]
    assert [f.start_s for f in fuse_fillers([], [ac(1.0, 1.5, 0.99, "uh")], words)] == [1.0]
    strict = FusionSettings(max_lexical_overlap=0.5)
    assert fuse_fillers([], [ac(1.0, 1.5, 0.99, "uh")], words, strict) == []
    kept = fuse_fillers([], [ac(2.0, 2.5, 0.99, "uh")], words, strict)
    assert [f.start_s for f in kept] == [2.0]


def test_one_acoustic_event_confirms_adjacent_asr_fillers_and_is_not_repeated() -> None:
    fused = fuse_fillers([asr("um", 1.0, 1.3), asr("uh", 1.35, 1.6)], [ac(1.0, 1.6, 0.99)])
    assert [(f.text, f.source) for f in fused] == [("um", "both"), ("uh", "both")]


def test_empty_inputs_and_sorting() -> None:
    assert fuse_fillers([], []) == []
    fused = fuse_fillers([asr("hmm", 5.0, 5.5)], [ac(1.0, 1.5, 0.9), ac(9.0, 9.6, 0.99)])
    assert [f.start_s for f in fused] == [1.0, 5.0, 9.0]
    assert [f.source for f in fused] == ["acoustic", "asr", "acoustic"]


def test_zero_length_asr_filler_needs_acoustic_support() -> None:
    assert fuse_fillers([asr("hmm", 47.16, 47.16)], []) == []
    assert [f.source for f in fuse_fillers([asr("hmm", 47.16, 47.16)], [ac(47.0, 47.3, 0.6)])] == ["both"]
    assert [f.source for f in fuse_fillers([asr("um", 3.0, 3.3)], [])] == ["asr"]


def test_a_lookalike_the_acoustic_detector_hears_as_a_filler_becomes_one_and_leaves_the_pace() -> None:
    # Whisper writes a drawn-out "ah" as "R," and an "um" as "oh": with an acoustic event on them they are fillers.
    ws = words_of("the results R, were oh good Oh, thanks")
    events = [Filler("uh", 0.75, 1.2, "acoustic", 0.7), Filler("um", 1.6, 2.1, "acoustic", 0.95)]
    reread = reread_lookalikes(ws, events)
    assert [w.text for w in reread] == ["the", "results", "uh", "were", "um", "good", "Oh,", "thanks"]
    assert [(w.start_s, w.end_s) for w in reread] == [(w.start_s, w.end_s) for w in ws]
    assert [f.text for f in find_fillers(reread)] == ["uh", "um"]
    assert not any(is_filler_word(w) for w in (reread[6], reread[7])), "an 'oh' with no acoustic event stays a word"


def test_an_acoustic_event_on_a_real_word_does_not_make_it_a_filler() -> None:
    ws = words_of("our results are good")
    events = [Filler("uh", 0.0, 1.6, "acoustic", 1.0)]
    assert [w.text for w in reread_lookalikes(ws, events)] == ["our", "results", "are", "good"]
