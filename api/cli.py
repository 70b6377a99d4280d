"""The ``foodtrace`` command: seed a demo county, replay a batch's history, serve the web app."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from api.settings import Settings, SettingsError
from domain.errors import DomainError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="foodtrace", description="Food traceability ledger for school canteens")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="seed a realistic demo county into the configured store")
    demo.add_argument("--days", type=int, default=60, help="days of canteen life to seed (default 60)")
    demo.add_argument("--seed", type=int, default=2021, help="random seed, for a repeatable county")
    demo.add_argument("--if-empty", action="store_true", help="do nothing when the store already holds events")

    history = commands.add_parser("history", help="replay one batch's events in order: what, who, when")
    history.add_argument("code", help="the batch code from its label, e.g. 7KQ2-M9XH4")
    history.add_argument("--json", action="store_true", help="print JSON instead of a table")

    serve = commands.add_parser("serve", help="start the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    commands.add_parser("where", help="say which store the commands use")

    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        handler = {"demo": _demo, "history": _history, "serve": _serve, "where": _where}[args.command]
        return handler(settings, args)
    except (DomainError, SettingsError) as error:
        print(f"foodtrace: {error}", file=sys.stderr)
        return 2


def _where(settings: Settings, args: argparse.Namespace) -> int:
    print(settings.describe())
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from api.demo import seed_demo

    ledger = settings.open_ledger()
    try:
        print(f"store: {settings.describe()}", file=sys.stderr)
        if args.if_empty and ledger.recorder.max_notification_id():
            print("the store already holds records; demo not seeded", file=sys.stderr)
            return 0
        summary = seed_demo(ledger, days=args.days, seed=args.seed)
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    finally:
        ledger.close()


def _history(settings: Settings, args: argparse.Namespace) -> int:
    ledger = settings.open_ledger()
    try:
        entries = ledger.history(args.code)
    finally:
        ledger.close()
    if args.json:
        print(json.dumps([e.as_json() for e in entries], ensure_ascii=False, indent=2))
        return 0
    zone = ZoneInfo(ledger.profile.timezone)
    for entry in entries:
        when = entry.at.astimezone(zone)
        details = ", ".join(f"{k}={v}" for k, v in entry.as_json()["details"].items() if v not in (None, "", []))
        print(f"{entry.version:>3}  {when:%Y-%m-%d %H:%M%z}  {entry.what_zh} {entry.what:<16} "
              f"{entry.by.person_id} ({entry.by.role})  {details}")  # fmt: skip
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    print(f"FoodTrace on http://{args.host}:{args.port}  store: {settings.describe()}", file=sys.stderr)
    uvicorn.run(create_app(settings), host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
