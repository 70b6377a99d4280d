"""Recorders whose insert checks, in the same transaction, that what the command read is still current.

``Ledger.execute`` decides a command on records from the library's aggregate cache, without a query, and passes
the version of each record it read to its save (``read_versions``, through the library's ``save(**kwargs)``). These
recorders insert the command's events only if none of those records has a newer event, checked after the lock that
orders every writer (PostgreSQL's table lock, SQLite's write lock), so no write can slip in between the check and
the commit. If one has, nothing is written and ``ReadsChanged`` makes the Ledger decide again on the records as
they now stand. A command that read every event of a topic up to some position (a recall reads every receipt of
its lot: ``Ledger.scanned``) is written only if the log has no newer event of that topic. No extra round trip: on
PostgreSQL the check is part of the INSERT statement, in the library's pipelined transaction.

On SQLite the connections keep their prepared statements (the library asks for a cache of one, so the check's
SELECT and the INSERT were compiled again for every command).

Selected by ``APPLICATION_RECORDER_TOPIC`` (api.settings.eventsourcing_env sets it for both stores).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteCursor,
    SQLiteDatastore,
)
from eventsourcing.utils import get_topic, retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier
from psycopg.types.numeric import Int8  # one type whatever the version: one prepared statement

from domain.ledger import ReadsChanged
from projections.store import one_process_at_a_time

ReadVersions = Mapping[UUID, int]


Scanned = Mapping[str, int]  # a topic the command read every event of, up to this notification id
# Not one event of a scanned topic after the command's scan (the statement sees the log as it was before its own
# insert, after the table lock).
# The ids after the head scanned, up to the log's head, each probed by the unique index: with a range condition
# instead, a never analysed log (or a generic plan, which cannot know the range is short) is scanned whole, under the
# lock that orders every writer. OFFSET 0 keeps the probe a subquery run per id rather than a join the planner redoes.
SCANNED = (
    " AND NOT EXISTS (SELECT FROM generate_series(%s::bigint + 1,"
    " (SELECT max(m.notification_id) FROM {schema}.{table} AS m)) AS n(id)"
    " CROSS JOIN LATERAL (SELECT FROM {schema}.{table} AS s"
    " WHERE s.notification_id = n.id AND s.topic = ANY(%s::text[]) OFFSET 0) AS found)"
)


def changed_message(read_versions: ReadVersions, scanned: Scanned | None = None) -> str:
    also = f", or the log has new events of {', '.join(scanned)}" if scanned else ""
    return f"one of {len(read_versions)} records read has newer events{also}; nothing was written"


class CheckedPostgresRecorder(PostgresApplicationRecorder):
    checks_reads = True

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        # Each record read is checked by a scalar subquery: one backward probe of the primary key whatever the table's
        # statistics say. A join of the read records with the log let the planner of a fresh, unanalysed table (a new
        # database, the bench's) hash-join them over a scan of the whole log: 0.9 ms at 3,000 events, growing with it.
        statement = SQL(
            "INSERT INTO {schema}.{table} AS t (originator_id, originator_version, topic, state)"
            " SELECT originator_id, originator_version, topic, state FROM unnest(%s::{schema}.{stored_event_type}[])"
            " WHERE NOT EXISTS (SELECT FROM unnest(%s::uuid[], %s::bigint[]) AS r(id, version)"
            " WHERE (SELECT max(e.originator_version) FROM {schema}.{table} AS e WHERE e.originator_id = r.id)"
            " > r.version)"
            "{scanned} RETURNING notification_id"
        )
        names = {
            "schema": Identifier(self.datastore.schema),
            "table": Identifier(self.events_table_name),
            "stored_event_type": Identifier(self.stored_event_type_name),
        }
        self.checked_insert_statement = statement.format(**names, scanned=SQL(""))
        self.scan_checked_insert_statement = statement.format(**names, scanned=SQL(SCANNED).format(**names))
        self._names = names
        self._select_newer: dict[int, Composed] = {}

    def create_table(self) -> None:
        with one_process_at_a_time(self.datastore):  # the library's CREATE TYPE and CREATE OR REPLACE FUNCTION race
            super().create_table()

    def select_newer_statement(self, records: int) -> Composed:
        """The card's read of several records' newer events: one probe of the primary key per record, a branch each.

        Each branch's parameters are plain values, so PostgreSQL plans the statement once for good (its generic
        plan costs what a plan made for the values would). With the records as arrays, as before, a plan made for
        the values always looked cheaper than the generic one (which guesses ten elements), and PostgreSQL planned
        the statement again at every card: 0.26 ms of its 0.33 (bind and execute, seen in its log).
        """
        if (found := self._select_newer.get(records)) is not None:
            return found
        branch = SQL(
            "(SELECT originator_id, originator_version, topic, state FROM {schema}.{table}"
            " WHERE originator_id = %s AND originator_version > %s)"
        ).format(**self._names)
        found = SQL("{branches} ORDER BY originator_id, originator_version").format(
            branches=SQL(" UNION ALL ").join([branch] * records)
        )
        self._select_newer[records] = found
        return found

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's insert_events
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """The library's insert (9.5), its COMMIT sent with the INSERT: one round trip, not two.

        The library waits for the INSERT's answer, then sends COMMIT; the table lock that orders every writer is
        held across that second trip, and in a busy server the thread waits for the GIL before it can send it.
        Under the mixed day's load, writers waited 3.9 ms on average for that lock (PostgreSQL's log). Here the
        COMMIT follows in the same pipeline: the lock is held while PostgreSQL runs the statements, not while
        Python gets round to them. A failed INSERT (a duplicate version: another writer won) aborts the
        transaction, PostgreSQL skips the COMMIT, and the error comes back at the sync, as the library's does.
        Acknowledged only once the COMMIT's answer is in.
        """
        if self.datastore.enable_db_functions or not stored_events:
            recorded: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return recorded
        failed: Exception | None = None
        ids: Sequence[int] | None = None
        with self.datastore.get_connection() as conn:
            with conn.pipeline() as pipeline, conn.cursor() as curs:
                with conn.transaction():
                    self._insert_events(curs, stored_events, **kwargs)
                    self._insert_stored_events(curs, stored_events, **kwargs)
                try:
                    pipeline.sync()
                    ids = self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
                except Exception as error:  # raised after the pipeline has closed, as the library does
                    failed = error
            if failed is not None:
                conn.rollback()  # the aborted transaction, its COMMIT skipped: the connection goes back clean
                raise failed
        return ids

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's select_events
    def select_newer_events(self, versions: ReadVersions) -> list[StoredEvent]:
        """The events of several records after the versions given, in one round trip (a card's batch and supplier)."""
        with self.datastore.get_connection() as connection, connection.cursor() as curs:
            parameters = [value for record, version in versions.items() for value in (record, Int8(version))]
            curs.execute(self.select_newer_statement(len(versions)), parameters, prepare=True)
            return [
                StoredEvent(
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in curs.fetchall()
            ]

    def _insert_stored_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        read_versions: ReadVersions | None = kwargs.get("read_versions")
        scanned: Scanned | None = kwargs.get("scanned")
        if not read_versions and not scanned:
            super()._insert_stored_events(curs, stored_events, **kwargs)
            return
        self._lock_table(curs)  # as the library's insert does: writers commit in the order of their ids
        self._notify_channel(curs)
        pg_stored_events = [
            self.construct_pg_stored_event(s.originator_id, s.originator_version, s.topic, s.state)
            for s in stored_events
        ]
        ids, versions = list(read_versions or {}), list((read_versions or {}).values())
        if not scanned:
            curs.execute(query=self.checked_insert_statement, params=(pg_stored_events, ids, versions), prepare=True)
            return
        params = (pg_stored_events, ids, versions, min(scanned.values()), list(scanned))
        curs.execute(query=self.scan_checked_insert_statement, params=params, prepare=True)

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        read_versions: ReadVersions | None = kwargs.get("read_versions")
        scanned: Scanned | None = kwargs.get("scanned")
        if (read_versions or scanned) and stored_events and not ids:  # the check held the insert back
            raise ReadsChanged(changed_message(read_versions or {}, scanned))  # nothing was written
        return ids


CHECKS_PER_STATEMENT = 100  # records checked by one SQLite statement (a compound SELECT has at most 500 terms)
STATEMENT_CACHE = 64  # prepared statements per SQLite connection: every statement a command runs, and then some


class StatementCachingPool(SQLiteConnectionPool):
    """The library's SQLite connections with a statement cache: it passes ``cached_statements=True``, i.e. one."""

    def _create_connection(self) -> SQLiteConnection:
        if not self.is_sqlite_memory_mode and not self.is_journal_mode_wal:
            super()._create_connection().close()  # the library's first connection puts the file in WAL mode
        try:
            connection = sqlite3.connect(
                database=self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,  # autocommit: the library issues BEGIN itself
                cached_statements=STATEMENT_CACHE,
                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT,
            )
        except (sqlite3.Error, TypeError) as error:
            raise InterfaceError(error) from error
        connection.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=connection, max_age=self.max_age)


class CheckedSQLiteRecorder(SQLiteApplicationRecorder):
    checks_reads = True

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        if type(datastore.pool) is SQLiteConnectionPool:  # same state, one method other; connections come later
            datastore.pool.__class__ = StatementCachingPool
        super().__init__(datastore, **kwargs)
        self._probe_statements: dict[int, str] = {}

    def select_newer_events(self, versions: ReadVersions) -> list[StoredEvent]:
        """As on PostgreSQL, a query each: SQLite has no round trip to save."""
        return [event for record, version in versions.items() for event in self.select_events(record, gt=version)]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)  # first: the insert takes the write lock
        read_versions: ReadVersions | None = kwargs.get("read_versions")
        if read_versions and self._any_newer(c, list(read_versions.items())):
            raise ReadsChanged(changed_message(read_versions))  # the transaction rolls back
        scanned: Scanned | None = kwargs.get("scanned")
        if scanned:  # recorded after the head the command scanned to, and before this command's own events
            before = min(ids) if ids else (1 << 63) - 1
            topics = ", ".join("?" * len(scanned))
            c.execute(
                f"SELECT 1 FROM {self.events_table_name} WHERE rowid > ? AND rowid < ? AND topic IN ({topics}) LIMIT 1",
                [min(scanned.values()), before, *scanned],
            )
            if c.fetchone() is not None:
                raise ReadsChanged(changed_message(read_versions or {}, scanned))
        return ids

    def _any_newer(self, c: SQLiteCursor, reads: list[tuple[UUID, int]]) -> bool:
        """Whether any record read has an event newer than the version read: one probe of the primary key each.

        A UNION ALL of single probes (4 µs for five records) rather than one WHERE of ORs (13 µs: SQLite collects
        the rows of an OR in a set first); in chunks, under SQLite's limit of 500 terms to a compound SELECT.
        """
        for start in range(0, len(reads), CHECKS_PER_STATEMENT):
            chunk = reads[start : start + CHECKS_PER_STATEMENT]
            c.execute(self._probes(len(chunk)), [x for i, v in chunk for x in (i.hex, v)])
            if c.fetchone() is not None:
                return True
        return False

    def _probes(self, records: int) -> str:
        """The statement that probes ``records`` records, made once per number (the same text, already hashed, for
        the connection's statement cache)."""
        if (found := self._probe_statements.get(records)) is None:
            probe = f"SELECT 1 FROM {self.events_table_name} WHERE originator_id = ? AND originator_version > ?"
            found = self._probe_statements[records] = " UNION ALL ".join([probe] * records) + " LIMIT 1"
        return found


CHECKED_POSTGRES = get_topic(CheckedPostgresRecorder)
CHECKED_SQLITE = get_topic(CheckedSQLiteRecorder)
