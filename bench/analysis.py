"""Post-hoc analysis benchmark: a generated talk with video, per-stage time as a fraction of real time, peak RSS.

The talk is espeak-ng speech (several voices, rates, fillers, pauses, light noise) muxed with a video of a
real photo that sways, rocks and leaves the frame once (VP8 + Opus WebM, like a browser recording). The
analysis runs with the job defaults in a fresh spawned process (as in an analysis worker), so the first run
includes model loading; ``--warm`` adds a second run in the same process with the models kept.

    nice .venv/bin/python bench/analysis.py                 # 5-minute talk, default options
    .venv/bin/python bench/analysis.py --duration 60 --options '{"pose_variant": "lite"}'
    nice .venv/bin/python bench/analysis.py --memory 120,600,1800 [--speech]   # peak RSS vs duration

``--memory`` analyses audio-only files of each duration (a quiet tone then faint noise, or with ``--speech`` a
talk of generated speech repeated to length) in a fresh process each and prints its peak RSS next to the peak
RSS of a process that only decodes the whole file at once (what analysis did before it streamed).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.generators.speech import corpus
from tests.generators.video import VideoScript, sway_keyframes, write_video

SAMPLE_RATE = 16_000
TARGET_RTF = 0.25
STAGE_ORDER = ("probe", "decode_audio", "voice", "transcribe", "acoustic_fillers", "body")


def generate_talk(path: Path, duration_s: float, fps: float, seed: int = 0) -> Path:
    """Write a ``duration_s`` talk with video to ``path`` (reused when it already exists)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    pieces: list[np.ndarray] = []
    total = 0
    gap = np.zeros(int(0.6 * SAMPLE_RATE), np.float32)
    for item in corpus(10_000, seed=seed, snrs_db=(None, 30.0), n_sentences=4):
        pieces += [item.clip.samples.astype(np.float32), gap]
        total += len(item.clip.samples) + len(gap)
        if total >= duration_s * SAMPLE_RATE:
            break
    audio = np.concatenate(pieces)[: int(duration_s * SAMPLE_RATE)]
    script = VideoScript(
        duration_s=duration_s,
        fps=fps,
        x_offset_px=sway_keyframes(40.0, 7.0, duration_s, step_s=0.5),
        tilt_deg=sway_keyframes(6.0, 11.0, duration_s, step_s=0.5),
        absent=((duration_s * 0.6, duration_s * 0.6 + 8.0),),
    )
    partial = path.with_suffix(".partial.webm")
    write_video(partial, script, audio=audio, sample_rate=SAMPLE_RATE)
    partial.replace(path)
    return path


def memory_audio(path: Path, duration_s: float, speech: bool) -> Path:
    """An audio-only WAV of ``duration_s`` (reused when it exists): generated speech looped, or tone + noise."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = int(duration_s * SAMPLE_RATE)
    if speech:
        talk = np.concatenate([item.clip.samples.astype(np.float32) for item in corpus(12, seed=3, n_sentences=3)])
        audio = np.resize(talk, samples)
    else:
        t = np.arange(samples) / SAMPLE_RATE
        noise = np.random.default_rng(0).standard_normal(samples) * 0.0005
        audio = np.where(t < duration_s / 2, 0.001 * np.sin(2 * np.pi * 440 * t), noise)
    partial = path.with_suffix(".partial.wav")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    partial.replace(path)
    return path


def _peak_rss_of(target: Any, *args: Any) -> dict[str, Any]:
    """Run ``target(*args, queue)`` in a spawned process; what it puts, with its own peak RSS (MiB)."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    if proc.exitcode != 0:
        raise SystemExit(f"process exited with {proc.exitcode}")
    return result


def _analyse_audio(path: str, models_dir: str, out: Any) -> None:
    from media.offline.analyze import AnalysisOptions, analyze_report

    started = time.perf_counter()
    report = analyze_report(path, Path(models_dir), AnalysisOptions(body=False))
    words = report.speech.word_count if report.speech else 0
    out.put({"wall_s": time.perf_counter() - started, "words": words, "peak_rss_mib": _self_peak_mib()})


def _decode_whole(path: str, out: Any) -> None:
    from media.offline.decode import decode_audio, probe

    samples = decode_audio(probe(path))
    out.put({"samples": len(samples), "peak_rss_mib": _self_peak_mib()})


