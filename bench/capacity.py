"""Live capacity benchmark: K speaking sessions with video at once, latency measured at the publisher.

One media plane built exactly as ``podium serve`` builds it on its defaults (``server.live.media_config`` and
``server.live.speech_factory`` from default :class:`~server.settings.Settings`: the same spawned pose and speech
worker processes), in this process and inside a private network namespace (re-executes itself under
``unshare -n``; needs root). K independent aiortc publishers each relay a generated talk
(:func:`bench.live_speech.make_clips`: espeak-ng speech with known word times, Opus) and pre-encoded 640×480 VP8
(:func:`bench.live_speech.encode_photo_loop`, relayed without re-encoding), all feedback types on.

Latency is taken at the publisher, on the one monotonic clock of this process:

* voice: receive time − the moment the publisher sent the end of the analysed audio (``t_s`` is the end of
  the analysed window in media time; media time 0 is the publisher's first audio frame);
* pose: receive time − the moment the publisher sent the analysed video frame;
* words: receive time − the word's true end in the clip (:func:`bench.live_speech.score_clip`).

So aiortc's jitter buffers count, as they do for a real user. Each voice/pose latency is split into stages from
timestamps recorded in the server's own code paths: *arrival* (publisher send → the frame reaches the pipeline:
network, jitter buffer, decode), *analysis* (→ message offered to the feedback scheduler: sampler wait, pose
worker or voice DSP), *queue* (→ sent on the data channel: scheduler budget) and *send* (→ received by the
publisher: SCTP). Words split into *wait for audio* (word end → end of the audio whose transcript committed
it) and *ASR + send* (the rest: queueing for the speech worker, Whisper, data channel).

Pipelines (``--modes``, side by side in one run):

* ``current``: today's defaults;
* ``baseline``: the previous pipeline by settings: one shared 10 messages/s feedback budget, every session's
  Whisper passes sent to the speech worker first come first served at a fixed 0.3 s interim cadence, the
  speech worker at normal CPU priority;
* ``unbatched``: today's defaults but one Whisper call per pass (``speech_batch_max=1``: no batching of several
  sessions' passes into one call).

Usage::

    python -m bench.capacity -k 1,2,4,8 [--seconds 30] [--modes baseline,current] [--json out.json]

Each publisher is a process of its own (relaying pre-encoded media costs little, but it shares the two
cores); "server CPU" is the server process's CPU plus its worker processes'.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import dataclasses
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np

from bench.live import proc_cpu_s, proc_rss_mb
from bench.live_speech import (
    DRAIN_MAX_S,
    BenchPublisher,
    Clip,
    PhotoTrack,
    encode_photo_loop,
    make_clips,
    score_clip,
)

STAGES = ("arrival", "analysis", "queue", "send")
MODES = ("baseline", "current", "unbatched")


@dataclass
class Probe:
    """Server-side timestamps of one session, recorded by the hooks :func:`install_probes` puts in place."""

    offered: dict[int, float] = field(default_factory=dict)
    sent: dict[tuple[str, float], tuple[float, float]] = field(default_factory=dict)
    video_arrival: dict[float, float] = field(default_factory=dict)
    video_origin: float | None = None
    audio_origin: float | None = None
    audio_arrival: dict[float, float] = field(default_factory=dict)
    wall_origin: float | None = None


PROBES: dict[str, Probe] = {}


def install_probes() -> None:
    """Wrap three :class:`~media.live_session.LiveSession` methods to record when a message was offered and
    sent and when each video frame arrived (bench only; the wrapped code runs unchanged)."""
    from media.feedback import Feedback
    from media.live_session import LiveSession

    if getattr(LiveSession, "_capacity_probed", False):
        return
    emit, send_now, clock = LiveSession.emit, LiveSession._send_now, LiveSession._clock

    def probe(self: LiveSession) -> Probe:
        return PROBES.setdefault(self.session_id, Probe())

    def emit_probe(self: LiveSession, msg: Feedback) -> None:
        probe(self).offered[id(msg)] = time.monotonic()
        emit(self, msg)

    def send_probe(self: LiveSession, msg: Feedback) -> None:
        p = probe(self)
        now = time.monotonic()
        if msg.type in ("voice", "pose"):
            p.sent[(msg.type, round(msg.t_s, 3))] = (p.offered.pop(id(msg), now), now)
        else:
            p.offered.pop(id(msg), None)
        p.wall_origin = self._wall_origin
        send_now(self, msg)

    def clock_probe(self: LiveSession, frame: Any, origin: list[float], rebaser: Any = None) -> float:
        t_s = clock(self, frame, origin, rebaser)
        if isinstance(frame, av.VideoFrame):
            p = probe(self)
            p.video_origin = origin[1]
            p.video_arrival[round(t_s, 3)] = time.monotonic()
        elif isinstance(frame, av.AudioFrame):
            p = probe(self)
            p.audio_origin = origin[1]
            p.audio_arrival[round(t_s + frame.samples / frame.sample_rate, 3)] = time.monotonic()
        return t_s

    LiveSession.emit = emit_probe  # type: ignore[method-assign]
    LiveSession._send_now = send_probe  # type: ignore[method-assign]
    LiveSession._clock = clock_probe  # type: ignore[method-assign]
    LiveSession._capacity_probed = True  # type: ignore[attr-defined]


@dataclass
class SessionRun:
    """What one publisher measured, with the server-side stage split."""

    latency: dict[str, list[float]] = field(default_factory=lambda: {"voice": [], "pose": []})
    stages: dict[str, dict[str, list[float]]] = field(
        default_factory=lambda: {k: {s: [] for s in STAGES} for k in ("voice", "pose")}
    )
    words: list[float] = field(default_factory=list)
    word_wait: list[float] = field(default_factory=list)
    word_after: list[float] = field(default_factory=list)
    spoken: int = 0
    heard: int = 0
    recording_s: float = 0.0
    clip_s: float = 0.0
    utterances_dropped: int = 0
    interim_passes: int = 0


def sent_at(kind: str, t_s: float, audio_start: float, video_start: float | None, probe: Probe) -> float | None:
    """When the publisher sent the sample a ``kind`` message at media time ``t_s`` describes. Media time 0 is the
    session's first frame of either track, so each track's samples are placed by that track's own origin (a
    session whose first video frame arrived before its first audio frame has audio at media time > 0)."""
    if kind == "voice":
        return audio_start + (t_s - (probe.audio_origin or 0.0))
    if video_start is None or probe.video_origin is None:
        return None
    return video_start + (t_s - probe.video_origin)


def audio_arrived(probe: Probe, ends: Sequence[float], t_s: float) -> float | None:
    """When the audio frame holding media time ``t_s`` (the first frame ending at or after it; ``ends``: the
    sorted frame ends of ``probe.audio_arrival``) reached the pipeline; else the earliest frame's estimate."""
    i = bisect.bisect_left(ends, t_s - 0.0005)
    if i < len(ends):
        return probe.audio_arrival[ends[i]]
    return None if probe.wall_origin is None else probe.wall_origin + t_s


