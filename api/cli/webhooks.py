"""``foodtrace webhooks run | list``: send the webhooks in a process of their own, and see who listens."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from api.settings import Settings
from api.tokens import Caller
from domain.values import Role

COMMANDS = ("webhooks",)


def register(subcommands: Any) -> None:
    webhooks = subcommands.add_parser("webhooks", help="notices to suppliers' and the county's URLs (回调通知)")
    actions = webhooks.add_subparsers(dest="action", required=True)
    run = actions.add_parser("run", help="follow the event log and send the webhooks (until Ctrl-C)")
    run.add_argument("--once", action="store_true", help="one round: read what is new, send what is due, stop")
    actions.add_parser("list", help="every subscription: id, URL, kinds, who it hears for (never the secret)")


def dispatch(settings: Settings, args: argparse.Namespace) -> int:
    ledger = settings.open_ledger()
    webhooks = settings.webhooks(ledger)
    try:
        if args.action == "list":
            county = Caller("cli", Role.ADMIN, None)  # whoever holds the server's shell sees every subscription
            shown = [s.shown(ledger.profile.zone) for s in webhooks.subscriptions(county)]
            print(json.dumps(shown, ensure_ascii=False, indent=2))
        elif args.once:
            delivered = webhooks.outbox.run_once()
            print(f"webhooks: read the log to {webhooks.outbox.position()}, delivered {delivered}", file=sys.stderr)
        else:
            print(f"sending webhooks from {settings.describe()} (Ctrl-C to stop)", file=sys.stderr)
            webhooks.outbox.run_forever()
        return 0
    finally:
        webhooks.close()
        ledger.close()
