"""Signed checkpoints: the server signs (position, digest, time) of its log with Ed25519, so an outsider holding
the public key and a printed or posted copy can check later that history was not rewritten (DESIGN: 7).

The key is a PEM file (``FOODTRACE_SIGNING_KEY``, default ``signing-key.pem`` in the data folder), made on first
use and readable by its owner only. Checkpoints live in the ledger's own database, table
``foodtrace_checkpoints``, one row per checkpoint, never updated; ``foodtrace_chain`` keeps each event's link as
it was when signed, an unsigned hint that lets a check name the first event that differs.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import strtobool

from domain.clock import county_time
from domain.digest import GENESIS, PAGE, Finding, LogDigest, check_anchors, links
from domain.ledger import Ledger
from projections.store import one_process_at_a_time

log = logging.getLogger(__name__)
FORMAT = "foodtrace-checkpoints-v1"
ALGORITHM = "sha256-chain-v1"
TABLES = (
    "CREATE TABLE IF NOT EXISTS foodtrace_checkpoints (position BIGINT PRIMARY KEY, digest TEXT NOT NULL, "
    "signed_at TEXT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS foodtrace_chain (position BIGINT PRIMARY KEY, link TEXT NOT NULL)",
)


@dataclass(frozen=True)
class Checkpoint:
    position: int
    digest: str
    signed_at: str
    public_key: str  # base64 of the raw 32-byte Ed25519 key that signed it
    signature: str  # base64

    def message(self) -> bytes:
        """What is signed: the position, the digest and the time, as canonical JSON."""
        fields = {"algorithm": ALGORITHM, "digest": self.digest, "position": self.position, "at": self.signed_at}
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def signature_holds(self, public_key: str | None = None) -> bool:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key or self.public_key))
        try:
            key.verify(base64.b64decode(self.signature), self.message())
        except (InvalidSignature, ValueError):
            return False
        return True


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The server's signing key, made on first use (owner-only file)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} holds no Ed25519 private key")
    return key


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


class Checkpoints:
    """The checkpoints of one ledger, and taking a new one."""

    def __init__(self, ledger: Ledger, key_path: Path) -> None:
        self.ledger = ledger
        self.key_path = key_path
        self._datastore = ledger.recorder.datastore  # type: ignore[attr-defined]
        self._postgres = isinstance(self._datastore, PostgresDatastore)
        if strtobool(ledger.env.get("CREATE_TABLE") or "yes"):  # off for workers started together (EVENTSOURCING.md)
            with one_process_at_a_time(self._datastore) if self._postgres else nullcontext():
                for statement in TABLES:
                    self._execute(statement)

    def public_key(self) -> str:
        return public_key_text(load_signing_key(self.key_path))

    def take(self) -> Checkpoint:
        """Sign the log as it is now; when nothing was added since the last checkpoint, that one is the answer.

        The chain goes on from the last checkpoint's digest, so a new checkpoint never vouches for an earlier
        part of the log that was rewritten after it was signed.
        """
        latest = self.latest()
        since = LogDigest(latest.position, latest.digest) if latest else LogDigest(0, GENESIS)
        position, digest, page = since.events, since.digest, []
        for position, digest in links(self.ledger.recorder, since=since):
            page.append((position, digest))
            if len(page) == PAGE:
                self._record_links(page)
                page = []
        self._record_links(page)
        if latest is not None and position == latest.position:
            return latest
        key = load_signing_key(self.key_path)
        # Signed on the county's clock, as every answer gives times; one signed earlier keeps its own text.
        signed_at = county_time(datetime.now(UTC), self.ledger.profile.zone).isoformat(timespec="seconds")
        unsigned = Checkpoint(position, digest, signed_at, public_key_text(key), "")
        checkpoint = replace(unsigned, signature=base64.b64encode(key.sign(unsigned.message())).decode())
        self._execute(
            "INSERT INTO foodtrace_checkpoints (position, digest, signed_at, public_key, signature) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (checkpoint.position, checkpoint.digest, checkpoint.signed_at, checkpoint.public_key, checkpoint.signature),
        )
        return checkpoint

    def _record_links(self, page: list[tuple[int, str]]) -> None:
        if page:
            self._execute_many(
                "INSERT INTO foodtrace_chain (position, link) VALUES (?, ?) ON CONFLICT DO NOTHING", page
            )

    def latest(self) -> Checkpoint | None:
        rows = self._select("SELECT * FROM foodtrace_checkpoints ORDER BY position DESC LIMIT 1")
        return Checkpoint(**rows[0]) if rows else None

    def vouching_for(self, position: int) -> Checkpoint | None:
        """The first checkpoint covering the log up to ``position`` (a report as of it), else the latest one."""
        covering = self.listed(max(position - 1, 0), 1)
        return covering[0] if covering else self.latest()

    def signed_before(self, moment: datetime) -> Checkpoint | None:
        """The last checkpoint signed before ``moment`` (a month's end): every text is on the county's clock, so
        the ISO strings order as the times do."""
        until = county_time(moment, self.ledger.profile.zone).isoformat(timespec="seconds")
        rows = self._select(
            "SELECT * FROM foodtrace_checkpoints WHERE signed_at < ? ORDER BY position DESC LIMIT 1", (until,)
        )
        return Checkpoint(**rows[0]) if rows else None

    def listed(self, after: int = 0, limit: int = 1000) -> list[Checkpoint]:
        rows = self._select(
            "SELECT * FROM foodtrace_checkpoints WHERE position > ? ORDER BY position LIMIT ?", (after, limit)
        )
        return [Checkpoint(**row) for row in rows]

    def export(self) -> dict[str, Any]:
        """Every checkpoint with the public key: a file to print, post or hand to an auditor."""
        everything: list[Checkpoint] = []
        while page := self.listed(everything[-1].position if everything else 0):
            everything.extend(page)
        return document(self.public_key(), everything)

    def reference(self) -> Iterator[tuple[int, str]]:
        """Each event's link as recorded when it was signed, in order of position."""
        after = 0
        while rows := self._select(
            "SELECT position, link FROM foodtrace_chain WHERE position > ? ORDER BY position LIMIT ?", (after, PAGE)
        ):
            yield from ((int(row["position"]), str(row["link"])) for row in rows)
            after = int(rows[-1]["position"])

    # --- one table on either backend: SQL written with ? placeholders ----------------------------------

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self._postgres else statement

    def _execute(self, statement: str, params: tuple[Any, ...] = ()) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(self._sql(statement), params)

    def _execute_many(self, statement: str, rows: list[tuple[int, str]]) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.executemany(self._sql(statement), rows)

    def _select(self, statement: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute(self._sql(statement), params)
            return [dict(row) for row in cursor.fetchall()]


def document(public_key: str, checkpoints: list[Checkpoint]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "algorithm": ALGORITHM,
        "signature_algorithm": "ed25519",
        "public_key": public_key,
        "checkpoints": [asdict(checkpoint) for checkpoint in checkpoints],
    }


@dataclass(frozen=True)
class Verdict:
    ok: bool
    lines: list[str]


def verify_document(ledger: Ledger, exported: dict[str, Any], public_key: str | None, hints: Checkpoints) -> Verdict:
    """Check every checkpoint's signature, then walk the log through all of them in order."""
    key = public_key or exported.get("public_key")
    checkpoints = [Checkpoint(**entry) for entry in exported.get("checkpoints", [])]
    if not checkpoints:
        return Verdict(False, ["文件中没有检查点 / the file holds no checkpoints"])
    for checkpoint in checkpoints:
        if not checkpoint.signature_holds(key):
            return Verdict(
                False,
                [
                    f"检查点 #{checkpoint.position} 的签名无效（伪造或被改动） / "
                    f"the checkpoint at event {checkpoint.position} has a bad signature (forged or altered)"
                ],
            )
    anchors = [LogDigest(c.position, c.digest) for c in checkpoints]
    finding = check_anchors(ledger.recorder, anchors, hints.reference())
    return Verdict(finding.ok, explain(finding, len(anchors)))


def explain(finding: Finding, anchors: int) -> list[str]:
    """Say plainly, in Chinese and English, what a walk of the log found."""
    if finding.failed is None:
        return [f"ok: 日志与全部 {anchors} 个检查点相符 / the log matches all {anchors} checkpoint(s)"]
    covers = finding.failed.events
    if finding.log_ends_at is not None:
        return [
            f"日志比检查点短：日志只到事件 #{finding.log_ends_at}，检查点覆盖到 #{covers}"
            f"（数字输错了，或末尾的事件被删除） / the log is shorter than the checkpoint: it ends at event "
            f"{finding.log_ends_at}, the checkpoint covers {covers} (a mistyped number, or events removed from the end)"
        ]
    if finding.first_difference is not None:
        where = (
            f"事件 #{finding.first_difference} 与检查点不符 / event {finding.first_difference} differs from the "
            f"checkpoint"
        )
    else:
        where = (
            f"事件 #{finding.after + 1} 至 #{covers} 之间有事件与检查点不符 / an event between {finding.after + 1} "
            f"and {covers} differs from the checkpoint"
        )
    return [
        where,
        f"MISMATCH: 检查点 #{covers} 不符，历史被改动 / the checkpoint at event {covers} does not match; history "
        f"was changed ({finding.matched} earlier checkpoint(s) matched)",
    ]


class CheckpointSchedule:
    """Signs a checkpoint every ``minutes`` while the server runs, when the log grew (a thread of the server)."""

    def __init__(self, checkpoints: Checkpoints, minutes: float) -> None:
        self.checkpoints = checkpoints
        self.minutes = minutes
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.minutes > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="foodtrace-checkpoints", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self.minutes * 60):
            try:
                self.checkpoints.take()
            except Exception:  # the database may be away: try again next time
                log.exception("could not sign a checkpoint; trying again in %s minutes", self.minutes)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