def score_session(
    clip: Clip,
    messages: Sequence[tuple[float, dict[str, Any]]],
    audio_start: float,
    video_start: float | None,
    probe: Probe,
) -> SessionRun:
    """Latencies and stages of one session's received messages."""
    run = SessionRun()
    audio_ends = sorted(probe.audio_arrival)
    for received, msg in messages:
        kind = msg.get("type")
        if kind not in ("voice", "pose"):
            continue
        t_s = float(msg["t_s"])
        sent = sent_at(kind, t_s, audio_start, video_start, probe)
        if sent is None:
            continue
        run.latency[kind].append(received - sent)
        times = probe.sent.get((kind, round(t_s, 3)))
        video = kind == "pose"
        arrived = probe.video_arrival.get(round(t_s, 3)) if video else audio_arrived(probe, audio_ends, t_s)
        if times is None or arrived is None:
            continue
        offered, out = times
        for stage, value in zip(
            STAGES, (arrived - sent, offered - arrived, out - offered, received - out), strict=True
        ):
            run.stages[kind][stage].append(value)
    words = score_clip(clip.truth, messages, audio_start)
    run.words, run.word_wait, run.word_after = words.latencies, words.wait_for_cut, words.after_cut
    run.spoken, run.heard, run.clip_s = words.spoken, words.heard, clip.duration_s
    return run


