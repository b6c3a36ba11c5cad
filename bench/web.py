"""Web app budgets: initial JavaScript (gzipped), the review page of a long report becoming interactive, and a
transcript word click seeking the video. Prints a markdown table.

The web app is built from the current sources (or ``--web-dir`` is served). Two generated reports, a
``--minutes`` one (default 60) and a ``--baseline-minutes`` one (default 5), are seeded straight into the
database of a fresh ``podium serve`` with a recording each (a low-bitrate Opus + 160×120 1 fps VP8 WebM of that
length). Headless Chromium signs in and opens each review page ``--runs`` times: *interactive* is the time from
navigation start until the transcript's first word and a chart's line are on the page. Then it clicks
``--clicks`` transcript words of the long report and times each click to the video's ``seeked`` event.
The interactive budget is judged on the median page load, the seek budget on the slowest click.

    .venv/bin/python -m bench.web                      # 60-minute report vs a 5-minute baseline
    .venv/bin/python -m bench.web --minutes 1 --baseline-minutes 0.5 --runs 1 --clicks 1   # smoke
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inference.report.model import Report
from tests.browser_support import TEST_PASSWORD, free_port, running_server
from tests.web_support import build_web, launch

JS_BUDGET_BYTES = 250_000
INTERACTIVE_BUDGET_MS = 1500.0
SEEK_BUDGET_MS = 300.0
EMAIL = "bench@example.com"
TRANSCRIPT_WORD = "[role=region][aria-label^='Transcript'] [data-word]"
_INTERACTIVE = f"""() => {{
    const word = document.querySelector("{TRANSCRIPT_WORD}");
    const line = [...document.querySelectorAll("figure svg path.recharts-curve")]
        .some((p) => p.getBoundingClientRect().width > 0);
    if (word === null || !line) return false;
    const report = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/report"));
    return {{ ms: performance.now(), report_ms: report ? report.responseEnd : null }};
}}"""
_CLICK_TO_SEEKED = f"""async (index) => {{
    const box = document.querySelector("[role=region][aria-label^='Transcript']");
    box.scrollTop = box.scrollHeight * (0.2 + 0.6 * ((index * 0.37) % 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const video = document.querySelector("video");
    const words = [...document.querySelectorAll("{TRANSCRIPT_WORD}")]
        .filter((w) => Math.abs(Number(w.dataset.start) - video.currentTime) > 5);
    const word = words[Math.floor(words.length / 2)];
    const seeked = new Promise((resolve) => video.addEventListener("seeked", resolve, {{ once: true }}));
    const start = performance.now();
    word.dispatchEvent(new MouseEvent("click", {{ bubbles: true }}));
    await seeked;
    return {{ ms: performance.now() - start, target: Number(word.dataset.start), time: video.currentTime }};
}}"""


class _EntryScripts(HTMLParser):
    """Collects the entry module script and the modulepreload links of index.html."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("type") == "module" and a.get("src"):
            self.paths.append(str(a["src"]))
        elif tag == "link" and a.get("rel") == "modulepreload" and a.get("href"):
            self.paths.append(str(a["href"]))


def initial_js(web_dir: Path) -> list[tuple[str, int, int]]:
    """``(path, bytes, gzipped bytes)`` of each script the first page load fetches before the app runs."""
    parser = _EntryScripts()
    parser.feed((web_dir / "index.html").read_text())
    sizes = []
    for path in dict.fromkeys(parser.paths):
        data = (web_dir / path.lstrip("/")).read_bytes()
        sizes.append((path, len(data), len(gzip.compress(data, compresslevel=9))))
    return sizes


def long_report(minutes: float) -> Report:
    """The shared deterministic report fixture of a ``minutes`` talk (words, fillers, charts, scores)."""
    from inference.report.fixture import fixture_report

    return fixture_report(minutes)


def write_recording(path: Path, duration_s: float, unit_s: int = 10) -> Path:
    """A ``duration_s`` WebM: 160×120 VP8 at 1 fps (a key frame every ``unit_s``) and a quiet 16 kHz Opus tone.

    One ``unit_s`` stretch is encoded and its packets are muxed again and again with shifted times, so an hour
    takes a second or two to write and still seeks like a real recording (cues, periodic key frames)."""
    import av

    with av.open(str(path), mode="w") as container:
        video = container.add_stream("libvpx", rate=1)
        video.width, video.height, video.pix_fmt = 160, 120, "yuv420p"
        video.codec_context.gop_size = unit_s
        video.options = {"deadline": "realtime", "cpu-used": "8", "b": "40k"}
        audio = container.add_stream("libopus", rate=16_000, layout="mono")
        audio.bit_rate = 12_000
        unit = sorted(_encode_unit(video, audio, unit_s), key=lambda pk: float(pk.pts * pk.time_base))
        for k in range(math.ceil(duration_s / unit_s)):
            for packet in unit:
                container.mux(_shifted(packet, k * unit_s))
    return path


def _encode_unit(video: Any, audio: Any, seconds: int) -> list[Any]:
    """The packets of ``seconds`` of video frames (changing shades) and of a soft 220 Hz tone."""
    import av

    packets: list[Any] = []
    for second in range(seconds):
        frame = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 60 + 15 * second, np.uint8), format="rgb24")
        frame.pts, frame.time_base = second, Fraction(1, 1)
        packets += video.encode(frame)
    packets += video.encode(None)
    rate = 16_000
    tone = (0.05 * np.sin(2 * np.pi * 220 * np.arange(rate) / rate)).astype(np.float32).reshape(1, -1)
    for second in range(seconds):
        block = av.AudioFrame.from_ndarray(tone, format="flt", layout="mono")
        block.sample_rate, block.pts, block.time_base = rate, second * rate, Fraction(1, rate)
        packets += audio.encode(block)
    packets += audio.encode(None)
    return packets


