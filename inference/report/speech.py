"""The ``speech`` section of a report (written by :func:`media.offline.speech.build_speech_section`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from inference.report.base import Part


class Span(Part):
    """A stretch of the recording, in media seconds."""

    start_s: float
    end_s: float


class Pause(Span):
    """A pause inside the talk; ``duration_s`` is filled in from the edges when a stored report lacks it."""

    duration_s: float

    @model_validator(mode="before")
    @classmethod
    def _fill_duration(cls, data: Any) -> Any:
        if isinstance(data, dict) and "duration_s" not in data and {"start_s", "end_s"} <= set(data):
            return {**data, "duration_s": round(float(data["end_s"]) - float(data["start_s"]), 3)}
        return data


class TimedText(Span):
    """A word or phrase at a time: lexical fillers ("like", "you know") and hedges ("I think")."""

    text: str


class Word(TimedText):
    """One recognised word; ``filler`` marks non-lexical fillers (um, uh), which pace does not count."""

    probability: float | None = None
    filler: bool = False


class Filler(TimedText):
    """A filler sound, found by the ASR, the acoustic CNN or both."""

    source: Literal["asr", "acoustic", "both"] = "asr"
    confidence: float | None = None


class RepeatedPhrase(Part):
    """A phrase said several times, with where each repetition starts."""

    phrase: str
    count: int
    starts_s: list[float] = Field(default_factory=list)


class FillerStats(Part):
    count: int = 0
    per_minute: float | None = None
    percent_of_words: float | None = None
    by_text: dict[str, int] = Field(default_factory=dict)
    by_source: dict[str, int] = Field(default_factory=dict)
    acoustic_detector: bool | None = Field(None, description="whether the acoustic filler CNN ran")


class PauseStats(Part):
    count: int = 0
    total_s: float | None = None
    mean_s: float | None = None
    longest_s: float | None = None
    per_minute: float | None = None


class VolumeStats(Part):
    """Speech loudness over the voiced frames."""

    level_dbfs: float | None = None
    median_dbfs: float | None = None
    p90_dbfs: float | None = None
    variation_db: float | None = None
    clipped_ratio: float | None = None
    too_quiet: bool | None = None
    too_loud: bool | None = None
    flat: bool | None = None
    erratic: bool | None = None


class SpeechWindow(Span):
    """One timeline window (10 s by default) of the speech measures."""

    word_count: int = 0
    wpm: float | None = None
    volume_dbfs: float | None = None
    pitch_hz: float | None = None
    pitch_variation_st: float | None = None
    speech_ratio: float | None = None


class Speech(Part):
    """Pace, words, fillers, pauses, volume, pitch and their timeline; null values were not measurable."""

    wpm: float | None = Field(None, description="non-filler words per minute from the first to the last word")
    word_count: int = Field(0, description="non-filler words")
    speaking_time_s: float | None = None
    transcript: str = ""
    words: list[Word] = Field(default_factory=list)
    fillers: list[Filler] = Field(default_factory=list)
    filler_stats: FillerStats = Field(default_factory=FillerStats)
    lexical_fillers: list[TimedText] = Field(default_factory=list)
    hedges: list[TimedText] = Field(default_factory=list)
    repeated_phrases: list[RepeatedPhrase] = Field(default_factory=list)
    unrecognised_speech: list[Span] = Field(
        default_factory=list,
        description="stretches the voice detector heard as speech but no word was recognised in, even when "
        "decoded again on their own; left out of the pace",
    )
    pauses: list[Pause] = Field(default_factory=list)
    pause_stats: PauseStats | None = None
    long_silences: list[Span] = Field(default_factory=list)
    volume_dbfs: float | None = None
    volume: VolumeStats | None = None
    pitch_hz: float | None = None
    pitch_variation_st: float | None = None
    monotone: bool | None = None
    speech_ratio: float | None = None
    timeline: list[SpeechWindow] = Field(default_factory=list)
