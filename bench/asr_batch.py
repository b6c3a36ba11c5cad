"""Is one batched CTranslate2 Whisper call for several sessions' windows cheaper than one call each?

Loads Whisper base as the live worker does (int8 on CPU, 2 threads; float16 on CUDA), takes ``--batch`` windows
of generated speech fitted as the live ASR fits them (``encoder_window_frames``: length + 1 s, at least 5 s),
and times, median of ``--repeats``: the encoder alone and encoder + greedy decoding, once per window in turn
versus all windows in one call (``ctranslate2.models.Whisper.encode`` / ``generate`` on a batch); and the whole
live path as the speech worker runs it (the analyser ``server.live.speech_factory`` builds: prompt, word
timestamps, guards), ``WhisperSpeechAnalyzer.transcribe`` once per utterance versus one ``transcribe_batch``.

    python -m bench.asr_batch --batch 1,2,4,8 [--seconds 3] [--device auto] [--clock wall|cpu]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
"""``wall``: elapsed seconds (latency on an idle machine); ``cpu``: this process's CPU seconds, all threads (what
a pass costs the machine, and far steadier than wall time on a loaded one)."""
_clock = CLOCKS["wall"]


def _median_s(fn: Callable[[], Any], repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t = _clock()
        fn()
        times.append(_clock() - t)
    return statistics.median(times)


def _encode(model: Any, windows: Sequence[np.ndarray]) -> Any:
    import ctranslate2

    return model.encode(ctranslate2.StorageView.from_array(np.stack(windows)), to_cpu=False)


def _encode_each(model: Any, windows: Sequence[np.ndarray]) -> None:
    for w in windows:
        _encode(model, [w])


def _decode(model: Any, windows: Sequence[np.ndarray], prompt: list[int]) -> Any:
    return model.generate(_encode(model, windows), [prompt] * len(windows), beam_size=1, max_length=64)


def _decode_each(model: Any, windows: Sequence[np.ndarray], prompt: list[int]) -> None:
    for w in windows:
        _decode(model, [w], prompt)


def measure(
    models_dir: Path, batches: Sequence[int], seconds: float, repeats: int, device: str
) -> list[dict[str, Any]]:
    """Seconds per configuration: ``sequential`` (one call per window) and ``batched`` (one call)."""
    from faster_whisper import WhisperModel

    from bench.live_speech import make_clips
    from inference.asr.whisper import encoder_window_frames, resolve_compute_type, resolve_device
    from inference.assets.whisper_model import whisper_model_dir
    from inference.speech.types import SAMPLE_RATE

    dev = resolve_device(device)  # type: ignore[arg-type]
    model = WhisperModel(
        str(whisper_model_dir(models_dir)),
        device=dev,
        compute_type=resolve_compute_type("auto", dev),
        cpu_threads=2,
        local_files_only=True,
    )
    frames = encoder_window_frames(seconds, 5.0, 1.0)
    clips = make_clips(max(batches), seconds + 1.0)
    feats = []
    for clip in clips:
        mel = model.feature_extractor(clip.samples16k[: round(seconds * SAMPLE_RATE)], padding=30 * SAMPLE_RATE)
        feats.append(np.ascontiguousarray(mel[:, :frames], dtype=np.float32))
    tok = model.hf_tokenizer
    prompt = [tok.token_to_id(t) for t in ("<|startoftranscript|>", "<|en|>", "<|transcribe|>", "<|notimestamps|>")]
    rows = []
    for b in batches:
        windows = feats[:b]
        row = {
            "batch": b,
            "encode_sequential_s": _median_s(functools.partial(_encode_each, model.model, windows), repeats),
            "encode_batched_s": _median_s(functools.partial(_encode, model.model, windows), repeats),
            "pass_sequential_s": _median_s(functools.partial(_decode_each, model.model, windows, prompt), repeats),
            "pass_batched_s": _median_s(functools.partial(_decode, model.model, windows, prompt), repeats),
        }
        print(row, flush=True)
        rows.append(row)
    return rows


def _each(analyzer: Any, utterances: Sequence[Any]) -> None:
    for u in utterances:
        analyzer.transcribe(u)


def measure_live(models_dir: Path, batches: Sequence[int], seconds: float, repeats: int) -> list[dict[str, Any]]:
    """Seconds of the live analyser's ``transcribe`` once per utterance and of one ``transcribe_batch``."""
    from bench.live_speech import make_clips
    from inference.speech.types import SAMPLE_RATE, Utterance
    from server.live import speech_factory
    from server.settings import Settings

    factory = speech_factory(Settings(models_dir=models_dir))
    if factory is None:
        raise SystemExit(f"Whisper missing under {models_dir}: run `podium models`")
    analyzer: Any = factory()
    clips = make_clips(max(batches), seconds + 1.0)
    utterances = [
        Utterance(10.0 * i, clip.samples16k[: round(seconds * SAMPLE_RATE)].astype(np.float32))
        for i, clip in enumerate(clips)
    ]
    rows = []
    for b in batches:
        batch = utterances[:b]
        row = {
            "batch": b,
            "live_sequential_s": _median_s(functools.partial(_each, analyzer, batch), repeats),
            "live_batched_s": _median_s(functools.partial(analyzer.transcribe_batch, batch), repeats),
        }
        print(row, flush=True)
        rows.append(row)
    return rows


def markdown(rows: Sequence[dict[str, Any]], seconds: float, device: str, clock: str = "wall") -> str:
    out = [
        f"Whisper base on {device}, windows of {seconds:g} s speech (encoder window fitted as live), median {clock}"
        " seconds",
        "",
        "| windows | encode: one call each / one batched call | encode + greedy decode: one each / batched |"
        " live path (`transcribe` each / `transcribe_batch`) |",
        "|---:|---|---|---|",
    ]
    for r in rows:
        live = f"{r['live_sequential_s']:.3f} / {r['live_batched_s']:.3f}" if "live_batched_s" in r else "–"
        out.append(
            f"| {r['batch']} | {r['encode_sequential_s']:.3f} / {r['encode_batched_s']:.3f} | "
            f"{r['pass_sequential_s']:.3f} / {r['pass_batched_s']:.3f} | {live} |"
        )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", default="1,2,4", help="comma list of windows per call")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--models-dir", type=Path, default=Path("var/models").resolve())
    parser.add_argument("--no-live", action="store_true", help="skip the live analyser's path")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="what a call's time is")
    args = parser.parse_args(argv)
    global _clock
    _clock = CLOCKS[args.clock]
    batches = [int(b) for b in args.batch.split(",")]
    rows = measure(args.models_dir, batches, args.seconds, args.repeats, args.device)
    if not args.no_live:
        live = measure_live(args.models_dir, batches, args.seconds, args.repeats)
        rows = [{**r, **extra} for r, extra in zip(rows, live, strict=True)]
    print(markdown(rows, args.seconds, args.device, args.clock))


if __name__ == "__main__":
    main()