def _shifted(packet: Any, seconds: int) -> Any:
    """A copy of ``packet`` ``seconds`` later (same stream, time base and key-frame flag)."""
    import av

    copy = av.Packet(bytes(packet))
    offset = round(seconds / packet.time_base)
    copy.stream, copy.time_base, copy.is_keyframe = packet.stream, packet.time_base, packet.is_keyframe
    copy.pts = None if packet.pts is None else packet.pts + offset
    copy.dts = None if packet.dts is None else packet.dts + offset
    copy.duration = packet.duration
    return copy


@dataclass(frozen=True)
class Seeded:
    session_id: str
    report_bytes: int
    words: int


async def seed(data_dir: Path, title: str, report: Report, recording: Path) -> Seeded:
    """Store ``report`` (scored) and ``recording`` as an analysed upload session of :data:`EMAIL`."""
    from inference.report.upgrade import dump_report
    from inference.scoring.pipeline import complete_report
    from server.settings import Settings
    from storage.blobs import LocalBlobStore
    from storage.database import create_engine, session_factory
    from storage.jobs import ReportRepository
    from storage.models import Recording, SessionSource, SessionState
    from storage.repositories import RecordingRepository, SessionRepository, UserRepository

    settings = Settings(data_dir=data_dir, database_url="", blob_dir=None)
    engine = create_engine(settings.resolved_database_url)
    full, scores = complete_report(report)
    stored = dump_report(full)
    try:
        async with session_factory(engine)() as db:
            user = await UserRepository(db).by_email(EMAIL)
            assert user is not None, "register the bench user first"
            sessions = SessionRepository(db)
            session = await sessions.create(user.id, title, SessionSource.UPLOAD)
            for state in (SessionState.ENDED, SessionState.ANALYZING, SessionState.ANALYZED):
                await sessions.move(session, state)
            await ReportRepository(db).upsert(session.id, full.schema_version, stored, scores)
            key = f"recordings/{session.id}/talk.webm"
            info = await LocalBlobStore(settings.resolved_blob_dir).put_file(key, recording)
            row = Recording(
                session_id=session.id,
                blob_key=key,
                container="webm",
                audio_codec="opus",
                video_codec="vp8",
                duration_s=report.duration_s,
                bytes=info.size,
                sha256=info.sha256,
            )
            await RecordingRepository(db).add(row)
            return Seeded(session.id, len(json.dumps(stored)), len(stored["speech"]["words"]))
    finally:
        await engine.dispose()


def register(base: str) -> None:
    body = json.dumps({"email": EMAIL, "password": TEST_PASSWORD, "consent": True}).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/auth/register", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30):
        pass


def sign_in(page: Any, base: str) -> None:
    """Sign in with the page's own fetch (it sets the HttpOnly cookie, with the browser's Origin header)."""
    page.goto(f"{base}/signin")
    status = page.evaluate(
        """async ([email, password]) => (await fetch("/api/v1/auth/session", { method: "POST",
            headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email, password }) })).status""",
        [EMAIL, TEST_PASSWORD],
    )
    if status != 200:
        raise RuntimeError(f"sign-in answered {status}")


def interactive_ms(page: Any, url: str, runs: int) -> list[dict[str, float]]:
    """Navigation start → first transcript word and a chart line on the page (``ms``), and → the report's
    JSON received (``report_ms``), once per run."""
    times = []
    for _ in range(runs):
        page.goto(url, wait_until="commit")
        handle = page.wait_for_function(_INTERACTIVE, polling="raf", timeout=60_000)
        times.append(handle.json_value())
    return times


