"""The certificate files against the events that name them: `foodtrace verify --documents` and the sweep.

The ledger records a file's SHA-256 in a CertificateAttached event (a batch's or a delivery announcement's).
Every file so named must be present and unchanged; a file that no event names was left by a refused or lost
upload and may go, but only after a grace period, since an upload stores its file just before recording it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from api.documents import DocumentStore, sha256_named_by
from domain.announcement import DeliveryAnnouncement
from domain.batch import IngredientBatch
from domain.ledger import Ledger
from projections.projection import topics_of

log = logging.getLogger("foodtrace.documents")
NAMING_EVENTS = [
    *topics_of(IngredientBatch, "CertificateAttached"),
    *topics_of(DeliveryAnnouncement, "CertificateAttached"),
]
PAGE = 1000


@dataclass(frozen=True)
class Naming:
    """Where the log names a file: its position and what the certificate is."""

    position: int
    sha256: str
    kind: str
    number: str


@dataclass(frozen=True)
class Finding:
    problem: str  # "missing" or "altered"
    naming: Naming

    def line(self) -> str:
        n = self.naming
        return f"{self.problem}  {n.sha256}  named at position {n.position} ({n.kind} {n.number})"


def namings(ledger: Ledger) -> Iterator[Naming]:
    """Every CertificateAttached event in log order."""
    start = 1
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=PAGE, topics=NAMING_EVENTS)
        for notification in page:
            attached = ledger.mapper.to_domain_event(notification)
            yield Naming(notification.id, attached.sha256, attached.kind, attached.number)  # type: ignore[attr-defined]
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def check(ledger: Ledger, store: DocumentStore) -> tuple[int, list[Finding]]:
    """How many distinct files the log names, and each that is missing or no longer matches its SHA-256."""
    seen: dict[str, Naming] = {}
    findings = []
    for naming in namings(ledger):
        if naming.sha256 in seen:
            continue
        seen[naming.sha256] = naming
        document = store.find(naming.sha256)
        if document is None:
            findings.append(Finding("missing", naming))
        elif store.altered(document):
            findings.append(Finding("altered", naming))
    return len(seen), findings


def sweep(ledger: Ledger, store: DocumentStore, grace_seconds: float) -> list[Path]:
    """Remove files no event names that are older than the grace period; returns what was removed."""
    cutoff = time.time() - grace_seconds
    # Old enough first, then the names: a file recorded after the log was read is younger than the cutoff.
    candidates = [path for path in store.files() if path.stat().st_mtime < cutoff]
    named = {naming.sha256 for naming in namings(ledger)}
    removed = []
    for path in candidates:
        if sha256_named_by(path) in named or not store.remove_if_untouched_since(path, cutoff):
            continue
        log.info("swept unreferenced document file %s", path.name)
        removed.append(path)
    return removed


def grace_seconds(text: str) -> float:
    """'24h', '30m', '2d' or plain seconds."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", text)
    if not match:
        raise ValueError(f"a grace period looks like 24h, 30m or 2d, not {text!r}")
    return int(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]
