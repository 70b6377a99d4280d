"""The ``foodtrace`` command: seed a demo county, replay a batch's history, serve the web app (parts beside it)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

from api.cli import documents as cli_documents
from api.cli import epcis as cli_epcis
from api.cli import evidence as cli_evidence
from api.cli import investigate as cli_investigate
from api.cli import webhooks as cli_webhooks
from api.settings import Settings, SettingsError
from domain.business_time import late_note_zh
from domain.clock import county_time, offset_label
from domain.errors import DomainError
from domain.glossary import ROLES, details_zh, zh
from domain.printable import printable
from domain.values import Principal, Role

CLI_ADMIN = Principal("cli", "admin")  # whoever holds the server's shell is its administrator
# How long a server worker may take to start (imports, opening the store) before uvicorn restarts it: its default
# of 5 s killed every worker on a busy machine.
STARTUP_SECONDS = 60


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:
        # `foodtrace history CODE --json | head`: the reader has what it wanted; end quietly, as `cat` does.
        sys.stdout = None  # nothing more is flushed to the closed pipe at exit
        return 0


def _run(argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="foodtrace", description="Food traceability ledger for school canteens")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="seed a realistic demo county into the configured store")
    demo.add_argument("--days", type=int, default=60, help="days of canteen life to seed (default 60)")
    demo.add_argument("--seed", type=int, default=2021, help="random seed, for a repeatable county")
    demo.add_argument("--if-empty", action="store_true", help="do nothing when the store already holds events")
    demo.add_argument("--address", default="http://127.0.0.1:8000", help="where the server answers (printed)")
    demo.add_argument(
        "--summary",
        nargs="?",
        const="",
        metavar="KEY",
        help="seed nothing: print the summary saved when this store was seeded, or one KEY of it "
        "(e.g. example_batch, example_meal.date, newcomer.sign_in.0.pin)",
    )

    history = commands.add_parser("history", help="replay one batch's events in order: what, who, when")
    history.add_argument("code", help="the batch code from its label, e.g. 7KQ2-M9XHH")
    history.add_argument("--json", action="store_true", help="print JSON instead of a table")

    serve = commands.add_parser("serve", help="start the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the port (default 1); one of them follows the log for the views",
    )

    commands.add_parser("where", help="say which store the commands use")

    token = commands.add_parser("token", help="create, list and revoke API tokens (stored only as hashes)")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token; it is printed once")
    create.add_argument("--person", required=True, help="person id, or the supplier's code for a supplier system")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--scope", help="the school (storekeeper, kitchen, principal) or supplier it acts for")
    create.add_argument("--label", default="", help="where it is used, e.g. 仓管员手机")
    token_commands.add_parser("list", help="list tokens (never their secret)")
    revoke = token_commands.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id")

    pin = commands.add_parser("pin", help="set a kitchen lead's PIN for signing hand-offs")
    pin.add_argument("person")
    pin.add_argument("--pin", help="4-8 digits; read from standard input when omitted")

    label = commands.add_parser("label", help="render a batch's label (批次标签)")
    label.add_argument("code")
    label.add_argument("--format", choices=["png", "svg", "pdf"], default="png")
    label.add_argument("--size", choices=["40x30", "50x30", "60x40"], default="40x30")
    label.add_argument("--dpi", type=int, choices=[203, 300], default=203)
    label.add_argument("-o", "--output", help="file to write (default: CODE-SIZE.FORMAT in this folder)")

    openapi = commands.add_parser("openapi", help="print the API's OpenAPI document, as /openapi.json serves it")
    openapi.add_argument("-o", "--output", help="file to write (default: standard output), e.g. openapi.json")

    cli_investigate.register(commands)
    cli_epcis.register(commands)
    verify = cli_evidence.register(commands)
    cli_documents.register(commands, verify)
    cli_webhooks.register(commands)

    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        handlers = {
            "demo": _demo, "history": _history, "serve": _serve, "where": _where, "token": _token, "pin": _pin,
            "label": _label, "openapi": _openapi,
        }  # fmt: skip
        if args.command == "verify" and args.documents:
            return cli_documents.verify_documents(settings)
        if args.command in cli_evidence.COMMANDS:
            return cli_evidence.dispatch(settings, args)
        if args.command in cli_investigate.COMMANDS:
            return cli_investigate.dispatch(settings, args)
        if args.command in cli_epcis.COMMANDS:
            return cli_epcis.dispatch(settings, args)
        if args.command in cli_documents.COMMANDS:
            return cli_documents.dispatch(settings, args)
        if args.command in cli_webhooks.COMMANDS:
            return cli_webhooks.dispatch(settings, args)
        handler = handlers[args.command]
        return handler(settings, args)
    except (DomainError, SettingsError) as error:
        print(f"foodtrace: {error}", file=sys.stderr)
        return 2


def _openapi(settings: Settings, args: argparse.Namespace) -> int:
    """The document a client is generated from; `make openapi` writes it to the committed snapshot, openapi.json."""
    from api.app import create_app
    from api.contract import document_text

    text = document_text(create_app(settings).openapi())
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _where(settings: Settings, args: argparse.Namespace) -> int:
    print(settings.describe())
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli.demo import newcomer_credentials, saved_summary, seed_demo
    from api.documents import DocumentStore

    if args.summary is not None:
        print(saved_summary(settings.demo_summary_path(), args.summary))
        return 0
    ledger = settings.open_ledger()
    try:
        print(f"store: {settings.describe()}", file=sys.stderr)
        if args.if_empty and ledger.recorder.max_notification_id():
            saved = settings.demo_summary_path().exists()
            print("the store already holds records; demo not seeded"
                  + ("; its summary again: foodtrace demo --summary" if saved else ""), file=sys.stderr)  # fmt: skip
            return 0
        documents = DocumentStore(settings.documents_dir)
        summary = seed_demo(ledger, days=args.days, seed=args.seed, documents=documents)
        summary["newcomer"] = newcomer_credentials(ledger, args.address, settings.resolver_base)
        text = json.dumps(summary, ensure_ascii=False, indent=2)
        _save_privately(settings.demo_summary_path(), text + "\n")
        print(text)
        return 0
    finally:
        ledger.close()


def _save_privately(path: Path, text: str) -> None:
    """Only its owner may read it: it holds the demo's PINs and token."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when an older copy was readable by others
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def _history(settings: Settings, args: argparse.Namespace) -> int:
    ledger = settings.open_ledger()
    try:
        entries = ledger.history(args.code)
    finally:
        ledger.close()
    zone = ledger.profile.zone
    if args.json:
        print(json.dumps([e.as_json(zone) for e in entries], ensure_ascii=False, indent=2))
        return 0
    for entry in entries:
        when = county_time(entry.at, zone)
        details = details_zh(entry.what, entry.as_json(zone)["details"])  # names, never identifiers: a person reads it
        line = (
            f"{entry.version:>3}  {when:%Y-%m-%d %H:%M}{offset_label(when)}  {entry.what_zh}  "
            f"{entry.by.person_id}（{zh(ROLES, entry.by.role)}）  {details}"
        )
        if entry.late:  # written up well after it happened: both times, and who approved it if it was that late
            recorded = county_time(entry.recorded_at, zone)
            line += "  " + late_note_zh(entry.late_approval, f"{recorded:%Y-%m-%d %H:%M}{offset_label(recorded)}")
        print(printable(line, one_line=True))  # a stored ESC must not drive the reader's terminal
    return 0


