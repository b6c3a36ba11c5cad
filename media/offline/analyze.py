"""Analyse a recorded talk post hoc: ``analyze_report(path) -> Report`` (the typed, versioned report of
:mod:`inference.report`); ``analyze_file(path)`` returns the same report as a JSON-ready dict.

The function is synchronous, loads models lazily and keeps them in an :class:`AnalysisModels` object, so a
CLI runs it once while a worker process (process pool, Celery) keeps one :class:`AnalysisModels` per process
via :func:`worker_models` and calls :func:`analyze_report` per job. It imports TensorFlow (acoustic filler
model), torch and MediaPipe when the corresponding stage runs: never call it in the server/media process that
runs aiortc (its OpenSSL symbols crash DTLS) — run it in a worker or the CLI.
"""

from __future__ import annotations

import importlib.metadata
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from inference.report.body import Body
from inference.report.model import SCHEMA_VERSION, Generator, ModelInfo, Report, Source, Timing
from inference.report.speech import Speech
from inference.report.upgrade import dump_report
from inference.speech.filler_fusion import FusionSettings
from media.offline.audio_windows import WindowPlan
from media.offline.body import BodyOptions, BodyReportBuilder
from media.offline.decode import MediaInfo, iter_audio, iter_video_frames, probe
from media.offline.errors import ModelsMissing
from media.offline.model_choice import chosen_weights
from media.offline.provenance import weights_info, whisper_info
from media.offline.speech import SpeechOptions, build_speech_section
from media.offline.speech_stream import (
    SpeechStages,
    StageClock,
    acoustic_detector,
    stream_speech,
    whisper_transcriber,
)

__all__ = ["SCHEMA_VERSION", "AnalysisModels", "AnalysisOptions", "analyze_file", "analyze_report", "worker_models"]

DEFAULT_MODELS_DIR = Path("var/models")
MIN_SPEECH_FOR_ASR_S = 0.5
"""Below this much VAD speech the file is treated as having no speech (Whisper only hallucinates there)."""

ProgressCallback = Callable[[str, float], None]
"""Called with the current stage name and the overall fraction done (0.0 to 1.0)."""

log = logging.getLogger(__name__)


class AnalysisOptions(BaseModel):
    """What to analyse and how. Defaults suit a CPU-only machine."""

    model_config = ConfigDict(frozen=True)

    speech: bool = True
    body: bool = True
    acoustic_fillers: bool = True
    body_classifier: bool = True
    body_fps: float = Field(5.0, gt=0, le=30)
    max_width: int = Field(640, ge=64)
    pose_variant: Literal["lite", "full", "heavy"] = "full"
    whisper_dir: Path | None = None
    """A CTranslate2 Whisper directory; default ``<models_dir>/whisper-base``."""
    beam_size: int = Field(5, ge=1)
    temperature: tuple[float, ...] = Field(
        (0.0,),
        min_length=1,
        description="Whisper decoding temperatures; more than one lets a failed decode fall back to sampling.",
    )
    cpu_threads: int = Field(2, ge=1)
    device: Literal["auto", "cpu", "cuda"] = "auto"
    body_timeline_hz: float = Field(2.0, gt=0)
    speech_timeline_window_s: float = Field(10.0, gt=0)
    min_pause_s: float = Field(1.0, gt=0)
    allow_truncated: bool = False
    audio_window_s: float = Field(
        300.0, ge=30, description="Audio analysed at once (ASR, filler detector); bounds memory whatever the duration."
    )
    audio_overlap_s: float = Field(5.0, ge=0, le=10, description="Audio shared by consecutive windows.")
    min_acoustic_filler_confidence: float = Field(
        FusionSettings().min_acoustic_confidence,
        ge=0,
        le=1,
        description="Acoustic-only filler events below this confidence are dropped.",
    )