def mode_config(mode: str, data_dir: Path, models_dir: Path) -> tuple[Any, Any]:
    """The media config and speech factory ``podium serve`` uses on its defaults, changed for ``baseline``."""
    from server.live import media_config, speech_factory
    from server.settings import Settings

    settings = Settings(data_dir=data_dir, models_dir=models_dir)
    config = dataclasses.replace(media_config(settings), no_media_timeout_s=30)
    if mode == "baseline":
        config = dataclasses.replace(config, feedback_max_msgs_per_s=10.0, **baseline_speech_settings(config))
    if mode == "unbatched":
        config = dataclasses.replace(config, speech_batch_max=1)
    return config, speech_factory(settings)


def baseline_speech_settings(config: Any) -> dict[str, Any]:
    """MediaConfig fields that restore the previous live pipeline: ASR scheduling and aiortc's audio prefetch (those
    that exist in this version)."""
    wanted = {
        "speech_adaptive_interim": False,
        "speech_schedule": "direct",
        "speech_worker_nice": 0,
        "speech_batch_max": 1,
        "audio_release_at_once": False,
    }
    names = {f.name for f in dataclasses.fields(config)}
    return {k: v for k, v in wanted.items() if k in names}


def _worker_pids(workers: Any) -> list[int]:
    pids = [p.pid for p in workers.pose_processes]
    speech = workers.speech
    pids += [p.pid for p in (getattr(speech, "_processes", None) or {}).values()]
    return pids


async def run_mode(mode: str, clips: Sequence[Clip], models_dir: Path, out: Path) -> dict[str, Any]:
    """K = ``len(clips)`` sessions at once through one media plane; the pooled measurements."""
    from media.session_registry import LiveSessionRegistry
    from media.workers import MediaWorkers

    install_probes()
    config, factory = mode_config(mode, out, models_dir)
    if factory is None or config.pose_model_path is None:
        raise SystemExit(f"models missing under {models_dir}: run `podium models`")
    workers = MediaWorkers(config, factory)
    await workers.warm_up()
    registry = LiveSessionRegistry(config, workers)
    me, pids = os.getpid(), _worker_pids(workers)
    publishers = [await PublisherProcess.start(clip, out / f"clip-{i}.npy") for i, clip in enumerate(clips)]
    sessions = []
    try:
        for i, pub in enumerate(publishers):
            session = await registry.start(f"{mode}-{len(clips)}-{i}", await pub.offer())
            assert session.answer_sdp is not None
            await pub.answer(session.answer_sdp)
            sessions.append(session)
        await asyncio.gather(*(asyncio.wait_for(p.connected(), 30) for p in publishers))
        cpu0, wcpu0, t0 = proc_cpu_s(me), sum(proc_cpu_s(p) for p in pids), time.monotonic()
        longest = max(c.duration_s for c in clips)
        results = await asyncio.gather(*(p.result(longest + DRAIN_MAX_S + 60) for p in publishers))
        elapsed = time.monotonic() - t0
        cpu = (proc_cpu_s(me) - cpu0) / elapsed * 100
        wcpu = (sum(proc_cpu_s(p) for p in pids) - wcpu0) / elapsed * 100
        rss = proc_rss_mb(me) + sum(proc_rss_mb(p) for p in pids)
        await registry.close_all("bench_done")
    finally:
        for pub in publishers:
            await pub.stop()
        workers.shutdown()
    runs = []
    for clip, result, session in zip(clips, results, sessions, strict=True):
        run = score_session(
            clip,
            [(float(t), m) for t, m in result["messages"]],
            float(result["audio_start"]),
            result["video_start"],
            PROBES.pop(session.session_id, Probe()),
        )
        run.recording_s = session.result.recording.duration_s if session.result is not None else 0.0
        run.utterances_dropped = session.stats.utterances_dropped
        run.interim_passes = session.stats.interim_transcripts
        runs.append(run)
    row = summarize(mode, len(clips), runs, cpu, wcpu, rss)
    row["heard_per_session"] = [r.heard for r in runs]
    asr = workers.asr
    row["asr_batched_calls"] = asr.batched_calls if asr is not None else 0
    row["asr_batched_passes"] = asr.batched_passes if asr is not None else 0
    return row


