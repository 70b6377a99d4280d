"""The outbox: follows the Ledger's event log by position and POSTs messages made from its events, with retries.

One machine for every feed that tells the outside world what the log recorded (webhooks to suppliers and the
county office, EPCIS documents to a capture endpoint). A feed is named and brings one function of its own,
``listening``, asked once for each chunk of the log before the chunk is read; it says how each event makes its
messages, or None when no event up to the chunk's last position would make any (nobody listens to them): then the
chunk is passed, its checkpoint moved, without reading a single event of it.

    def to_messages(position: int, event: Any) -> Iterable[Message]:   # the decoded event at this log position
        yield Message(key=f"epcis-{position}", destination="capture", url=URL, kind="ObjectEvent", body=json_text)

    def listening(last: int) -> ToMessages | None:   # the chunk's events are at positions up to ``last``
        return to_messages

    feed = Outbox("epcis", ledger, listening, topics=None, retry=Retry(first=5.0), in_order=True)
    feed.follow()          # read the log past the feed's checkpoint; store each event's messages and move the
                           # checkpoint in one transaction, so every event makes its messages exactly once
    feed.send_due()        # POST each message that is due; record the attempt; back off on failure
    feed.run_once()        # both (tests, `--once`)
    feed.start(); feed.stop()   # in a daemon thread, with the web server, as the projector runs
    feed.run_forever()     # in this thread until Ctrl-C or SIGTERM (a `foodtrace … run` command)
    feed.deliveries("capture", limit=20)  # newest first, each with its latest attempts and last failure
    feed.position(); feed.close()

``Message.key`` is unique in the feed and stable: the same event for the same destination always makes the same
key, and a key already stored is not stored again. Receivers dedupe on it (webhooks send it as ``webhook-id``).
``tables`` (optional): statements that create the feed's own tables (webhook subscriptions) beside the outbox's,
in the same database. ``headers(message, attempt)`` (optional) adds headers at each attempt, e.g. a signature
over a fresh timestamp.
A message is delivered when the receiver answers 2xx; anything else (an error status, a redirect, no answer
within ``Retry.timeout``) is a failed attempt, tried again after ``first * factor ** (attempts - 1)`` seconds (at
most ``most``), until ``attempts`` tries have failed: then its status is ``failed``. ``in_order``: a destination
gets its messages in log order, a later one waiting until every earlier one is delivered or has failed.

Where it keeps its rows: with PostgreSQL, tables ``outbox_messages``, ``outbox_attempts`` and
``outbox_<feed>_tracking`` (the checkpoint) in the ledger's database; with SQLite, a file beside the ledger's
(``ledger.outbox.sqlite3``). Unlike the views they are never rebuilt: attempts cannot be derived from the log.
Two processes may run one feed: the checkpoint moves only from where a chunk started, and each message is
claimed (leased) before it is sent.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from domain.ledger import Ledger
from projections.following import Follower, Loop
from projections.projection import LEDGER
from projections.store import PositionMoved, PostgresView, PostgresWriter, Row, Schema, SQLiteWriter, Writer, open_view

log = logging.getLogger(__name__)
CHUNK = 500  # notifications read per transaction
ATTEMPTS_SHOWN = 5  # latest attempts listed with each message

SCHEMA = Schema(
    tables=("outbox_messages", "outbox_attempts"),
    statements=(
        "CREATE TABLE IF NOT EXISTS outbox_messages (feed TEXT NOT NULL, key TEXT NOT NULL, "
        "position BIGINT NOT NULL, destination TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL, "
        "body TEXT NOT NULL, content_type TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, "
        "created_at DOUBLE PRECISION NOT NULL, next_attempt_at DOUBLE PRECISION NOT NULL, "
        "delivered_at DOUBLE PRECISION, last_status INTEGER, last_error TEXT, PRIMARY KEY (feed, key))",
        "CREATE INDEX IF NOT EXISTS outbox_messages_due ON outbox_messages (feed, status, next_attempt_at)",
        "CREATE INDEX IF NOT EXISTS outbox_messages_destination ON outbox_messages (feed, destination, position)",
        "CREATE TABLE IF NOT EXISTS outbox_attempts (feed TEXT NOT NULL, key TEXT NOT NULL, attempt INTEGER NOT NULL, "
        "at DOUBLE PRECISION NOT NULL, status INTEGER, error TEXT, seconds DOUBLE PRECISION NOT NULL, "
        "PRIMARY KEY (feed, key, attempt))",
    ),
)
MESSAGE_COLUMNS = "feed, key, position, destination, url, kind, body, content_type, status, attempts, created_at, "
MESSAGE_COLUMNS += "next_attempt_at"


class Withdrawn(Exception):
    """Raised by a headers hook: the message's destination is gone (a subscription deleted after its message was
    stored); its messages are cancelled, not tried."""


@dataclass(frozen=True)
class Message:
    """What one event tells one destination."""

    key: str  # unique in the feed, stable for (event, destination): the receiver's dedupe key
    destination: str  # who receives it: a subscription's id, or the feed's one endpoint
    url: str
    kind: str  # what it says, e.g. "delivery.refused"; listed with the deliveries
    body: str  # sent as UTF-8
    content_type: str = "application/json"
    position: int = 0  # the event's log position (set by the outbox when it is stored)


@dataclass(frozen=True)
class Retry:
    """When to try again: ``first`` seconds after the first failure, times ``factor`` each time, at most ``most``."""

    first: float = 5.0
    factor: float = 2.0
    most: float = 3600.0
    attempts: int = 30  # about a day at the defaults; then the message is "failed"
    timeout: float = 10.0  # seconds to wait for the receiver's answer

    def delay(self, failures: int) -> float:
        return float(min(self.most, self.first * self.factor ** max(0, failures - 1)))


ToMessages = Callable[[int, Any], Iterable[Message]]
Listening = Callable[[int], ToMessages | None]
Headers = Callable[[Message, int], Mapping[str, str]]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer we cannot honour (urllib would resend a POST as a bodiless GET): a failure."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def opener(*handlers: urllib.request.BaseHandler) -> urllib.request.OpenerDirector:
    """What a feed sends with: redirects refused, and whatever else ``handlers`` decide (api/destinations.py)."""
    return urllib.request.build_opener(*handlers, _NoRedirect)


class Outbox(Follower):
    def __init__(
        self,
        name: str,
        ledger: Ledger,
        listening: Listening,
        *,
        topics: Sequence[str] | None = None,
        headers: Headers | None = None,
        retry: Retry | None = None,
        in_order: bool = False,
        tables: Sequence[str] = (),
        sender: urllib.request.OpenerDirector | None = None,
    ) -> None:
        self.name = name
        self.ledger = ledger
        self.listening = listening
        self.topics = list(topics) if topics is not None else None
        self.headers = headers
        self.retry = retry or Retry()
        self.in_order = in_order
        self.sender = sender or opener()
        schema = Schema(SCHEMA.tables, (*SCHEMA.statements, *tables))  # the feed's own tables beside
        self.view, self._factory = open_view(f"outbox_{name}", schema, ledger.env, home="outbox")
        self.postgres = isinstance(self.view, PostgresView)
        self._loop = Loop(f"foodtrace-{name}", self.run_once)

    # --- from the log to stored messages ----------------------------------------------------------

    def position(self) -> int:
        """How far the feed has read the log: every event up to here has made its messages."""
        return self.view.max_tracking_id(LEDGER) or 0

    def follow(self) -> int:
        """Store the messages of every event recorded since the checkpoint; returns how many were stored."""
        stored = 0
        recorder = self.ledger.recorder
        while True:
            position = self.position()
            head = recorder.max_notification_id() or 0
            if position >= head:
                return stored
            stop = min(head, position + CHUNK)
            messages: list[Message] = []
            to_messages = self.listening(stop)
            if to_messages is not None:  # someone listens: read the chunk
                notifications = recorder.select_notifications(
                    start=position + 1, limit=CHUNK, stop=stop, topics=self.topics or ()
                )
                messages = [
                    Message(**{**vars(message), "position": n.id})
                    for n in notifications
                    for message in to_messages(n.id, self.ledger.mapper.to_domain_event(n))
                ]
            now = time.time()
            fresh = ("pending", 0, now, now)  # status, attempts, created, due
            try:
                with self.view.writing(LEDGER, position, stop) as writer:
                    writer.executemany(
                        f"INSERT INTO outbox_messages ({MESSAGE_COLUMNS}) VALUES ({', '.join('?' * 12)}) "
                        "ON CONFLICT (feed, key) DO NOTHING",
                        [
                            (self.name, m.key, m.position, m.destination, m.url, m.kind, m.body, m.content_type, *fresh)
                            for m in messages
                        ],
                    )
            except PositionMoved:
                continue  # another process stored this chunk: read on from where it got to
            stored += len(messages)

    # --- sending ------------------------------------------------------------------------------------

    def send_due(self, limit: int = 100) -> int:
        """POST every message that is due now (at most ``limit``); returns how many were delivered."""
        delivered = 0
        for row in self._due(limit):
            if self._claim(row):
                delivered += self._send(row)
        return delivered

    def _due(self, limit: int) -> list[Row]:
        waiting = ""
        if self.in_order:  # an earlier message to the same destination still on its way holds the later ones
            waiting = (
                " AND NOT EXISTS (SELECT 1 FROM outbox_messages e WHERE e.feed = m.feed "
                "AND e.destination = m.destination AND e.status = 'pending' "
                "AND (e.position < m.position OR (e.position = m.position AND e.key < m.key)))"
            )
        return self.view.select(
            f"SELECT * FROM outbox_messages m WHERE feed = ? AND status = 'pending' AND next_attempt_at <= ?{waiting} "
            "ORDER BY position, key LIMIT ?",
            (self.name, time.time(), limit),
        )

    def _claim(self, row: Row) -> bool:
        """Lease the message for one attempt, unless another sender took it since we read it."""
        lease = time.time() + self.retry.timeout + 30
        with self._transaction() as writer:
            return bool(
                writer.select(
                    "UPDATE outbox_messages SET next_attempt_at = ? WHERE feed = ? AND key = ? "
                    "AND status = 'pending' AND next_attempt_at = ? RETURNING key",
                    (lease, self.name, row["key"], row["next_attempt_at"]),
                )
            )

    def _send(self, row: Row) -> int:
        message = Message(
            **{name: row[name] for name in ("key", "destination", "url", "kind", "body", "content_type", "position")}
        )
        attempt = int(row["attempts"]) + 1
        headers = {"Content-Type": message.content_type, "User-Agent": "FoodTrace"}
        status: int | None = None
        error: str | None = None
        started = time.time()
        try:
            if self.headers is not None:
                headers.update(self.headers(message, attempt))
            request = urllib.request.Request(message.url, data=message.body.encode(), headers=headers, method="POST")
            with self.sender.open(request, timeout=self.retry.timeout) as answer:
                status = int(answer.status)
        except Withdrawn:
            self.cancel(message.destination)  # this message, and any other stored after the destination went
            return 0
        except urllib.error.HTTPError as answer:
            status, error = answer.code, f"HTTP {answer.code}"
        except Exception as failure:  # refused, unreachable, timed out, a bad URL, a headers hook that failed
            error = f"{type(failure).__name__}: {failure}"[:500]
        finished = time.time()
        ok = error is None and status is not None and 200 <= status < 300
        if not ok and error is None:
            error = f"HTTP {status}"
        self._record(message.key, attempt, started=started, finished=finished, status=status, error=error)
        return int(ok)

    def _record(
        self, key: str, attempt: int, *, started: float, finished: float, status: int | None, error: str | None
    ) -> None:
        state, next_at = "delivered", finished
        delivered_at: float | None = finished
        if error is not None:
            state = "failed" if attempt >= self.retry.attempts else "pending"
            next_at, delivered_at = finished + self.retry.delay(attempt), None
            log.warning("%s: message %s attempt %d failed: %s", self.name, key, attempt, error)
        with self._transaction() as writer:
            writer.execute(
                "INSERT INTO outbox_attempts (feed, key, attempt, at, status, error, seconds) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed, key, attempt) DO NOTHING",
                (self.name, key, attempt, started, status, error, finished - started),
            )
            writer.execute(
                "UPDATE outbox_messages SET status = ?, attempts = ?, next_attempt_at = ?, delivered_at = ?, "
                "last_status = ?, last_error = ? WHERE feed = ? AND key = ? AND status = 'pending'",  # not if cancelled
                (state, attempt, next_at, delivered_at, status, error, self.name, key),
            )

    def cancel(self, destination: str) -> None:
        """No more tries for this destination's messages (a subscription was deleted)."""
        self.view.write(
            "UPDATE outbox_messages SET status = 'cancelled' WHERE feed = ? AND destination = ? AND status = 'pending'",
            (self.name, destination),
        )

    @contextmanager
    def _transaction(self) -> Iterator[Writer]:
        with self.view.datastore.transaction(commit=True) as cursor:
            yield PostgresWriter(cursor) if self.postgres else SQLiteWriter(cursor)

    # --- what the receiver was sent ------------------------------------------------------------------

    def deliveries(self, destination: str, limit: int = 50, before: tuple[int, str] | None = None) -> list[Row]:
        """The destination's messages, newest first, each with ``tries``: its latest attempts, newest first.

        ``before``: the (position, key) of the last message of the page before, for the next page.
        """
        position, key = before or (2**62, "")
        rows = self.view.select(
            "SELECT key, position, kind, status, attempts, created_at, next_attempt_at, delivered_at, last_status, "
            "last_error FROM outbox_messages WHERE feed = ? AND destination = ? "
            "AND (position < ? OR (position = ? AND key < ?)) ORDER BY position DESC, key DESC LIMIT ?",
            (self.name, destination, position, position, key, limit),
        )
        tries: dict[str, list[Row]] = {}
        found = self.view.select_in(
            "SELECT key, attempt, at, status, error, seconds FROM outbox_attempts WHERE feed = ? AND key IN",
            [row["key"] for row in rows],
            (self.name,),
        )
        for attempt in sorted(found, key=lambda a: -int(a["attempt"])):
            tries.setdefault(attempt["key"], []).append(attempt)
        return [{**row, "tries": tries.get(row["key"], [])[:ATTEMPTS_SHOWN]} for row in rows]

    # --- running ------------------------------------------------------------------------------------

    def run_once(self) -> int:
        """Follow the log, then send what is due; returns how many messages were delivered."""
        self.follow()
        return self.send_due()

    def close(self) -> None:
        self.stop()
        self._factory.close()
