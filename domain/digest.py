"""Tamper evidence: a hash chain over the event log, so anyone holding an exported digest can check later
that no recorded event was changed, removed or slipped in before it.

Each link is SHA-256(previous link ‖ position ‖ stream id ‖ version ‖ topic ‖ stored bytes). The digest at
position N commits to every event up to N; appending events later does not change it.

``check_anchors`` walks the log once against digests filed or signed earlier (anchors), in order, so events
appended after one anchor are covered by the next, and says where the log first differs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from eventsourcing.persistence import ApplicationRecorder, Notification, StoredEvent

GENESIS = "0" * 64
PAGE = 5_000


@dataclass(frozen=True)
class LogDigest:
    events: int  # the log position the digest covers
    digest: str

    def as_json(self) -> dict[str, object]:
        return {"events": self.events, "digest": self.digest, "algorithm": "sha256-chain-v1"}


def link(previous: str, position: int, event: StoredEvent) -> str:
    hasher = hashlib.sha256(bytes.fromhex(previous))
    for part in (str(position), str(event.originator_id), str(event.originator_version), event.topic):
        hasher.update(part.encode("utf-8") + b"\x1f")
    state: bytes | str = event.state
    # A row edited by hand can come back as text; it must still be hashed (and fail), not crash the check.
    hasher.update(state.encode("utf-8") if isinstance(state, str) else state)
    return hasher.hexdigest()


def chain(events: Iterable[tuple[int, StoredEvent]], start: str = GENESIS) -> str:
    current = start
    for position, event in events:
        current = link(current, position, event)
    return current


def links(
    recorder: ApplicationRecorder, upto: int | None = None, since: LogDigest = LogDigest(0, GENESIS)
) -> Iterator[tuple[int, str]]:
    """Each event's position and link, in log order, after ``since`` (a digest known good) up to ``upto``."""
    last = recorder.max_notification_id() or 0
    stop = last if upto is None else min(upto, last)
    current, start = since.digest, since.events + 1
    while start <= stop:
        page: list[Notification] = list(recorder.select_notifications(start=start, limit=PAGE, stop=stop))
        if not page:
            break
        for notification in page:
            current = link(current, notification.id, notification)
            yield notification.id, current
        start = page[-1].id + 1


def log_digest(recorder: ApplicationRecorder, upto: int | None = None) -> LogDigest:
    """The digest of the log up to position ``upto`` (default: all of it)."""
    last = LogDigest(0, GENESIS)
    for position, current in links(recorder, upto):
        last = LogDigest(position, current)
    return last


@dataclass(frozen=True)
class Finding:
    """What a walk of the log against its anchors found: all matched, or where it first went wrong."""

    matched: int  # anchors that matched, in order
    failed: LogDigest | None = None  # the first anchor that did not
    first_difference: int | None = None  # the first position that differs, when a reference could tell
    log_ends_at: int | None = None  # set when the log is shorter than the failed anchor
    after: int = 0  # the last position known good (the anchor before the failed one)

    @property
    def ok(self) -> bool:
        return self.failed is None


def check_anchors(
    recorder: ApplicationRecorder,
    anchors: Sequence[LogDigest],
    reference: Iterable[tuple[int, str]] = (),
) -> Finding:
    """Walk the log once and compare its digest at each anchor's position, in order of position.

    ``reference``: each position's link as recorded when the anchors were made (an unsigned hint, in order of
    position); with it, a mismatch names the first event that differs rather than only the anchor it breaks.
    """
    ordered = sorted(anchors, key=lambda anchor: anchor.events)
    if not ordered:
        return Finding(matched=0)
    head = recorder.max_notification_id() or 0
    walked = links(recorder, ordered[-1].events)
    divergence = _Divergence(reference)
    pending = next(walked, None)
    current, matched, after = GENESIS, 0, 0
    for anchor in ordered:
        while pending is not None and pending[0] <= anchor.events:
            position, current = pending
            divergence.see(position, current)
            pending = next(walked, None)
        first = divergence.first if divergence.first is not None and divergence.first <= anchor.events else None
        if head < anchor.events:
            return Finding(matched, anchor, first, log_ends_at=head, after=after)
        if current != anchor.digest:
            return Finding(matched, anchor, first, after=after)
        matched, after = matched + 1, anchor.events
    return Finding(matched)


class _Divergence:
    """The first position where the log's links and a reference's part: an event removed, added or edited there."""

    def __init__(self, reference: Iterable[tuple[int, str]]) -> None:
        self._reference = iter(reference)
        self._next = next(self._reference, None)
        self.first: int | None = None

    def see(self, position: int, current: str) -> None:
        if self.first is not None or self._next is None:
            return
        expected_position, expected = self._next
        if expected_position < position:
            self.first = expected_position  # the reference had an event here that the log lost
        elif expected_position > position:
            self.first = position  # the log has an event here that the reference never had
        elif expected != current:
            self.first = position  # this event (or its place in the chain) was changed
        else:
            self._next = next(self._reference, None)


def stream_digest(events: Iterable[StoredEvent]) -> str:
    """The digest of one stream (a batch's history), by version."""
    return chain((event.originator_version, event) for event in events)