class PublisherProcess:
    """One publisher in a process of its own (``python -m bench.capacity --publish CLIP.npy``), so that the
    server's event loop is the server's alone; both sides read the same system-wide monotonic clock."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, clip: Clip, path: Path) -> PublisherProcess:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, clip.pcm48)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.capacity",
            "--publish",
            str(path),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=64 * 1024 * 1024,
        )
        return cls(proc)

    async def _line(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError("publisher process exited")
        out: dict[str, Any] = json.loads(line)
        return out

    async def offer(self) -> str:
        return str((await self._line())["sdp"])

    async def answer(self, sdp: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps({"sdp": sdp}) + "\n").encode())
        await self.proc.stdin.drain()

    async def connected(self) -> None:
        await self._line()

    async def result(self, timeout_s: float) -> dict[str, Any]:
        """What the publisher measured; one that has not finished within ``timeout_s`` counts as having
        received nothing (its words count as lost)."""
        try:
            return await asyncio.wait_for(self._line(), timeout_s)
        except (TimeoutError, RuntimeError):
            return {"messages": [], "audio_start": 0.0, "video_start": None}

    async def stop(self) -> None:
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        await self.proc.wait()


async def publish(pcm_path: Path) -> None:
    """The publisher process: offer on stdout, answer from stdin, stream the clip and the video, then print
    what arrived (``messages`` with receive times) and when the tracks started."""
    pub = BenchPublisher(np.load(pcm_path), encode_photo_loop())
    video = next((s.track for s in pub.pc.getSenders() if isinstance(s.track, PhotoTrack)), None)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print(json.dumps({"sdp": await pub.offer()}), flush=True)
    await pub.accept(json.loads(await reader.readline())["sdp"])
    await asyncio.wait_for(pub.connected.wait(), 30)
    print(json.dumps({"connected": True}), flush=True)
    try:
        await pub.drain()
    finally:
        await pub.pc.close()
    result = {
        "messages": pub.messages,
        "audio_start": pub.audio.start,
        "video_start": None if video is None else video.start,
    }
    print(json.dumps(result), flush=True)


def _p(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q) * 1000) if len(values) else float("nan")


def summarize(mode: str, k: int, runs: Sequence[SessionRun], cpu: float, wcpu: float, rss: float) -> dict[str, Any]:
    """Pooled percentiles (ms) of ``runs``."""
    row: dict[str, Any] = {"mode": mode, "k": k, "cpu_pct": cpu, "worker_cpu_pct": wcpu, "rss_mb": rss}
    for kind in ("voice", "pose"):
        values = [x for r in runs for x in r.latency[kind]]
        row[kind] = (_p(values, 50), _p(values, 95), len(values))
        for stage in STAGES:
            row[f"{kind}_{stage}"] = _p([x for r in runs for x in r.stages[kind][stage]], 50)
    words = [x for r in runs for x in r.words]
    row["words"] = (_p(words, 50), _p(words, 95), max(words, default=float("nan")) * 1000)
    row["word_wait"] = _p([x for r in runs for x in r.word_wait], 50)
    row["word_after"] = _p([x for r in runs for x in r.word_after], 50)
    row["heard"], row["spoken"] = sum(r.heard for r in runs), sum(r.spoken for r in runs)
    row["recordings_complete"] = sum(r.recording_s >= r.clip_s - 1.0 for r in runs)
    row["utterances_dropped"] = sum(r.utterances_dropped for r in runs)
    row["interim_passes"] = sum(r.interim_passes for r in runs)
    return row


def _pair(values: tuple[float, ...]) -> str:
    return f"{values[0]:,.0f} / {values[1]:,.0f}"


def markdown(rows: Sequence[dict[str, Any]], load: tuple[str, str], seconds: float) -> str:
    """The capacity table and the per-stage breakdown."""
    out = [
        f"{seconds:g} s talks per session; load average at start {load[0]}, at end {load[1]} (2 cores)",
        "",
        "| sessions | pipeline | voice p50 / p95 ms | pose p50 / p95 ms | words p50 / p95 ms | words recognised /"
        " spoken | recordings complete | server CPU % (+ workers) | RSS MB |",
        "|---:|---|---|---|---|---:|---:|---|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['k']} | {r['mode']} | {_pair(r['voice'])} | {_pair(r['pose'])} | {_pair(r['words'])} | "
            f"{r['heard']} / {r['spoken']} | {r['recordings_complete']} / {r['k']} | "
            f"{r['cpu_pct']:.0f} (+{r['worker_cpu_pct']:.0f}) | {r['rss_mb']:,.0f} |"
        )
    out += [
        "",
        "p50 ms per stage: arrival (publisher send → pipeline: network, jitter buffer, decode), analysis (→ offered"
        " to the scheduler), queue (scheduler budget), send (data channel → publisher); words: word end → end of"
        " the audio that committed it, then ASR queue + Whisper + send",
        "",
        "| sessions | pipeline | voice arrival / analysis / queue / send | pose arrival / analysis / queue / send |"
        " words wait for audio / ASR + send | interim passes | utterances dropped |",
        "|---:|---|---|---|---|---:|---:|",
    ]
    for r in rows:
        voice = " / ".join(f"{r[f'voice_{s}']:.0f}" for s in STAGES)
        pose = " / ".join(f"{r[f'pose_{s}']:.0f}" for s in STAGES)
        out.append(
            f"| {r['k']} | {r['mode']} | {voice} | {pose} | {r['word_wait']:,.0f} / {r['word_after']:,.0f} | "
            f"{r['interim_passes']} | {r['utterances_dropped']} |"
        )
    return "\n".join(out)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    ks = [int(k) for k in args.k.split(",")]
    clips = make_clips(max(ks), args.seconds)
    out = Path(tempfile.mkdtemp(prefix="podium-bench-capacity-"))
    load_start = _load()
    rows = []
    for k in ks:
        for mode in args.modes.split(","):
            if mode not in MODES:
                raise SystemExit(f"unknown mode {mode!r}: one of {', '.join(MODES)}")
            rows.append(await run_mode(mode, clips[:k], args.models_dir, out / f"{mode}-{k}"))
            print(json.dumps(rows[-1]), flush=True)
    print()
    print(markdown(rows, (load_start, _load()), args.seconds))
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=1))
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-k", default="1,2,4", help="comma list of concurrent session counts")
    parser.add_argument("--seconds", type=float, default=30.0, help="speech per session (about)")
    parser.add_argument("--modes", default="baseline,current", help=f"comma list of {', '.join(MODES)}")
    parser.add_argument("--models-dir", type=Path, default=Path("var/models").resolve())
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    parser.add_argument("--publish", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.publish is not None:
        logging.basicConfig(level=logging.ERROR)
        asyncio.run(publish(args.publish))
        return
    if os.environ.get("PODIUM_BENCH_NETNS") != "1":
        os.environ["PODIUM_BENCH_NETNS"] = "1"
        script = 'ip link set lo up && ip addr add 10.99.0.1/32 dev lo && exec "$@"'
        argv_ = [sys.executable, "-m", "bench.capacity", *(sys.argv[1:] if argv is None else argv)]
        os.execvp("unshare", ["unshare", "-n", "sh", "-c", script, "sh", *argv_])
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
