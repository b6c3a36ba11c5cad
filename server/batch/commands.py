"""The batch subcommands of ``podium`` (each prints one JSON summary): ``jobs reanalyze-outdated``,
``retention run`` and ``metrics export``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from server.settings import Settings


def _print(summary: dict[str, Any]) -> None:
    print(json.dumps(summary))  # one line: the last line of output is what Airflow keeps (XCom)


def _reanalyze(args: argparse.Namespace) -> int:
    from server.batch.reanalyze import reanalyze_outdated

    summary = reanalyze_outdated(Settings(), args.limit, args.dry_run)
    _print(summary)
    return 1 if any(state == "failed" for state in summary["results"].values()) else 0


def _retention(args: argparse.Namespace) -> int:
    from server.batch.retention_run import apply_retention

    _print(apply_retention(Settings(), args.days))
    return 0


def _metrics_export(args: argparse.Namespace) -> int:
    from server.batch.metrics_export import export_metrics

    if args.out is None and args.blob_key is None:
        args.parser.error("give --out FILE and/or --blob-key KEY")
    _print(export_metrics(Settings(), args.format, args.out, args.blob_key))
    return 0


def add_batch_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the batch subcommands on ``podium``'s subparsers."""
    jobs = sub.add_parser("jobs", help="analysis jobs in bulk").add_subparsers(dest="jobs_command", required=True)
    outdated = jobs.add_parser(
        "reanalyze-outdated", help="re-analyse sessions whose report came from other model weights than prepared now"
    )
    outdated.add_argument("--limit", type=int, help="at most this many sessions")
    outdated.add_argument("--dry-run", action="store_true", help="only list them")
    outdated.set_defaults(func=_reanalyze)

    retention = sub.add_parser("retention", help="recording retention").add_subparsers(
        dest="retention_command", required=True
    )
    run = retention.add_parser("run", help="delete recordings past retention now (reports stay)")
    run.add_argument("--days", type=float, help="retention in days (default PODIUM_RETENTION_DAYS; 0 keeps all)")
    run.set_defaults(func=_retention)

    metrics = sub.add_parser("metrics", help="aggregate metrics").add_subparsers(dest="metrics_command", required=True)
    export = metrics.add_parser("export", help="sessions, minutes and scores per ISO week")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--out", type=Path, help="write to this file")
    export.add_argument("--blob-key", help="store in the blob store under this key (e.g. exports/weekly.json)")
    export.set_defaults(func=_metrics_export, parser=export)
