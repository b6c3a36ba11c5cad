"""Whisper assembly from the PyPI part packages, and the real model on short generated clips (offline)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pytest

from inference.asr.loops import looks_like_a_loop, loop_free_prefix
from inference.asr.whisper import (
    WhisperSpeechAnalyzer,
    check_model_dir,
    encoder_window_frames,
    resolve_compute_type,
    transcribe_file_samples,
)
from inference.asr.worker import init_asr_worker, transcribe_in_worker
from inference.assets.whisper_model import (
    MODEL_BIN_SIZE,
    is_whisper_model_ready,
    prepare_whisper_model,
)
from inference.speech.types import Utterance, Word
from server.live import speech_factory
from server.settings import Settings
from tests.generators.speech import as_utterance, speech_clip

FILLERS = {"um", "uh", "umm", "uhh", "uh-huh", "hmm", "er", "ah"}


def norm(text: str) -> str:
    return text.strip(".,!?;:\"'").lower()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_whisper_model(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def asr(model_dir: Path) -> WhisperSpeechAnalyzer:
    return WhisperSpeechAnalyzer(model_dir, cpu_threads=2)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts


def test_assembly_is_complete_and_idempotent(model_dir: Path) -> None:
    assert (model_dir / "model.bin").stat().st_size == MODEL_BIN_SIZE
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in model_dir.iterdir()}
    assert is_whisper_model_ready(model_dir)
    before = (model_dir / "model.bin").stat().st_mtime_ns
    assert prepare_whisper_model(model_dir.parent) == model_dir
    assert (model_dir / "model.bin").stat().st_mtime_ns == before
    assert not [p for p in model_dir.parent.iterdir() if p.name.startswith(".")]


def test_a_truncated_model_is_rebuilt(tmp_path: Path) -> None:
    target = tmp_path / "whisper-base"
    target.mkdir()
    (target / "model.bin").write_bytes(b"\0" * 1000)
    assert not is_whisper_model_ready(target)
    assert prepare_whisper_model(tmp_path) == target
    assert (target / "model.bin").stat().st_size == MODEL_BIN_SIZE


def test_missing_model_dir_is_an_error_not_a_download(tmp_path: Path, no_network: list[object]) -> None:
    with pytest.raises(FileNotFoundError, match="podium models"):
        WhisperSpeechAnalyzer("base")
    with pytest.raises(FileNotFoundError):
        check_model_dir(tmp_path)
    assert no_network == []


def test_compute_type_defaults() -> None:
    assert resolve_compute_type("auto", "cpu") == "int8"
    assert resolve_compute_type("auto", "cuda") == "float16"
    assert resolve_compute_type("float32", "cpu") == "float32"


@pytest.mark.slow
def test_real_model_finds_words_and_fillers_offline(model_dir: Path, no_network: list[object]) -> None:
    asr = WhisperSpeechAnalyzer(model_dir, cpu_threads=2, short_window_min_s=None)
    assert asr.compute_type == "int8"
    clip = speech_clip()
    words = asr.transcribe(as_utterance(clip, start_s=100.0))
    texts = [norm(w.text) for w in words]
    for expected in ("morning", "everyone", "today", "talk", "sales", "results", "year", "region"):
        assert expected in texts, texts
    assert FILLERS & set(texts), texts
    assert all(isinstance(w, Word) and 100.0 <= w.start_s <= w.end_s for w in words)
    assert words[-1].end_s <= 100.0 + clip.truth.duration_s + 0.5
    sales = next(w for w in words if norm(w.text) == "sales")
    true_sales = next(t for t in clip.truth.words if t.text == "sales")
    assert sales.start_s - 100.0 == pytest.approx(true_sales.start_s, abs=0.6)
    assert no_network == []
    assert os.environ.get("HF_HUB_OFFLINE") == "1"


def test_encoder_window_fits_the_utterance_within_bounds() -> None:
    assert encoder_window_frames(2.0, min_window_s=5.0, pad_s=1.0) == 500
    assert encoder_window_frames(6.2, min_window_s=5.0, pad_s=1.0) == 720
    assert encoder_window_frames(40.0, min_window_s=5.0, pad_s=1.0) == 3000


def test_runaway_repetition_is_recognised_and_ordinary_speech_is_not() -> None:
    def ws(text: str) -> list[Word]:
        return [Word(t, 0.1 * i, 0.1 * i + 0.1) for i, t in enumerate(text.split())]

    assert looks_like_a_loop(ws("goat mourning everyone! " * 5), duration_s=6.0)
    assert looks_like_a_loop(ws("one two three four five six seven eight nine ten"), duration_s=1.0)
    assert not looks_like_a_loop(ws("good morning everyone and thank you for coming today"), duration_s=3.0)
    assert not looks_like_a_loop(ws("thank you thank you"), duration_s=2.0)


def test_a_loop_is_cut_where_the_text_starts_repeating() -> None:
    def ws(text: str) -> list[Word]:
        return [Word(t, 0.1 * i, 0.1 * i + 0.1) for i, t in enumerate(text.split())]

    def texts(words: list[Word]) -> str:
        return " ".join(w.text for w in words)

    assert texts(loop_free_prefix(ws("Team ship 3 -0 each. Team ship 3 -0 each. Team ship"))) == "Team ship 3 -0 each."
    assert texts(loop_free_prefix(ws("so 0 0 0 0 0 0"))) == "so 0"
    assert texts(loop_free_prefix(ws("thank you, thank you all"))) == "thank you, thank you all"
    assert loop_free_prefix([]) == []


@pytest.mark.slow
def test_a_looping_interim_pass_is_cut_and_a_looping_final_pass_is_redone_in_the_full_window(
    asr: WhisperSpeechAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = [Word(t, 0.2 * i, 0.2 * i + 0.1) for i, t in enumerate(("we ship it. " * 5).split())]
    clip = speech_clip("Good morning everyone, thank you for coming today.")
    spy = EncoderSpy(asr._model.model)
    monkeypatch.setattr(asr._model, "model", spy)
    real = asr.transcribe_samples
    calls: list[int | None] = []

    def looping_when_short(samples: np.ndarray, offset_s: float = 0.0, **kw: object) -> list[Word]:
        calls.append(asr._model.encode_frames)
        return loop if asr._model.encode_frames is not None else real(samples, offset_s)

    monkeypatch.setattr(asr, "transcribe_samples", looping_when_short)
    utterance = as_utterance(clip)
    interim = asr.transcribe(Utterance(utterance.start_s, utterance.samples, partial=True))
    assert [w.text for w in interim] == ["we", "ship", "it."]
    assert len(calls) == 1
    final = [norm(w.text) for w in asr.transcribe(utterance)]
    assert calls[1:] == [calls[0], None]
    assert "morning" in final and "we" not in final
    assert spy.frames[-1] == 3000


class EncoderSpy:
    """Wraps the CTranslate2 model to record the mel frames each ``encode`` call receives."""

    def __init__(self, model: object) -> None:
        self._model = model
        self.frames: list[int] = []

    def encode(self, features: object, *args: object, **kwargs: object) -> object:
        self.frames.append(int(features.shape[-1]))  # type: ignore[attr-defined]
        return self._model.encode(features, *args, **kwargs)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._model, name)


@pytest.mark.slow
def test_the_live_worker_encodes_utterances_in_a_short_window_and_keeps_fillers(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = speech_factory(Settings(models_dir=model_dir.parent))
    assert factory is not None
    live_asr = factory()
    assert isinstance(live_asr, WhisperSpeechAnalyzer)
    clip = speech_clip("Good morning everyone, {um} thank you for coming today.")
    spy = EncoderSpy(live_asr._model.model)
    monkeypatch.setattr(live_asr._model, "model", spy)
    live = [norm(w.text) for w in live_asr.transcribe(as_utterance(clip))]
    post_hoc = [norm(w.text) for w in transcribe_file_samples(clip.samples, analyzer=live_asr)]
    assert spy.frames == [encoder_window_frames(clip.truth.duration_s, 5.0, 1.0), 3000], spy.frames
    for word in ("morning", "everyone", "thank", "coming", "today"):
        assert word in live, live
    assert FILLERS & set(live), live
    assert [w for w in live if w not in FILLERS] == [w for w in post_hoc if w not in FILLERS]


@pytest.mark.slow
def test_silence_gives_no_words(asr: WhisperSpeechAnalyzer) -> None:
    assert asr.transcribe(Utterance(0.0, np.zeros(100, np.float32))) == []


@pytest.mark.slow
def test_long_file_keeps_fillers_after_the_first_window_and_reports_progress(asr: WhisperSpeechAnalyzer) -> None:
    clip = speech_clip("So {um} this is the first part of the talk.")
    gap = np.zeros(16000 * 27, np.float32)
    samples = np.concatenate([clip.samples, gap, clip.samples])
    seen: list[float] = []
    words = transcribe_file_samples(samples, analyzer=asr, progress=seen.append)
    second = [norm(w.text) for w in words if w.start_s > 28.0]
    assert "first" in second and "talk" in second, second
    assert FILLERS & set(second), second
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


@pytest.mark.slow
def test_worker_entry_points_in_a_spawned_process(model_dir: Path) -> None:
    clip = speech_clip("Thank you all for coming today.")
    ctx = get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=init_asr_worker, initargs=(str(model_dir),)) as pool:
        words = pool.submit(transcribe_in_worker, as_utterance(clip, 5.0)).result(timeout=120)
    texts = [norm(w.text) for w in words]
    assert "thank" in texts and "coming" in texts, texts
    assert words[0].start_s >= 5.0