def _self_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_table(durations: list[float], models_dir: Path, cache_dir: Path, speech: bool) -> str:
    """Peak RSS of the analysis and of a whole-file decode, per duration, as a Markdown table."""
    kind = "speech" if speech else "tone+noise"
    lines = [
        f"| audio ({kind}) | analysis peak RSS MiB | analysis s | words | whole-file decode alone, peak RSS MiB |",
        "|---:|---:|---:|---:|---:|",
    ]
    for duration in durations:
        path = memory_audio(cache_dir / f"memory_{duration:.0f}s_{kind.replace('+', '_')}.wav", duration, speech)
        run = _peak_rss_of(_analyse_audio, str(path), str(models_dir))
        whole = _peak_rss_of(_decode_whole, str(path))
        lines.append(
            f"| {duration / 60:.0f} min | {run['peak_rss_mib']:.0f} | {run['wall_s']:.0f} | {run['words']} | "
            f"{whole['peak_rss_mib']:.0f} |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def _analyse(path: str, models_dir: str, options: dict[str, Any], warm: bool, out: Any) -> None:
    from media.offline.analyze import AnalysisModels, AnalysisOptions, analyze_file

    parsed = AnalysisOptions(**options)
    models = AnalysisModels(Path(models_dir), parsed)
    runs = []
    for _ in range(2 if warm else 1):
        started = time.perf_counter()
        report = analyze_file(path, Path(models_dir), parsed, models=models)
        runs.append(
            {"wall_s": time.perf_counter() - started, "timing": report["timing"], "warnings": report["warnings"]}
        )
    out.put({"runs": runs, "duration_s": report["duration_s"]})


def run_analysis(path: Path, models_dir: Path, options: dict[str, Any], warm: bool) -> dict[str, Any]:
    """Analyse in a spawned child; returns its timings and peak RSS (MiB)."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_analyse, args=(str(path), str(models_dir), options, warm, queue))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    if proc.exitcode != 0:
        raise SystemExit(f"analysis process exited with {proc.exitcode}")
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def table(run: dict[str, Any], duration_s: float) -> list[tuple[str, float, float]]:
    """(stage, seconds, fraction of real time) rows, with model loading and overhead as ``other``."""
    stages: dict[str, float] = run["timing"]["stages_s"]
    rows = [(name, stages[name], stages[name] / duration_s) for name in STAGE_ORDER if name in stages]
    rows += [(name, s, s / duration_s) for name, s in stages.items() if name not in STAGE_ORDER]
    other = run["wall_s"] - sum(s for _, s, _ in rows)
    rows.append(("other (model loading, overhead)", other, other / duration_s))
    rows.append(("total", run["wall_s"], run["wall_s"] / duration_s))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300.0, help="talk length in seconds")
    parser.add_argument("--fps", type=float, default=15.0, help="frame rate of the generated video")
    parser.add_argument("--models-dir", type=Path, default=Path("var/models"))
    parser.add_argument("--options", default="{}", help="AnalysisOptions overrides as JSON")
    parser.add_argument("--cache-dir", type=Path, default=Path("var/bench"), help="where the generated talk is kept")
    parser.add_argument("--warm", action="store_true", help="also time a second run with the models loaded")
    parser.add_argument("--json", action="store_true", help="print the raw result as JSON")
    parser.add_argument("--memory", help="durations in seconds, e.g. 120,600,1800: peak RSS vs duration instead")
    parser.add_argument("--speech", action="store_true", help="with --memory: looped generated speech")
    args = parser.parse_args()
    if args.memory:
        durations = [float(x) for x in args.memory.split(",") if x.strip()]
        print(memory_table(durations, args.models_dir, args.cache_dir, args.speech))
        return 0

    path = args.cache_dir / f"talk_{args.duration:.0f}s_{args.fps:.0f}fps.webm"
    started = time.perf_counter()
    generate_talk(path, args.duration, args.fps)
    generated_s = time.perf_counter() - started
    result = run_analysis(path, args.models_dir, json.loads(args.options), args.warm)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    duration = float(result["duration_s"])
    print(f"talk: {path} ({duration:.0f} s, {args.fps:.0f} fps video; generated or loaded in {generated_s:.0f} s)")
    print(f"options: {args.options}; cores: {multiprocessing.cpu_count()}")
    for index, run in enumerate(result["runs"]):
        print(f"\n{'cold (includes model loading)' if index == 0 else 'warm (models kept)'}:")
        print(f"| {'stage':<32} | {'seconds':>8} | {'× real time':>11} |")
        print(f"|{'-' * 34}|{'-' * 10}|{'-' * 13}|")
        for name, seconds, rtf in table(run, duration):
            print(f"| {name:<32} | {seconds:8.1f} | {rtf:11.3f} |")
        if run["warnings"]:
            print("warnings:", "; ".join(run["warnings"]))
    print(f"\npeak RSS of the analysis process: {result['peak_rss_mib']:.0f} MiB")
    for label, run in zip(("cold", "warm"), result["runs"], strict=False):
        rtf = run["wall_s"] / duration
        verdict = "meets" if rtf <= TARGET_RTF else "misses"
        print(f"{label}: {rtf:.3f}× real time — {verdict} the target of {TARGET_RTF}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
