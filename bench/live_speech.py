"""Live speech benchmark: how soon after a word is spoken its ``speech`` feedback reaches the publisher.

One session at a time, all in this process and inside a private network namespace (re-executes itself under
``unshare -n`` when started outside one; needs root): a :class:`~media.session_registry.LiveSessionRegistry`
with the Whisper speech worker built exactly as the server builds it (``server.live.speech_factory``, in a
spawned worker), and an aiortc publisher streaming a generated speech clip
(:mod:`inference.training.speech_synth`: espeak-ng with known word times) in real time, optionally with a
640×480 VP8 video track and the pose worker running as in a real session. The video is encoded once before
streaming and relayed packet by packet, as a browser on the speaker's own machine would send it, so the two cores
measured are the server's.

For every spoken word that comes back in a ``speech`` message (matched to the script by text, in order),
latency = receive time on the publisher − (stream start + the word's true end time in the clip). The stream
start is when the publisher produced the clip's first audio frame, so the whole path counts: Opus encode,
network, jitter buffer, VAD segmentation, queueing, Whisper and the data channel. Words count when they are
*committed* (two successive interim transcripts agree, or the utterance's final transcript has them); the
uncommitted ``interim`` text is not counted. The breakdown splits each latency into *word end → end of the audio
whose transcript committed it* (waiting for more audio: the next interim pass, or the end of the utterance) and
*audio end → received* (queueing, Whisper, send). ``--interim-step 0`` is the old behaviour: one transcript per
VAD utterance. Word times inside a phrase are spread by word length (phrase edges are exact), so per-word truth
is ±0.1 s.

    python -m bench.live_speech                                 # 2 clips × ~30 s, audio only and with pose
    python -m bench.live_speech --clips 1 --seconds 15 --pose none --interim-step 0.3,0
    python -m bench.live_speech --pose lite --asr-slowdown 1,2.5      # as if Whisper ran 2.5× slower

Target (issue 4): word-level feedback ≤ 1.5 s after the word is spoken, on 2 cores with one session.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import difflib
import fractions
import itertools
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np
from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription

TARGET_S = 1.5
AUDIO_RATE = 48_000
PTIME_S = 0.02
VIDEO_FPS = 15
VIDEO_CLOCK = 90_000
DRAIN_IDLE_S = 8.0
DRAIN_MAX_S = 30.0

SENTENCES = (
    "good morning everyone and thank you for coming today",
    "i want to walk you through the results of our last quarter",
    "our team shipped three new features that customers asked for",
    "the biggest change was the redesign of the checkout page",
    "sales grew faster than we expected in the northern region",
    "next we will look at the plan for the coming year",
    "hiring is our main priority for the engineering group",
    "we need to improve how we onboard new customers",
    "let me show you a few examples from real users",
    "this chart compares the old process with the new one",
    "most people finished the task in half the time",
    "please send me your questions after the meeting",
)
VOICES = (("en-us", 160), ("en-gb", 140), ("en-us+f3", 180), ("en-gb-scotland", 150))


@dataclass(frozen=True)
class HeardWord:
    """One word of a received ``speech`` message."""

    text: str
    start_s: float
    end_s: float
    utterance_end_s: float
    received: float
    final: bool


@dataclass
class ClipRun:
    """Measurements of one streamed clip."""

    spoken: int
    heard: int
    latencies: list[float] = field(default_factory=list)
    wait_for_cut: list[float] = field(default_factory=list)
    after_cut: list[float] = field(default_factory=list)
    clock_offsets: list[float] = field(default_factory=list)
    by_final: list[bool] = field(default_factory=list)
    asr_seconds: float = 0.0
    asr_calls: float = 0.0
    utterances: int = 0
    utterances_dropped: int = 0
    interim_transcripts: int = 0
    utterance_lengths: list[float] = field(default_factory=list)
    messages: int = 0


def norm(word: str) -> str:
    """Lower-case letters, digits and apostrophes only."""
    return re.sub(r"[^a-z0-9']", "", word.lower())


def make_script(index: int, target_s: float, rate_wpm: int) -> list[Any]:
    """Sentences (split in two phrases each) until about ``target_s`` of speech, a pause after every third."""
    from inference.training.speech_synth import Pause, Phrase

    rng = np.random.default_rng(index)
    words_needed = int(target_s * rate_wpm / 60)
    segments: list[Any] = []
    count = 0
    for n, i in enumerate(rng.permutation(len(SENTENCES))):
        words = SENTENCES[i].split()
        cut = int(rng.integers(2, len(words) - 1))
        segments += [Phrase(" ".join(words[:cut])), Phrase(" ".join(words[cut:]))]
        if n % 3 == 2:
            segments.append(Pause(round(float(rng.uniform(0.8, 1.6)), 2)))
        count += len(words)
        if count >= words_needed:
            break
    return segments


def match_words(truth: Sequence[tuple[str, float]], heard: Sequence[HeardWord]) -> list[tuple[int, int]]:
    """Pairs ``(truth index, heard index)`` of the longest in-order matching of normalised words."""
    a = [norm(t) for t, _ in truth]
    b = [norm(h.text) for h in heard]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(blk.a + k, blk.b + k) for blk in matcher.get_matching_blocks() for k in range(blk.size)]


def heard_words(messages: Sequence[tuple[float, dict[str, Any]]]) -> list[HeardWord]:
    """Words of all ``speech`` messages in arrival order."""
    out = []
    for received, msg in messages:
        if msg.get("type") != "speech":
            continue
        for text, start, end in msg.get("words") or []:
            if norm(text):
                out.append(
                    HeardWord(text, float(start), float(end), float(msg["end_s"]), received, bool(msg.get("final")))
                )
    return out


def score_clip(
    truth: Sequence[tuple[str, float]], messages: Sequence[tuple[float, dict[str, Any]]], stream_start: float
) -> ClipRun:
    """Latency of every recognised word; ``truth`` is ``(word, true end time in the clip)`` in spoken order."""
    heard = heard_words(messages)
    pairs = match_words(truth, heard)
    run = ClipRun(spoken=len(truth), heard=len(pairs), messages=sum(m.get("type") == "speech" for _, m in messages))
    for ti, hi in pairs:
        word_end = truth[ti][1]
        h = heard[hi]
        run.latencies.append(h.received - (stream_start + word_end))
        run.by_final.append(h.final)
        run.clock_offsets.append(h.end_s - word_end)
        run.wait_for_cut.append(h.utterance_end_s - h.end_s)
        run.after_cut.append(h.received - stream_start - h.utterance_end_s)
    return run


class ClipTrack(MediaStreamTrack):
    """An audio track playing ``pcm`` (48 kHz int16 mono) once in real time, then silence."""

    kind = "audio"

    def __init__(self, pcm: np.ndarray) -> None:
        super().__init__()
        self.pcm = pcm
        self.step = int(AUDIO_RATE * PTIME_S)
        self.start: float | None = None
        self.pts = 0
        self.finished = asyncio.Event()

    async def recv(self) -> av.AudioFrame:
        # As a microphone does, a frame leaves once its last sample is captured (``start``: the first sample's
        # capture), so "sent" for the end of a frame is when it was really sent, not one frame earlier.
        if self.start is None:
            self.start = time.monotonic()
        else:
            self.pts += self.step
        delay = self.start + (self.pts + self.step) / AUDIO_RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        chunk = self.pcm[self.pts : self.pts + self.step]
        if len(chunk) < self.step:
            self.finished.set()
            chunk = np.concatenate([chunk, np.zeros(self.step - len(chunk), np.int16)])
        frame = av.AudioFrame.from_ndarray(chunk[None, :], format="s16", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = AUDIO_RATE, self.pts, fractions.Fraction(1, AUDIO_RATE)
        return frame


VIDEO_LOOP_FRAMES = 2 * VIDEO_FPS


def encode_photo_loop(frames: int = VIDEO_LOOP_FRAMES) -> list[av.Packet]:
    """VP8 packets of the 640×480 test photo with fresh sensor noise in every frame, a keyframe first."""
    from tests.generators.video import VideoScript, render_frame

    script = VideoScript(noise_std=2.0)
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = 640, 480, "yuv420p"
    codec.time_base, codec.bit_rate = fractions.Fraction(1, VIDEO_CLOCK), 1_000_000
    packets: list[av.Packet] = []
    for i in range(frames):
        image = render_frame(script, script.truth_at(i / VIDEO_FPS))
        frame = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")
        frame.pts, frame.time_base = i * (VIDEO_CLOCK // VIDEO_FPS), codec.time_base
        packets += codec.encode(frame)
    packets += codec.encode(None)
    return packets


class PhotoTrack(MediaStreamTrack):
    """A 640×480 VP8 track of the real test photo at :data:`VIDEO_FPS` (gives the server decoding and the pose
    worker real work).

    The packets are encoded once before streaming and relayed in a loop (aiortc sends an ``av.Packet`` without
    re-encoding), so the publisher costs the server's two cores nothing a browser on the speaker's own machine
    would not.
    """

    kind = "video"

    def __init__(self, packets: Sequence[av.Packet]) -> None:
        super().__init__()
        self.packets = packets
        self.start: float | None = None
        self.index = 0

    async def recv(self) -> av.Packet:  # type: ignore[override]
        step = VIDEO_CLOCK // VIDEO_FPS
        if self.start is None:
            self.start = time.monotonic()
        else:
            self.index += 1
            delay = self.start + self.index * step / VIDEO_CLOCK - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        packet = self.packets[self.index % len(self.packets)]
        relay = av.Packet(bytes(packet))
        relay.pts, relay.time_base = self.index * step, fractions.Fraction(1, VIDEO_CLOCK)
        return relay


class BenchPublisher:
    """A sendonly aiortc peer with the clip (and optionally video) and a ``feedback`` data channel."""

    def __init__(self, pcm: np.ndarray, video: Sequence[av.Packet] | None) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.audio = ClipTrack(pcm)
        self.pc.addTransceiver(self.audio, direction="sendonly")
        if video is not None:
            self.pc.addTransceiver(PhotoTrack(video), direction="sendonly")
        self.messages: list[tuple[float, dict[str, Any]]] = []
        self.message_arrived = asyncio.Event()
        self.connected = asyncio.Event()
        channel = self.pc.createDataChannel("feedback")
        channel.on("message", self._on_message)
        self.pc.on("connectionstatechange", self._on_state)

    def _on_state(self) -> None:
        if self.pc.connectionState == "connected":
            self.connected.set()

    def _on_message(self, data: str | bytes) -> None:
        self.messages.append((time.monotonic(), json.loads(data)))
        self.message_arrived.set()

    async def offer(self) -> str:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return str(self.pc.localDescription.sdp)

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    async def drain(self) -> None:
        """Wait until the clip has been sent and no message arrived for :data:`DRAIN_IDLE_S`."""
        await self.audio.finished.wait()
        deadline = time.monotonic() + DRAIN_MAX_S
        while time.monotonic() < deadline:
            self.message_arrived.clear()
            try:
                await asyncio.wait_for(self.message_arrived.wait(), DRAIN_IDLE_S)
            except TimeoutError:
                return


def to_pcm48(samples16k: np.ndarray) -> np.ndarray:
    """16 kHz float32 → 48 kHz int16."""
    from scipy.signal import resample_poly

    up = resample_poly(samples16k.astype(np.float64), 3, 1)
    return np.clip(np.round(up * 32767), -32768, 32767).astype(np.int16)


@dataclass(frozen=True)
class Clip:
    """A generated clip ready to stream."""

    pcm48: np.ndarray
    samples16k: np.ndarray
    truth: tuple[tuple[str, float], ...]
    duration_s: float
    label: str


def make_clips(n: int, seconds: float) -> list[Clip]:
    """``n`` clips of about ``seconds`` each, cycling through voices and rates."""
    from inference.training.speech_synth import SynthVoice, synthesize

    clips = []
    for i in range(n):
        voice, rate = VOICES[i % len(VOICES)]
        synth = synthesize(make_script(i, seconds, rate), SynthVoice(voice, rate))
        truth = tuple((w.text, w.end_s) for w in synth.truth.words)
        clips.append(Clip(to_pcm48(synth.samples), synth.samples, truth, synth.truth.duration_s, f"{voice} {rate} wpm"))
    return clips


async def run_config(
    clips: Sequence[Clip],
    max_utterance_s: float,
    interim_step_s: float,
    pose_model: Path | None,
    models_dir: Path,
    out: Path,
    verbose: bool = False,
    asr_slowdown: float = 1.0,
) -> list[ClipRun]:
    """Stream every clip through one registry (one session at a time) and score it. With ``asr_slowdown`` > 1
    every ASR call is held back until it has taken that many times as long, as on a slower machine."""
    from media.config import MediaConfig
    from media.session_registry import LiveSessionRegistry
    from media.workers import MediaWorkers
    from server.live import speech_factory
    from server.settings import Settings

    config = MediaConfig(
        pose_model_path=pose_model,
        recordings_dir=out,
        no_media_timeout_s=30,
        voice_max_utterance_s=max_utterance_s,
        speech_interim_step_s=interim_step_s,
    )
    factory = speech_factory(Settings(models_dir=models_dir))
    if factory is None:
        raise SystemExit(f"no Whisper model under {models_dir}: run `podium models`")
    workers = MediaWorkers(config, factory)
    if asr_slowdown > 1.0:
        workers.transcribe = slowed(workers.transcribe, asr_slowdown)  # type: ignore[method-assign]
    await workers.warm_up()
    registry = LiveSessionRegistry(config, workers)
    video = encode_photo_loop() if pose_model is not None else None
    runs = []
    try:
        for i, clip in enumerate(clips):
            publisher = BenchPublisher(clip.pcm48, video=video)
            asr_before = asr_call_totals()
            sid = f"bench-{i}"
            session = await registry.start(sid, await publisher.offer())
            assert session.answer_sdp is not None
            await publisher.accept(session.answer_sdp)
            await asyncio.wait_for(publisher.connected.wait(), 15)
            await asyncio.wait_for(publisher.drain(), clip.duration_s + DRAIN_MAX_S + 30)
            await registry.close(sid, "bench_done")
            await publisher.pc.close()
            assert publisher.audio.start is not None
            run = score_clip(clip.truth, publisher.messages, publisher.audio.start)
            if verbose:
                print_messages(clip, publisher.messages, publisher.audio.start)
                print(f"  stats: {vars(session.stats) | {'latencies': None}}")
            run.utterances = session.stats.utterances
            run.utterances_dropped = session.stats.utterances_dropped
            run.interim_transcripts = session.stats.interim_transcripts
            run.utterance_lengths = [m["end_s"] - m["t_s"] for _, m in publisher.messages if m.get("type") == "speech"]
            run.asr_seconds, run.asr_calls = (a - b for a, b in zip(asr_call_totals(), asr_before, strict=True))
            print(
                json.dumps(
                    {
                        "clip": clip.label,
                        "max_utterance_s": max_utterance_s,
                        "interim_step_s": interim_step_s,
                        "pose": str(pose_model),
                        "spoken": run.spoken,
                        "heard": run.heard,
                        "latency_p50": _p(run.latencies, 50),
                    }
                ),
                flush=True,
            )
            runs.append(run)
    finally:
        workers.shutdown()
    return runs


def slowed(transcribe: Any, factor: float, clock: Any = time.monotonic) -> Any:
    """``transcribe`` made ``factor`` times slower: its result is held back for ``factor - 1`` times its time."""

    async def call(utterance: Any) -> Any:
        started = clock()
        words = await transcribe(utterance)
        await asyncio.sleep((factor - 1.0) * (clock() - started))
        return words

    return call


def asr_call_totals() -> tuple[float, float]:
    """Seconds spent in and number of live ASR calls so far (``podium_asr_seconds``, both kinds)."""
    from prometheus_client import REGISTRY

    def total(suffix: str) -> float:
        return sum(
            REGISTRY.get_sample_value(f"podium_asr_seconds_{suffix}", {"kind": k}) or 0.0 for k in ("interim", "final")
        )

    return total("sum"), total("count")


def whisper_alone(
    clip: Clip, models_dir: Path, lengths: Sequence[float] = (1.0, 3.0, 6.0), repeats: int = 3
) -> dict[float, float]:
    """Median seconds one ``transcribe`` call of the server's live ASR takes, per utterance length."""
    from inference.speech.types import SAMPLE_RATE, Utterance
    from server.live import speech_factory
    from server.settings import Settings

    factory = speech_factory(Settings(models_dir=models_dir))
    assert factory is not None
    analyzer = factory()
    start = round(0.3 * SAMPLE_RATE)
    analyzer.transcribe(Utterance(0.0, clip.samples16k[start : start + SAMPLE_RATE]))
    out = {}
    for length in lengths:
        utterance = Utterance(0.3, clip.samples16k[start : start + round(length * SAMPLE_RATE)])
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            analyzer.transcribe(utterance)
            times.append(time.perf_counter() - t)
        out[length] = float(np.median(times))
    return out