def _token(settings: Settings, args: argparse.Namespace) -> int:
    from api.tokens import Credentials

    ledger = settings.open_ledger()
    try:
        credentials = Credentials(ledger)
        if args.token_command == "create":
            secret, token_id = credentials.create_token(args.person, args.role, args.scope, args.label, CLI_ADMIN)
            print(secret)
            print(f"token id {token_id}: shown once, keep it safe", file=sys.stderr)
        elif args.token_command == "list":
            print(json.dumps(credentials.list_tokens(), ensure_ascii=False, indent=2))
        else:
            credentials.revoke(UUID(args.token_id), "revoked from the command line", CLI_ADMIN)
            print(f"revoked {args.token_id}", file=sys.stderr)
        return 0
    finally:
        ledger.close()


def _pin(settings: Settings, args: argparse.Namespace) -> int:
    from api.tokens import Credentials

    pin = args.pin or sys.stdin.readline().strip()
    ledger = settings.open_ledger()
    try:
        Credentials(ledger).set_pin(args.person, pin, CLI_ADMIN)
        print(f"PIN set for {args.person}", file=sys.stderr)
        return 0
    finally:
        ledger.close()


def _label(settings: Settings, args: argparse.Namespace) -> int:
    from api.labelling import batch_label
    from labels.render import render_batch_label

    ledger = settings.open_ledger()
    try:
        batch = ledger.batch(args.code)
        label = batch_label(ledger, batch, settings.resolver_base)
        content = render_batch_label(label, args.format, args.size, args.dpi, ledger.profile)
    finally:
        ledger.close()
    output = args.output or f"{batch.code}-{args.size}.{args.format}"
    with open(output, "wb") as file:
        file.write(content)
    print(f"{batch.code}: {args.format} {args.size} label written to {output}", file=sys.stderr)
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app, create_tables

    print(f"FoodTrace on http://{args.host}:{args.port}  store: {settings.describe()}", file=sys.stderr)
    if args.workers > 1:
        if not settings.is_postgres:
            print(
                "多个工作进程需要 PostgreSQL（SQLite 只能一个进程写入） / "
                "--workers above 1 needs PostgreSQL: an SQLite file has one writer",
                file=sys.stderr,
            )
            return 2
        # Tables and the signing key are made here, once; each worker builds its own app from the same environment
        # (Settings.from_env) without creating tables, which several processes starting together cannot do.
        create_tables(settings)
        os.environ["CREATE_TABLE"] = "n"
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            timeout_worker_healthcheck=STARTUP_SECONDS,
        )
    else:
        uvicorn.run(create_app(settings), host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
