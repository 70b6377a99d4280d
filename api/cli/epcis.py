"""EPCIS 2.0 on the command line: export what the ledger holds, and push the log upward.

foodtrace epcis export batch CODE [-o FILE]
foodtrace epcis export lot --supplier S --product P --lot L [-o FILE]
foodtrace epcis export school --school S --from D --to D [-o FILE]
foodtrace epcis export incident --school S --date D --meal lunch [-o FILE]
foodtrace epcis push --to URL [--bearer TOKEN] [--once]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from api.settings import Settings
from projections import epcis_export
from projections.known import require_known
from projections.service import Projections

COMMANDS = ("epcis",)


def register(subcommands: Any) -> None:
    epcis = subcommands.add_parser("epcis", help="EPCIS 2.0 (GS1): export documents, push the log upward")
    actions = epcis.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="an EPCIS 2.0 JSON-LD document of a batch, lot, school or incident")
    kinds = export.add_subparsers(dest="what", required=True)
    batch = kinds.add_parser("batch", help="one batch's events")
    batch.add_argument("code")
    lot = kinds.add_parser("lot", help="every batch of a lot (supplier + product + lot), in every school")
    lot.add_argument("--supplier", required=True)
    lot.add_argument("--product", required=True)
    lot.add_argument("--lot", required=True)
    school = kinds.add_parser("school", help="a school's events from one day to another (both included)")
    school.add_argument("--school", required=True)
    school.add_argument("--from", dest="first", required=True, type=date.fromisoformat)
    school.add_argument("--to", dest="last", required=True, type=date.fromisoformat)
    incident = kinds.add_parser("incident", help="a meal's backward trace: its batches and their lots elsewhere")
    incident.add_argument("--school", required=True)
    incident.add_argument("--date", required=True, type=date.fromisoformat)
    incident.add_argument("--meal", required=True, choices=["breakfast", "lunch", "dinner"])
    for parser in (batch, lot, school, incident):
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    push = actions.add_parser("push", help="send each batch event to an EPCIS capture endpoint, each exactly once")
    push.add_argument("--to", required=True, help="the capture endpoint's URL")
    push.add_argument("--bearer", help="a token the endpoint wants (sent as Authorization: Bearer …)")
    push.add_argument("--once", action="store_true", help="follow the log, send what is due, and exit")


def dispatch(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "push":
        return _push(settings, args)
    views = Projections(settings.eventsourcing_env(), settings.profile())
    try:
        views.catch_up()
        document = _document(views, settings.resolver_base, args)
    finally:
        views.close()
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.output} ({len(document['epcisBody']['eventList'])} events)", file=sys.stderr)
    return 0


def _document(views: Projections, base: str, args: argparse.Namespace) -> dict[str, Any]:
    if args.what == "batch":
        return epcis_export.batches_document(views, base, [views.ledger.batch(args.code).code])
    if args.what == "lot":
        require_known(views, supplier=args.supplier, lot=args.lot)
        codes = epcis_export.batch_codes_of_lot(views, args.supplier, args.product, args.lot)
        return epcis_export.batches_document(views, base, codes)
    require_known(views, school=args.school)
    if args.what == "school":
        return epcis_export.school_document(views, base, args.school, args.first, args.last)
    codes = epcis_export.batch_codes_of_incident(views, args.school, args.date, args.meal)
    return epcis_export.batches_document(views, base, codes)


def _push(settings: Settings, args: argparse.Namespace) -> int:
    from api.epcis_push import epcis_feed

    ledger = settings.open_ledger()
    feed = epcis_feed(ledger, args.to, settings.resolver_base, bearer=args.bearer)
    try:
        if not args.once:
            print(f"pushing the log's batch events to {args.to}; Ctrl-C to stop", file=sys.stderr)
            feed.run_forever()
            return 0
        delivered = feed.run_once()
        while sent := feed.send_due():  # what is due now, until the receiver stops taking it
            delivered += sent
        waiting = [d for d in feed.deliveries("capture", limit=1000) if d["status"] == "pending"]
        print(f"position {feed.position()}: {delivered} sent now, {len(waiting)} waiting to be sent", file=sys.stderr)
        return 0
    finally:
        feed.close()
        ledger.close()