class AnalysisModels:
    """Lazily loaded models for one process; reuse it across files to pay the loading cost once."""

    def __init__(self, models_dir: Path = DEFAULT_MODELS_DIR, options: AnalysisOptions | None = None) -> None:
        self.models_dir = Path(models_dir)
        self.options = options or AnalysisOptions()
        self._whisper: Any = None
        self._acoustic: Any = None
        self._acoustic_tried = False
        self._classifier: Any = None
        self._classifier_tried = False
        self.warnings: list[str] = []
        self.infos: dict[str, ModelInfo] = {}
        """Provenance of each model loaded so far (name → :class:`ModelInfo`, weights hashed once)."""

    @property
    def whisper_dir(self) -> Path:
        return self.options.whisper_dir or self.models_dir / "whisper-base"

    def whisper(self) -> Any:
        """The :class:`~inference.asr.whisper.WhisperSpeechAnalyzer` (raises :class:`ModelsMissing`)."""
        if self._whisper is None:
            from inference.asr.whisper import WhisperSpeechAnalyzer

            try:
                self._whisper = WhisperSpeechAnalyzer(
                    self.whisper_dir,
                    device=self.options.device,
                    beam_size=self.options.beam_size,
                    cpu_threads=self.options.cpu_threads,
                    temperature=self.options.temperature,
                )
            except FileNotFoundError as exc:
                raise ModelsMissing(str(exc)) from exc
            w = self._whisper
            self.infos["whisper"] = whisper_info(w.model_dir, f"{w.compute_type}, {w.device}, beam {w.beam_size}")
        return self._whisper

    def acoustic(self) -> Any | None:
        """The Keras acoustic filler detector, or None (with a warning) when its weights are missing."""
        if not self._acoustic_tried:
            self._acoustic_tried = True
            try:
                from inference.speech.filler_acoustic import AcousticFillerDetector

                path, info = chosen_weights("filler_cnn", self.models_dir)
                self._acoustic = AcousticFillerDetector.load(path, threads=self.options.cpu_threads)
                self.infos["filler_cnn"] = info
            except (ImportError, FileNotFoundError, OSError, ValueError) as exc:
                self.warnings.append(f"acoustic filler detector unavailable: {exc}")
        return self._acoustic

    def pose_estimator(self) -> Any:
        """A fresh MediaPipe estimator in VIDEO mode (one per file: it tracks across frames), with a second pass on
        each tilted frame leveled by the first (:mod:`inference.pose.refine`: large tilts otherwise read short)."""
        from inference.assets.pose_models import bundle_path
        from inference.pose.refine import two_pass_mediapipe

        path = bundle_path(self.options.pose_variant, self.models_dir)
        try:
            estimator = two_pass_mediapipe(path)
        except FileNotFoundError as exc:
            raise ModelsMissing(str(exc)) from exc
        self.infos["pose"] = weights_info("pose", path, "mediapipe, video mode, second pass on the leveled frame")
        return estimator

    def classifier(self) -> Any | None:
        """The PyTorch posture/gesture classifier, or None (with a warning) when its weights are missing."""
        if not self._classifier_tried:
            self._classifier_tried = True
            try:
                from inference.body.classifier import BodyClassifier

                device = "cpu" if self.options.device == "cpu" else "auto"
                path, info = chosen_weights("body_classifier", self.models_dir)
                self._classifier = BodyClassifier.load(path, device=device, num_threads=self.options.cpu_threads)
                self.infos["body_classifier"] = info
            except (ImportError, FileNotFoundError, OSError, RuntimeError, KeyError) as exc:
                self.warnings.append(f"posture/gesture classifier unavailable: {exc}")
        return self._classifier


_WORKER_MODELS: dict[tuple[Path, AnalysisOptions], AnalysisModels] = {}


def worker_models(models_dir: Path = DEFAULT_MODELS_DIR, options: AnalysisOptions | None = None) -> AnalysisModels:
    """This process's shared :class:`AnalysisModels` for ``(models_dir, options)`` (for worker processes)."""
    key = (Path(models_dir).resolve(), options or AnalysisOptions())
    if key not in _WORKER_MODELS:
        _WORKER_MODELS[key] = AnalysisModels(key[0], key[1])
    return _WORKER_MODELS[key]


class _Progress:
    """Maps per-stage fractions onto one overall fraction using rough relative stage costs."""

    def __init__(self, callback: ProgressCallback | None, weights: dict[str, float]) -> None:
        self._callback = callback
        total = sum(weights.values()) or 1.0
        self._spans: dict[str, tuple[float, float]] = {}
        acc = 0.0
        for stage, w in weights.items():
            self._spans[stage] = (acc / total, (acc + w) / total)
            acc += w
        self.timings: dict[str, float] = {}
        self._started: dict[str, float] = {}

    def stage(self, name: str) -> Callable[[float], None]:
        self._started[name] = time.perf_counter()
        lo, hi = self._spans.get(name, (0.0, 0.0))

        def report(fraction: float) -> None:
            if self._callback is not None:
                self._callback(name, lo + (hi - lo) * min(max(fraction, 0.0), 1.0))

        report(0.0)
        return report

    def done(self, name: str) -> None:
        self.timings[name] = round(time.perf_counter() - self._started.get(name, time.perf_counter()), 3)
        if self._callback is not None:
            self._callback(name, self._spans.get(name, (0.0, 0.0))[1])


def _stage_weights(info: MediaInfo, options: AnalysisOptions) -> dict[str, float]:
    weights: dict[str, float] = {"probe": 0.01}
    duration = max(info.duration_s, 1e-3)
    if options.speech and info.has_audio:
        weights |= {"decode_audio": 0.005 * duration, "voice": 0.003 * duration, "transcribe": 0.09 * duration}
        if options.acoustic_fillers:
            weights["acoustic_fillers"] = 0.01 * duration
    if options.body and info.has_video:
        weights["body"] = 0.03 * options.body_fps * duration
    return weights


def _package_version() -> str:
    try:
        return importlib.metadata.version("podium")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def analyze_file(
    path: Path | str,
    models_dir: Path = DEFAULT_MODELS_DIR,
    options: AnalysisOptions | None = None,
    progress: ProgressCallback | None = None,
    *,
    models: AnalysisModels | None = None,
    info: MediaInfo | None = None,
) -> dict[str, Any]:
    """:func:`analyze_report` as the JSON-ready dict (what ``podium analyze --json`` prints)."""
    return dump_report(analyze_report(path, models_dir, options, progress, models=models, info=info))


