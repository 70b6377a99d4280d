"""The certificate files from the command line.

foodtrace verify --documents             each file an event names is there and matches its SHA-256, else exit 1
foodtrace documents sweep [--grace 24h]  remove files no event names, once older than the grace period
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api.documents import DocumentStore
from api.evidence import check, grace_seconds, sweep
from api.settings import Settings

COMMANDS = ("documents",)


def register(subcommands: Any, verify: argparse.ArgumentParser) -> None:
    """Add ``documents sweep`` and ``verify --documents`` to the ``foodtrace`` parser."""
    verify.add_argument(
        "--documents", action="store_true", help="check every stored certificate file named by an event"
    )
    documents = subcommands.add_parser("documents", help="the certificate files: sweep the unreferenced ones")
    actions = documents.add_subparsers(dest="action", required=True)
    swept = actions.add_parser("sweep", help="remove files that no recorded event names, after a grace period")
    swept.add_argument("--grace", default="24h", help="keep files younger than this (24h, 30m, 2d; default 24h)")


def dispatch(settings: Settings, args: argparse.Namespace) -> int:
    try:
        grace = grace_seconds(args.grace)
    except ValueError as error:
        print(f"foodtrace: {error}", file=sys.stderr)
        return 2
    ledger = settings.open_ledger()
    try:
        removed = sweep(ledger, DocumentStore(settings.documents_dir), grace)
    finally:
        ledger.close()
    print(f"removed {len(removed)} unreferenced file(s) older than {args.grace} from {settings.documents_dir}")
    return 0


def verify_documents(settings: Settings) -> int:
    ledger = settings.open_ledger()
    try:
        count, findings = check(ledger, DocumentStore(settings.documents_dir))
    finally:
        ledger.close()
    for finding in findings:
        print(finding.line())
    if findings:
        print(f"MISMATCH: {len(findings)} of {count} documents are missing or altered", file=sys.stderr)
        return 1
    print(f"ok: all {count} documents named by the log are present and match their SHA-256")
    return 0