def print_messages(clip: Clip, messages: Sequence[tuple[float, dict[str, Any]]], stream_start: float) -> None:
    """Each ``speech`` message: arrival (s since stream start), utterance span, text; then the script."""
    for received, msg in messages:
        if msg.get("type") == "speech":
            print(
                f"  +{received - stream_start:6.2f}s  utt {msg['t_s']:6.2f}-{msg['end_s']:6.2f}  {msg['text']}"
                f"  [{msg.get('interim', '')}]"
            )
    print("  truth: " + " ".join(f"{w}@{end:.2f}" for w, end in clip.truth))


def _p(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def summarize(name: str, runs: Sequence[ClipRun]) -> dict[str, Any]:
    """Pooled numbers of one configuration."""
    lat = [x for r in runs for x in r.latencies]
    wait = [x for r in runs for x in r.wait_for_cut]
    after = [x for r in runs for x in r.after_cut]
    final = [f for r in runs for f in r.by_final]
    lat_final = [x for x, f in zip(lat, final, strict=True) if f]
    lat_interim = [x for x, f in zip(lat, final, strict=True) if not f]
    return {
        "config": name,
        "clips": len(runs),
        "spoken": sum(r.spoken for r in runs),
        "heard": sum(r.heard for r in runs),
        "p50": _p(lat, 50),
        "p95": _p(lat, 95),
        "max": max(lat, default=float("nan")),
        "within_target": float(np.mean(np.array(lat) <= TARGET_S)) if lat else float("nan"),
        "wait_p50": _p(wait, 50),
        "wait_p95": _p(wait, 95),
        "after_p50": _p(after, 50),
        "after_p95": _p(after, 95),
        "final_share": float(np.mean(final)) if final else float("nan"),
        "final_p50": _p(lat_final, 50),
        "final_p95": _p(lat_final, 95),
        "interim_p50": _p(lat_interim, 50),
        "interim_p95": _p(lat_interim, 95),
        "utterance_mean_s": float(np.mean([x for r in runs for x in r.utterance_lengths] or [float("nan")])),
        "utterances": sum(r.utterances for r in runs),
        "dropped": sum(r.utterances_dropped for r in runs),
        "interim": sum(r.interim_transcripts for r in runs),
        "clock_offset_p50": _p([x for r in runs for x in r.clock_offsets], 50),
        "asr_call_mean_s": sum(r.asr_seconds for r in runs) / max(1.0, sum(r.asr_calls for r in runs)),
    }


def markdown(rows: Sequence[dict[str, Any]], load: tuple[str, str], audio_s: float) -> str:
    """The latency table and the breakdown table."""
    out = [
        f"one session at a time, {audio_s:.0f} s of generated speech per configuration; "
        f"load average at start {load[0]}, at end {load[1]} (2 cores)",
        "",
        f"| configuration | words recognised / spoken | p50 s | p95 s | max s | ≤ {TARGET_S:g} s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['config']} | {r['heard']} / {r['spoken']} | {r['p50']:.2f} | {r['p95']:.2f} | {r['max']:.2f} | "
            f"{100 * r['within_target']:.0f} % |"
        )
    out += [
        "",
        "| configuration | word end → audio end p50 / p95 s | audio end → received p50 / p95 s |"
        " audio per transcript mean s | ASR call mean s | utterances (dropped) | interim transcripts |"
        " committed by final transcript: share, p50 / p95 s | by interim: p50 / p95 s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['config']} | {r['wait_p50']:.2f} / {r['wait_p95']:.2f} | {r['after_p50']:.2f} / "
            f"{r['after_p95']:.2f} | {r['utterance_mean_s']:.2f} | {r['asr_call_mean_s']:.2f} | "
            f"{r['utterances']} ({r['dropped']}) | "
            f"{r['interim']} | {100 * r['final_share']:.0f} %, {r['final_p50']:.2f} / {r['final_p95']:.2f} | "
            f"{r['interim_p50']:.2f} / {r['interim_p95']:.2f} |"
        )
    return "\n".join(out)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main_async(args: argparse.Namespace) -> None:
    from inference.assets.pose_models import bundle_path
    from inference.assets.whisper_model import is_whisper_model_ready, whisper_model_dir

    if not is_whisper_model_ready(whisper_model_dir(args.models_dir)):
        raise SystemExit(f"Whisper model missing under {args.models_dir} (run `podium models`)")
    clips = make_clips(args.clips, args.seconds)
    out = Path(tempfile.mkdtemp(prefix="podium-bench-speech-"))
    load_start = _load()
    rows = []
    for pose in args.pose.split(","):
        model = None if pose == "none" else bundle_path(pose, args.models_dir)  # type: ignore[arg-type]
        if model is not None and not model.is_file():
            raise SystemExit(f"pose model {model} missing (run `podium models`)")
        for max_utt in (float(x) for x in args.max_utterance.split(",")):
            for step, slowdown in itertools.product(
                (float(x) for x in args.interim_step.split(",")), (float(x) for x in args.asr_slowdown.split(","))
            ):
                name = f"{pose}-{max_utt:g}-{step:g}-{slowdown:g}"
                runs = await run_config(
                    clips, max_utt, step, model, args.models_dir, out / name, args.verbose, slowdown
                )
                video = "audio only" if model is None else f"audio + video, pose {pose}"
                interim = f"interim every {step:g} s" if step > 0 else "no interim"
                slower = f", ASR calls × {slowdown:g}" if slowdown > 1 else ""
                rows.append(summarize(f"{video}, utterances ≤ {max_utt:g} s, {interim}{slower}", runs))
                print(json.dumps(rows[-1]), flush=True)
    whisper = whisper_alone(clips[0], args.models_dir)
    print()
    print(markdown(rows, (load_start, _load()), sum(c.duration_s for c in clips)))
    print(
        "\nWhisper base alone, one `transcribe` call of the live worker's analyser (2 threads, median of 3): "
        + ", ".join(f"{length:g} s utterance {secs:.2f} s" for length, secs in whisper.items())
    )
    if args.json is not None:
        args.json.write_text(json.dumps({"rows": rows, "whisper_alone_s": whisper}, indent=1))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", type=int, default=2, help="clips per configuration")
    parser.add_argument("--seconds", type=float, default=30.0, help="speech per clip (about)")
    parser.add_argument("--pose", default="none,lite", help="comma list: none (audio only) or a pose model")
    parser.add_argument("--max-utterance", default="6", help="comma list of MediaConfig.voice_max_utterance_s")
    parser.add_argument("--interim-step", default="0.3", help="comma list of MediaConfig.speech_interim_step_s")
    parser.add_argument(
        "--asr-slowdown",
        default="1",
        help="comma list: hold every ASR call back to this many times its time (a slower machine's Whisper)",
    )
    parser.add_argument("--models-dir", type=Path, default=Path("var/models"))
    parser.add_argument("--json", type=Path, default=None, help="also write the summary rows here")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every speech message")
    args = parser.parse_args(argv)
    if os.environ.get("PODIUM_BENCH_NETNS") != "1":
        os.environ["PODIUM_BENCH_NETNS"] = "1"
        script = 'ip link set lo up && ip addr add 10.99.0.1/32 dev lo && exec "$@"'
        argv_ = [sys.executable, "-m", "bench.live_speech", *sys.argv[1:]]
        os.execvp("unshare", ["unshare", "-n", "sh", "-c", script, "sh", *argv_])
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