def analyze_report(
    path: Path | str,
    models_dir: Path = DEFAULT_MODELS_DIR,
    options: AnalysisOptions | None = None,
    progress: ProgressCallback | None = None,
    *,
    models: AnalysisModels | None = None,
    info: MediaInfo | None = None,
) -> Report:
    """Analyse one audio or video file and return the :class:`~inference.report.model.Report` (not yet scored).

    Raises :class:`~media.offline.errors.MediaFileError` subclasses for unreadable files and
    :class:`ModelsMissing` when a required model has not been prepared. Pass ``info`` from an earlier
    :func:`~media.offline.decode.probe` to skip the second scan. Optional models (acoustic filler
    detector, body classifier) that are missing only add a line to ``warnings``. ``models`` lists the
    models that produced the report, with the SHA-256 of their weights.
    """
    options = options or (models.options if models is not None else AnalysisOptions())
    models = models or AnalysisModels(models_dir, options)
    started = time.perf_counter()
    info = info or probe(path, allow_truncated=options.allow_truncated)
    tracker = _Progress(progress, _stage_weights(info, options))
    tracker.stage("probe")
    tracker.done("probe")
    warnings_before = len(models.warnings)
    speech: Speech | None = None
    body: Body | None = None
    used: list[ModelInfo] = []
    if options.speech and info.has_audio:
        speech, speech_models = _analyze_speech(info, options, models, tracker)
        used += speech_models
    if options.body and info.has_video:
        body, body_models = _analyze_body(info, options, models, tracker)
        used += body_models
    elapsed = time.perf_counter() - started
    report = Report(
        schema_version=SCHEMA_VERSION,
        generator=Generator(name="podium", version=_package_version()),
        source=Source.model_validate({"file": Path(path).name, **info.to_dict()}),
        duration_s=round(info.duration_s, 3),
        has_audio=info.has_audio,
        has_video=info.has_video,
        speech=speech,
        body=body,
        models=used,
        timing=Timing(
            analysis_s=round(elapsed, 3),
            real_time_factor=round(elapsed / info.duration_s, 4) if info.duration_s > 0 else None,
            stages_s=tracker.timings,
        ),
        warnings=models.warnings[warnings_before:],
    )
    if progress is not None:
        progress("done", 1.0)
    return report


def _analyze_speech(
    info: MediaInfo, options: AnalysisOptions, models: AnalysisModels, tracker: _Progress
) -> tuple[Speech, list[ModelInfo]]:
    """Audio decoded as a stream and analysed window by window (:mod:`media.offline.speech_stream`), so memory
    does not grow with the duration beyond the per-frame voice measures and the words."""
    speech_options = SpeechOptions(
        timeline_window_s=options.speech_timeline_window_s,
        min_pause_s=options.min_pause_s,
        fusion=FusionSettings(min_acoustic_confidence=options.min_acoustic_filler_confidence),
    )
    whisper = models.whisper()
    used = [models.infos["whisper"]]
    detector = models.acoustic() if options.acoustic_fillers else None
    if detector is not None:
        used.append(models.infos["filler_cnn"])
    report_fraction = tracker.stage("transcribe")
    stages = SpeechStages(
        transcribe=whisper_transcriber(whisper, MIN_SPEECH_FOR_ASR_S),
        detect=acoustic_detector(detector) if detector is not None else None,
        on_window=lambda window: report_fraction(window.end_s / max(info.duration_s, 1e-6)),
    )
    clock = StageClock()
    plan = WindowPlan(options.audio_window_s, options.audio_overlap_s)
    streamed = stream_speech(iter_audio(info), stages, plan, speech_options, clock)
    tracker.done("transcribe")
    stage_names = ["decode_audio", "voice", "transcribe"] + (["acoustic_fillers"] if options.acoustic_fillers else [])
    tracker.timings |= {name: round(clock.seconds.get(name, 0.0), 3) for name in stage_names}
    duration = max(info.duration_s, streamed.samples / 16_000)
    section = build_speech_section(streamed.words, streamed.acoustic, streamed.voice, duration, speech_options)
    return Speech.model_validate(section), used


def _analyze_body(
    info: MediaInfo, options: AnalysisOptions, models: AnalysisModels, tracker: _Progress
) -> tuple[Body, list[ModelInfo]]:
    estimator = models.pose_estimator()
    used = [models.infos["pose"]]
    classifier = models.classifier() if options.body_classifier else None
    if classifier is not None:
        used.append(models.infos["body_classifier"])
    builder = BodyReportBuilder(classifier, BodyOptions(timeline_hz=options.body_timeline_hz))
    report_fraction = tracker.stage("body")
    try:
        for sample in iter_video_frames(info, options.body_fps, options.max_width, report_fraction):
            builder.add(estimator.estimate(sample.rgb, sample.t_s))
    finally:
        estimator.close()
    tracker.done("body")
    return Body.model_validate(builder.build(info.duration_s)), used