def seek_ms(page: Any, clicks: int) -> list[dict[str, float]]:
    """Transcript word click → the video's ``seeked`` event, for ``clicks`` words across the talk (ms)."""
    page.wait_for_function("() => document.querySelector('video')?.readyState >= 1", timeout=30_000)
    return [page.evaluate(_CLICK_TO_SEEKED, i) for i in range(clicks)]


def _p50(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def _ok(value: float, budget: float) -> str:
    return "✔" if value <= budget else "✘"


def table(results: dict[str, Any]) -> str:
    js_total = sum(gz for _, _, gz in results["js"])
    long_ms = [r["ms"] for r in results["long_ms"]]
    base_ms = [r["ms"] for r in results["baseline_ms"]]
    seeks = [s["ms"] for s in results["seeks"]]
    minutes, baseline = results["minutes"], results["baseline_minutes"]
    rows = [
        "| measure | value | budget | |",
        "|---|---:|---:|---|",
        f"| initial JavaScript, gzipped ({len(results['js'])} files) | {js_total / 1000:.1f} kB | "
        f"≤ {JS_BUDGET_BYTES / 1000:.0f} kB | {_ok(js_total, JS_BUDGET_BYTES)} |",
        f"| review interactive, {baseline:g}-min report ({results['baseline_words']} words), p50 / max "
        f"(report JSON in at p50) | {_p50(base_ms):.0f} / {max(base_ms):.0f} ms ({_report_p50(results['baseline_ms'])})"
        " | baseline | |",
        f"| review interactive, {minutes:g}-min report ({results['long_words']} words, "
        f"{results['long_report_bytes'] / 1e6:.1f} MB JSON), p50 / max (report JSON in at p50) | "
        f"{_p50(long_ms):.0f} / {max(long_ms):.0f} ms ({_report_p50(results['long_ms'])})"
        f" | ≤ {INTERACTIVE_BUDGET_MS:.0f} ms | {_ok(_p50(long_ms), INTERACTIVE_BUDGET_MS)} |",
        f"| word click → video `seeked`, {minutes:g}-min recording ({len(seeks)} clicks), p50 / max | "
        f"{_p50(seeks):.0f} / {max(seeks):.0f} ms | ≤ {SEEK_BUDGET_MS:.0f} ms | {_ok(max(seeks), SEEK_BUDGET_MS)} |",
    ]
    return "\n".join(rows)


def _report_p50(runs: Sequence[dict[str, float | None]]) -> str:
    fetched = [ms for r in runs if (ms := r.get("report_ms")) is not None]
    return f"{_p50(fetched):.0f} ms" if fetched else "—"


def measure(workdir: Path, web_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Seed the two reports into a fresh server and measure them in Chromium."""
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {"minutes": args.minutes, "baseline_minutes": args.baseline_minutes}
    results["js"] = initial_js(web_dir)
    t0 = time.monotonic()
    media = {m: write_recording(workdir / f"talk-{m:g}.webm", m * 60.0) for m in (args.minutes, args.baseline_minutes)}
    reports = {m: long_report(m) for m in media}
    results["generate_s"] = round(time.monotonic() - t0, 1)
    overrides = {"PODIUM_WEB_DIR": str(web_dir), "PODIUM_PRELOAD_MODELS": "false", "PODIUM_LIVE_ASR": "false"}
    with running_server(workdir, free_port(), timeout_s=180.0, env_overrides=overrides) as base:
        register(base)
        seeded = {m: asyncio.run(seed(workdir / "data", f"{m:g}-minute talk", reports[m], media[m])) for m in media}
        long, baseline = seeded[args.minutes], seeded[args.baseline_minutes]
        results.update(long_words=long.words, baseline_words=baseline.words, long_report_bytes=long.report_bytes)
        with sync_playwright() as pw:
            context = launch(pw, workdir / "chromium-profile")
            try:
                page = context.new_page()
                sign_in(page, base)
                interactive_ms(page, f"{base}/sessions/{baseline.session_id}", 1)  # warm the asset cache
                results["baseline_ms"] = interactive_ms(page, f"{base}/sessions/{baseline.session_id}", args.runs)
                results["long_ms"] = interactive_ms(page, f"{base}/sessions/{long.session_id}", args.runs)
                results["seeks"] = seek_ms(page, args.clicks)
            finally:
                context.close()
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=60.0, help="length of the long report")
    parser.add_argument("--baseline-minutes", type=float, default=5.0, help="length of the baseline report")
    parser.add_argument("--runs", type=int, default=3, help="page loads per report")
    parser.add_argument("--clicks", type=int, default=5, help="transcript word clicks to time")
    parser.add_argument("--web-dir", type=Path, help="serve this built web app instead of building one")
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temporary directory)")
    parser.add_argument("--json", action="store_true", help="also print the raw results as JSON")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="podium-bench-web-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        web_dir = args.web_dir or build_web(workdir / "dist")
        results = measure(workdir, web_dir.resolve(), args)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(results))
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
