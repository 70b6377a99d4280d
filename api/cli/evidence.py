"""The tamper-evidence commands: ``digest``, ``checkpoint``, ``checkpoints export`` and ``verify``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.checkpoints import Checkpoints, explain, verify_document
from api.settings import Settings
from domain.digest import LogDigest, check_anchors, log_digest
from domain.ledger import Ledger

COMMANDS = ("digest", "checkpoint", "checkpoints", "verify")


def register(subcommands: Any) -> argparse.ArgumentParser:
    """Add the tamper-evidence subcommands to the ``foodtrace`` parser's subparsers; returns ``verify``'s parser."""
    digest = subcommands.add_parser("digest", help="the tamper-evident digest of the event log, to file away")
    digest.add_argument("--upto", type=int, help="the log position to stop at (default: all)")
    subcommands.add_parser("checkpoint", help="sign a checkpoint of the log now (position, digest, time)")
    checkpoints = subcommands.add_parser("checkpoints", help="the signed checkpoints")
    actions = checkpoints.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write every checkpoint and the public key to a JSON file")
    export.add_argument("-o", "--output", required=True, help="file to write, e.g. checkpoints.json")
    verify: argparse.ArgumentParser = subcommands.add_parser(
        "verify", help="check the log against signed checkpoints or a filed digest"
    )
    verify.add_argument("--checkpoints", type=Path, help="a file from `foodtrace checkpoints export`")
    verify.add_argument("--public-key", help="the public key you hold (base64); default: the one in the file")
    verify.add_argument("--events", type=int, help="the position the filed digest covers")
    verify.add_argument("--digest", help="the digest filed earlier (with --events)")
    return verify


def dispatch(settings: Settings, args: argparse.Namespace) -> int:
    """Run one of the COMMANDS; returns the exit status."""
    if args.command == "verify" and not args.checkpoints and (args.events is None or not args.digest):
        print(
            "foodtrace verify: give --checkpoints FILE, or --events N with --digest D, or --documents", file=sys.stderr
        )
        return 2
    handlers: dict[str, Callable[[Settings, Ledger, argparse.Namespace], int]] = {
        "digest": _digest, "checkpoint": _checkpoint, "checkpoints": _export, "verify": _verify,
    }  # fmt: skip
    ledger = settings.open_ledger()
    try:
        return handlers[args.command](settings, ledger, args)
    finally:
        ledger.close()


def _digest(settings: Settings, ledger: Ledger, args: argparse.Namespace) -> int:
    print(json.dumps(log_digest(ledger.recorder, args.upto).as_json()))
    return 0


def _checkpoint(settings: Settings, ledger: Ledger, args: argparse.Namespace) -> int:
    checkpoint = Checkpoints(ledger, settings.signing_key_path()).take()
    print(json.dumps({"position": checkpoint.position, "digest": checkpoint.digest, "signed_at": checkpoint.signed_at}))
    return 0


def _export(settings: Settings, ledger: Ledger, args: argparse.Namespace) -> int:
    exported = Checkpoints(ledger, settings.signing_key_path()).export()
    Path(args.output).write_text(json.dumps(exported, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(exported['checkpoints'])} checkpoint(s) and the public key written to {args.output}", file=sys.stderr)
    return 0


def _verify(settings: Settings, ledger: Ledger, args: argparse.Namespace) -> int:
    hints = Checkpoints(ledger, settings.signing_key_path())
    if args.checkpoints:
        exported = json.loads(args.checkpoints.read_text(encoding="utf-8"))
        verdict = verify_document(ledger, exported, args.public_key, hints)
        ok, lines = verdict.ok, verdict.lines
    else:
        finding = check_anchors(ledger.recorder, [LogDigest(args.events, args.digest.lower())], hints.reference())
        if finding.log_ends_at is not None:  # more likely a mistyped --events than a rewrite: say which, exit 2
            print(
                f"日志只有 {finding.log_ends_at} 个事件，归档的摘要却覆盖到 #{args.events}：请核对 --events"
                f"（若无误，则末尾的事件被删除） / the log holds only {finding.log_ends_at} events, but the filed "
                f"digest covers {args.events}: check --events (if it is right, events were removed from the end)",
                file=sys.stderr,
            )
            return 2
        ok, lines = finding.ok, explain(finding, 1)
    print("\n".join(lines), file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1
