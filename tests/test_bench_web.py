"""The web budget benchmark (``bench.web``): entry-script sizing, the long recording it seeds, its table, and a
smoke run of the whole bench in its shortest form in real Chromium."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from bench import web as web_bench
from media.offline.decode import probe
from tests import browser_support
from tests.web_support import web_problem


def test_initial_js_counts_the_entry_script_and_its_modulepreloads_only(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    entry, shared, lazy = b"console.log('entry');" * 50, b"export const x = 1;" * 20, b"lazy();" * 500
    (assets / "index-a1.js").write_bytes(entry)
    (assets / "vendor-b2.js").write_bytes(shared)
    (assets / "Review-c3.js").write_bytes(lazy)
    (tmp_path / "index.html").write_text(
        '<!doctype html><head><script type="module" crossorigin src="/assets/index-a1.js"></script>'
        '<link rel="modulepreload" crossorigin href="/assets/vendor-b2.js">'
        '<link rel="stylesheet" href="/assets/index.css"></head><body><div id="root"></div></body>'
    )
    sizes = web_bench.initial_js(tmp_path)
    assert [(path, raw) for path, raw, _ in sizes] == [
        ("/assets/index-a1.js", len(entry)),
        ("/assets/vendor-b2.js", len(shared)),
    ]
    assert sizes[0][2] == len(gzip.compress(entry, compresslevel=9)) < len(entry)


def test_the_seeded_recording_lasts_the_talk_and_carries_audio_and_video(tmp_path: Path) -> None:
    path = web_bench.write_recording(tmp_path / "talk.webm", 95.0)
    info = probe(path)
    assert info.has_audio and info.has_video
    assert info.duration_s == pytest.approx(100.0, abs=1.0)  # whole 10 s units
    assert path.stat().st_size < 400_000


def test_table_marks_budgets_met_and_missed() -> None:
    results = {
        "minutes": 60.0,
        "baseline_minutes": 5.0,
        "js": [("/assets/index.js", 300_000, 97_000), ("/assets/vendor.js", 10_000, 3_000)],
        "baseline_ms": [{"ms": 400.0, "report_ms": 90.0}, {"ms": 500.0, "report_ms": 100.0}],
        "long_ms": [{"ms": t, "report_ms": t / 2} for t in (1400.0, 1700.0, 1450.0)],
        "seeks": [{"ms": 120.0}, {"ms": 130.0}, {"ms": 310.0}],
        "baseline_words": 700,
        "long_words": 8500,
        "long_report_bytes": 4_200_000,
    }
    lines = web_bench.table(results).splitlines()
    js, baseline, long, seek = lines[2:]
    assert "100.0 kB" in js and js.endswith("✔ |")
    assert "450 / 500 ms (95 ms)" in baseline
    assert "1450 / 1700 ms (725 ms)" in long and long.endswith("✔ |")
    assert "130 / 310 ms" in seek and seek.endswith("✘ |")  # the slowest click is over 300 ms


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_bench_runs_in_its_shortest_form(capsys: pytest.CaptureFixture[str]) -> None:
    problem = browser_support.environment_problem() or web_problem()
    if problem is not None:
        pytest.skip(problem)
    web_bench.main(["--minutes", "0.5", "--baseline-minutes", "0.25", "--runs", "1", "--clicks", "1"])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 4, rows
    numbers = [float(re.search(r"\| ([\d.]+) (?:kB|/)", row).group(1)) for row in rows]  # type: ignore[union-attr]
    assert all(n > 0 for n in numbers), rows
