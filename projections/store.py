"""Where a view keeps its rows: a tracking recorder of the eventsourcing library with the view's own tables.

A view's rows and its position in the event log are written in one transaction, so it neither misses nor
double-counts an event. Each view has its own tracking table (``view_<name>_tracking``), so views can be
rebuilt one at a time. The SQL is written once with ``?`` placeholders; the PostgreSQL view turns them into
``%s``, and the SQLite view turns values it has no type for (Decimal, date, datetime, UUID) into text.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import InfrastructureFactory, IntegrityError, Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresDatastore, PostgresRecorder, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteRecorder, SQLiteTrackingRecorder
from eventsourcing.utils import Environment
from psycopg.sql import SQL, Identifier

Row = dict[str, Any]

# Column types as each backend spells them; SQLite keeps text, which sorts like the value when ISO-formatted.
POSTGRES_TYPES = {"decimal": "NUMERIC", "date": "DATE", "time": "TIMESTAMPTZ", "bool": "BOOLEAN", "uuid": "UUID"}
SQLITE_TYPES = {"decimal": "TEXT", "date": "TEXT", "time": "TEXT", "bool": "INTEGER", "uuid": "TEXT"}
# ``{starts}`` after an indexed column lets ``LIKE 'x%'`` use the index: PostgreSQL's default collation does not,
# and SQLite's LIKE ignores ASCII case, so its index must too.
POSTGRES_TYPES["starts"], SQLITE_TYPES["starts"] = "text_pattern_ops", "COLLATE NOCASE"


def view_text(value: Any) -> Any:
    """A stored value as a view can hold it: PostgreSQL text cannot hold NUL, so NUL shows as U+FFFD (�).

    Events are never edited, and some were recorded before text was checked: the views accept them as they
    are; a batch's history (read from the events) still shows them exactly as stored.
    """
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


# Where a view that stopped at an event says so (one row per view; see projections/failures.py).
FAILURES_DDL = (
    "CREATE TABLE IF NOT EXISTS view_failures (view_name TEXT PRIMARY KEY, notification_id BIGINT NOT NULL, "
    "error TEXT NOT NULL, failed_at TEXT NOT NULL, last_attempt_at TEXT NOT NULL, attempts INTEGER NOT NULL)"
)


class PositionMoved(IntegrityError):
    """Another projector wrote this view since we read its position: the chunk is dropped, not applied twice."""


@dataclass(frozen=True)
class Schema:
    """A view's tables and indexes, with ``{decimal}``, ``{date}``, ``{time}``, ``{bool}``, ``{uuid}`` for types."""

    tables: tuple[str, ...]
    statements: tuple[str, ...]

    def ddl(self, types: Mapping[str, str]) -> list[str]:
        return [statement.format(**types) for statement in self.statements]

    def fingerprint(self) -> str:
        """Changes whenever a table or index does: a view built with other tables is dropped and built again."""
        return hashlib.sha256("\n".join(self.statements).encode()).hexdigest()

    def secondary_indexes(self, types: Mapping[str, str]) -> dict[str, str]:
        """The indexes that only speed up reads, by name: a catch-up from the first event builds them at the end.

        Unique indexes are not among them: they refuse a row as it is written, and must stay.
        """
        found = [s.format(**types) for s in self.statements if s.startswith(SECONDARY_INDEX)]
        return {statement.removeprefix(SECONDARY_INDEX).split()[0]: statement for statement in found}


@dataclass(frozen=True)
class Select:
    """One query of ``select_many``: as ``select(sql, params)``, or with ``keys`` as ``select_in``."""

    sql: str
    params: Sequence[Any] = ()
    keys: Sequence[Any] | None = None


SECONDARY_INDEX = "CREATE INDEX IF NOT EXISTS "  # how a schema spells an index that is not unique

# Each view's schema fingerprint, so that a new column rebuilds the view instead of failing every read.
SCHEMAS_DDL = "CREATE TABLE IF NOT EXISTS view_schemas (name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)"


class Writer(Protocol):
    """What a projection may do inside its view's transaction."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def insert(self, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
        """Add rows (``columns`` comma-separated): COPY on PostgreSQL, several times faster than INSERTs."""
        ...

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def select_in(self, sql: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> list[Row]:
        """``sql`` ends with ``WHERE <column> IN`` (or ``AND <column> IN``); the keys are appended."""
        ...

    def select_many(self, selects: Sequence[Select]) -> list[list[Row]]:
        """Each query's rows, in order; on PostgreSQL sent together, one round trip for all (a pipeline)."""
        ...


class View(Protocol):
    schema: Schema
    tracking_table_name: str

    def create_table(self) -> None: ...

    def max_tracking_id(self, application_name: str) -> int | None: ...

    def writing(self, application_name: str, expected: int | None, to: int) -> Any: ...

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def select_in(self, sql: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> list[Row]: ...

    def reading(self) -> Any: ...

    def replace_if_changed(self) -> None: ...

    def write(self, sql: str, params: Sequence[Any] = ()) -> None:
        """One statement in a transaction of its own (the view's bookkeeping, not its rows)."""
        ...

    def analyse(self) -> None:
        """Refresh the planner's statistics: after a bulk load they are missing and lookups turn into scans."""
        ...

    indexes_deferred: bool

    def defer_indexes(self) -> None:
        """Drop the secondary indexes for a catch-up from the first event (``indexes_deferred`` until built)."""
        ...

    def build_indexes(self) -> None:
        """Create the secondary indexes that are missing (all of them after ``defer_indexes``)."""
        ...

    def missing_indexes(self) -> list[str]: ...

    def reset(self, application_name: str) -> None: ...


# --- PostgreSQL ----------------------------------------------------------------------------------------


class PostgresWriter:
    def __init__(self, cursor: Any, prelude: Sequence[Any] = ()) -> None:
        self.cursor = cursor
        # Statements that must run first (a read's SET TRANSACTION): sent with the first queries, not on their own.
        self.prelude = list(prelude)

    def _run_prelude(self) -> None:
        while self.prelude:
            self.cursor.execute(self.prelude.pop(0))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._run_prelude()
        self.cursor.execute(sql.replace("?", "%s"), [view_text(p) for p in params])

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._run_prelude()
        rows = [[view_text(v) for v in row] for row in rows]
        if rows:
            self.cursor.executemany(sql.replace("?", "%s"), rows)

    def insert(self, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
        self._run_prelude()
        with self.cursor.copy(SQL("COPY {} ({}) FROM STDIN").format(Identifier(table), SQL(columns))) as copy:
            for row in rows:  # view_text, written out: a call for every value of a rebuild's rows is felt
                copy.write_row([v.replace("\x00", "\ufffd") if isinstance(v, str) and "\x00" in v else v for v in row])

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        if self.prelude:  # one round trip for the prelude and the query
            return self.select_many([Select(sql, params)])[0]
        self.cursor.execute(sql.replace("?", "%s"), [view_text(p) for p in params])
        return list(self.cursor.fetchall())

    def select_in(self, sql: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> list[Row]:
        if not keys:
            return []
        # "x IN" becomes "x = ANY(%s)": one array parameter, one plan, whatever the number of keys.
        head, _, tail = sql.rpartition(" IN")
        # The keys go as one array, which select() does not look into: each key is held as the view holds it.
        return self.select(f"{head} = ANY(?){tail}", [*params, [view_text(key) for key in keys]])

    def select_many(self, selects: Sequence[Select]) -> list[list[Row]]:
        # Pipeline mode: every query is sent before any answer is awaited; the block's end waits for them all.
        connection = self.cursor.connection
        cursors: list[Any] = []
        with connection.pipeline():
            while self.prelude:
                self.cursor.execute(self.prelude.pop(0))
            for query in selects:
                if query.keys is not None and not query.keys:
                    cursors.append(None)  # as select_in: no keys, no query
                    continue
                sql, params = query.sql, [view_text(p) for p in query.params]
                if query.keys is not None:
                    head, _, tail = sql.rpartition(" IN")
                    sql, params = f"{head} = ANY(?){tail}", [*params, [view_text(key) for key in query.keys]]
                cursor = connection.cursor(row_factory=self.cursor.row_factory)
                cursor.execute(sql.replace("?", "%s"), params)
                cursors.append(cursor)
        return [[] if cursor is None else list(cursor.fetchall()) for cursor in cursors]


DDL_LOCK_KEY = 0x466F6F6444444C31  # "FoodDDL1": one process at a time makes a database's tables
_making = threading.local()  # the databases this thread holds the lock of, and how deep


@contextmanager
def one_process_at_a_time(datastore: PostgresDatastore) -> Iterator[None]:
    """Tables, types, indexes and functions made by one process at a time in a database.

    PostgreSQL's catalogue does not take two of the same CREATE … IF NOT EXISTS (or CREATE TYPE) at once: the second
    fails (duplicate key in pg_type or pg_class). Four processes opening a new database together failed 10 times in
    10 (a server and ``foodtrace projections rebuild`` started together, or several containers). A session-level
    advisory lock on a connection of its own, released if the process dies. A view's tables are made under it in
    ``open_view``; taken again by the same thread (a set-up inside another), it is already held, rather than waited
    for on a second connection forever.
    """
    kwargs = datastore.pool.kwargs if isinstance(datastore.pool.kwargs, dict) else {}  # the library passes a dict
    database = (kwargs.get("host"), kwargs.get("port"), kwargs.get("dbname"))
    held: dict[Any, int] = _making.__dict__.setdefault("held", {})
    if held.get(database):
        held[database] += 1
        try:
            yield
        finally:
            held[database] -= 1
        return
    with datastore.get_connection() as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (DDL_LOCK_KEY,))
        held[database] = 1
        try:
            yield
        finally:
            del held[database]
            connection.execute("SELECT pg_advisory_unlock(%s)", (DDL_LOCK_KEY,))


class PostgresView(PostgresTrackingRecorder):
    def __init__(self, datastore: PostgresDatastore, *, tracking_table_name: str, schema: Schema) -> None:
        super().__init__(datastore, tracking_table_name=tracking_table_name)
        self.schema = schema
        self.sql_create_statements.extend(SQL(s).format() for s in (*schema.ddl(POSTGRES_TYPES), FAILURES_DDL))
        self.aside = False  # a view rebuilt aside lives in a schema of its own (see open_view)
        self.indexes_deferred = False

    def _create_table(self, curs: Any) -> None:
        self._in_schema(curs)
        # Our tracking tables were single-row from the start: skip the library's migration of older layouts.
        PostgresRecorder._create_table(self, curs)

    def _in_schema(self, cursor: Any) -> None:
        """The views' SQL names tables without a schema: an aside view finds its own first."""
        if self.aside:
            cursor.execute(SQL("SET LOCAL search_path TO {}").format(Identifier(self.datastore.schema)))

    @contextmanager
    def _transaction(self, commit: bool) -> Iterator[Any]:
        with self.datastore.transaction(commit=commit) as cursor:
            self._in_schema(cursor)
            yield cursor

    @contextmanager
    def _read(self) -> Iterator[Any]:
        """A transaction for reading, ended with COMMIT (it writes nothing): psycopg forgets a connection's prepared
        statements at every ROLLBACK, and the views' queries were parsed and planned again at every request
        (a backward trace's ~20, 0.1-0.5 ms each in PostgreSQL's log)."""
        with self._transaction(commit=True) as cursor:
            yield cursor

    @contextmanager
    def writing(self, application_name: str, expected: int | None, to: int) -> Iterator[PostgresWriter]:
        with self._transaction(commit=True) as cursor:
            if expected is not None:
                cursor.execute(
                    SQL("SELECT notification_id FROM {}.{} WHERE application_name = %s FOR UPDATE").format(
                        Identifier(self.datastore.schema), Identifier(self.tracking_table_name)
                    ),
                    (application_name,),
                )
                found = cursor.fetchone()
                if (found["notification_id"] if found else 0) != expected:
                    raise PositionMoved(f"{self.tracking_table_name} moved on from {expected}")
            yield PostgresWriter(cursor)
            self._insert_tracking(cursor, Tracking(application_name, to))

    @contextmanager
    def reading(self) -> Iterator[PostgresWriter]:
        """One snapshot for many queries (and one round trip each, not three)."""
        prelude: list[Any] = ["SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"]
        if self.aside:
            prelude.append(SQL("SET LOCAL search_path TO {}").format(Identifier(self.datastore.schema)))
        with self.datastore.transaction(commit=True) as cursor:  # commits nothing: see _read
            yield PostgresWriter(cursor, prelude=prelude)

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._read() as cursor:
            return PostgresWriter(cursor).select(sql, params)

    def write(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._transaction(commit=True) as cursor:
            PostgresWriter(cursor).execute(sql, params)

    def select_in(self, sql: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> list[Row]:
        with self._read() as cursor:
            return PostgresWriter(cursor).select_in(sql, keys, params)

    def replace_if_changed(self) -> None:
        """Drop the view's tables and position when they were made by another schema (rebuilt from the log)."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(SCHEMAS_DDL)
            cursor.execute("LOCK TABLE view_schemas IN EXCLUSIVE MODE")  # two processes starting together
            cursor.execute("SELECT fingerprint FROM view_schemas WHERE name = %s", (self.tracking_table_name,))
            found = cursor.fetchone()
            if found and found["fingerprint"] == self.schema.fingerprint():
                return
            for table in (*self.schema.tables, self.tracking_table_name):
                cursor.execute(SQL("DROP TABLE IF EXISTS {}").format(Identifier(table)))
            cursor.execute(
                "INSERT INTO view_schemas VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET fingerprint = %s",
                (self.tracking_table_name, self.schema.fingerprint(), self.schema.fingerprint()),
            )

    def analyse(self) -> None:
        tables = SQL(", ").join(Identifier(self.datastore.schema, t) for t in self.schema.tables)
        with self.datastore.get_connection() as connection:  # autocommit: ANALYZE of many tables, no transaction
            connection.execute(SQL("ANALYZE {}").format(tables))

    def defer_indexes(self) -> None:
        with self._transaction(commit=True) as cursor:
            for name in self.schema.secondary_indexes(POSTGRES_TYPES):
                cursor.execute(SQL("DROP INDEX IF EXISTS {}").format(Identifier(name)))
        self.indexes_deferred = True

    def build_indexes(self) -> None:
        with self._transaction(commit=True) as cursor:
            # One process at a time: two that both deferred them would race to create the same names.
            lock = SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(Identifier(self.tracking_table_name))
            cursor.execute(lock)
            for statement in self.schema.secondary_indexes(POSTGRES_TYPES).values():
                cursor.execute(statement)
        self.indexes_deferred = False

    def missing_indexes(self) -> list[str]:
        names = list(self.schema.secondary_indexes(POSTGRES_TYPES))
        with self._read() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ANY(%s)", [names]
            )
            found = {row["indexname"] for row in cursor.fetchall()}
        return [name for name in names if name not in found]

    def reset(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(SQL("TRUNCATE {}").format(SQL(", ").join(Identifier(t) for t in self.schema.tables)))
            cursor.execute(
                SQL("DELETE FROM {} WHERE application_name = %s").format(Identifier(self.tracking_table_name)),
                (application_name,),
            )


# --- SQLite --------------------------------------------------------------------------------------------


def sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Fixed width in UTC, so that text order is time order.
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    if isinstance(value, date | Decimal):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, UUID):
        return str(value)
    return view_text(value)  # SQLite could keep NUL, but both backends' views must answer alike


class SQLiteWriter:
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(sql, [sqlite_value(p) for p in params])

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.cursor.executemany(sql, [[sqlite_value(v) for v in row] for row in rows])

    def insert(self, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
        marks = ", ".join("?" * len(columns.split(",")))
        self.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.execute(sql, params)
        return [dict(row) for row in self.cursor.fetchall()]

    def select_in(self, sql: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> list[Row]:
        found: list[Row] = []
        for start in range(0, len(keys), 500):  # stay under SQLite's limit on parameters
            part = list(keys[start : start + 500])
            head, _, tail = sql.rpartition(" IN")
            marks = ", ".join("?" * len(part))
            found += self.select(f"{head} IN ({marks}){tail}", [*params, *part])
        return found

    def select_many(self, selects: Sequence[Select]) -> list[list[Row]]:
        # In-process: no round trips to save.
        return [
            self.select(q.sql, q.params) if q.keys is None else self.select_in(q.sql, q.keys, q.params) for q in selects
        ]


class SQLiteView(SQLiteTrackingRecorder):
    def __init__(self, datastore: SQLiteDatastore, *, tracking_table_name: str, schema: Schema) -> None:
        # Set before the base class asks for the create statements.
        self.tracking_table_name = tracking_table_name
        self.schema = schema
        super().__init__(datastore)
        t = tracking_table_name
        self.insert_tracking_statement = (
            f"INSERT INTO {t} VALUES (:application_name, :notification_id) "
            "ON CONFLICT (application_name) DO UPDATE SET notification_id = :notification_id "
            f"WHERE {t}.notification_id < :notification_id RETURNING notification_id"
        )
        self.select_max_tracking_id_statement = f"SELECT MAX(notification_id) FROM {t} WHERE application_name=?"
        self.indexes_deferred = False

    def construct_create_table_statements(self) -> list[str]:
        return [
            *self.schema.ddl(SQLITE_TYPES),
            FAILURES_DDL,
            f"CREATE TABLE IF NOT EXISTS {self.tracking_table_name} (application_name TEXT, notification_id INTEGER, "
            "PRIMARY KEY (application_name)) WITHOUT ROWID",
        ]

    def _create_table(self, c: Any) -> None:
        SQLiteRecorder._create_table(self, c)  # as for PostgreSQL: no migration of older tracking layouts

    @contextmanager
    def writing(self, application_name: str, expected: int | None, to: int) -> Iterator[SQLiteWriter]:
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            # IMMEDIATE takes the write lock now, so the position we check cannot change under us.
            cursor.execute("BEGIN IMMEDIATE")
            try:
                if expected is not None:
                    current = self._max_tracking_id(application_name, cursor) or 0
                    if current != expected:
                        raise PositionMoved(f"{self.tracking_table_name} moved on from {expected}")
                yield SQLiteWriter(cursor)
                self._insert_tracking(cursor, Tracking(application_name, to))
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    @contextmanager
    def reading(self) -> Iterator[SQLiteWriter]:
        """One snapshot for many queries (a read transaction in WAL mode)."""
        with self.datastore.transaction(commit=False) as cursor:
            yield SQLiteWriter(cursor)

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.datastore.transaction(commit=False) as cursor:
            return SQLiteWriter(cursor).select(sql, params)

    def write(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            SQLiteWriter(cursor).execute(sql, params)

    def select_in(self, sql: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> list[Row]:
        with self.datastore.transaction(commit=False) as cursor:
            return SQLiteWriter(cursor).select_in(sql, keys, params)

    def replace_if_changed(self) -> None:
        """Drop the view's tables and position when they were made by another schema (rebuilt from the log)."""
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")  # two processes starting together
            try:
                cursor.execute(SCHEMAS_DDL)
                cursor.execute("SELECT fingerprint FROM view_schemas WHERE name = ?", (self.tracking_table_name,))
                found = cursor.fetchone()
                if not (found and found[0] == self.schema.fingerprint()):
                    for table in (*self.schema.tables, self.tracking_table_name):
                        cursor.execute(f"DROP TABLE IF EXISTS {table}")
                    cursor.execute(
                        "INSERT INTO view_schemas VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET fingerprint = ?",
                        (self.tracking_table_name, self.schema.fingerprint(), self.schema.fingerprint()),
                    )
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    def analyse(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("ANALYZE")

    def defer_indexes(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for name in self.schema.secondary_indexes(SQLITE_TYPES):
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        self.indexes_deferred = True

    def build_indexes(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for statement in self.schema.secondary_indexes(SQLITE_TYPES).values():
                cursor.execute(statement)
        self.indexes_deferred = False

    def missing_indexes(self) -> list[str]:
        names = list(self.schema.secondary_indexes(SQLITE_TYPES))
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            found = {row[0] for row in cursor.fetchall()}
        return [name for name in names if name not in found]

    def reset(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for table in self.schema.tables:
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute(f"DELETE FROM {self.tracking_table_name} WHERE application_name = ?", (application_name,))


# --- opening a view --------------------------------------------------------------------------------------


def views_env(env: Mapping[str, str], home: str = "views") -> dict[str, str]:
    """The settings for the views: the ledger's PostgreSQL database, or an SQLite file beside the ledger's.

    A separate SQLite file keeps the projector's writes from taking the ledger file's write lock, so
    storekeepers' scans never wait for a view to be written. ``home`` names that file (``ledger.<home>.sqlite3``).
    """
    views = {k: v for k, v in env.items() if not k.startswith("LEDGER_")}
    views.update({k.removeprefix("LEDGER_"): v for k, v in env.items() if k.startswith("LEDGER_")})
    if views.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
        ledger_file = Path(views["SQLITE_DBNAME"])
        views["SQLITE_DBNAME"] = str(ledger_file.with_name(ledger_file.stem + f".{home}.sqlite3"))
    else:
        small = "2" if home == "views" else "1"  # an outbox writes a few rows now and then: one connection, one spare
        views.setdefault("POSTGRES_POOL_SIZE", small)
        views.setdefault("POSTGRES_MAX_OVERFLOW", small)
    return views


def open_view(
    name: str, schema: Schema, env: Mapping[str, str], aside: bool = False, home: str = "views"
) -> tuple[PostgresView | SQLiteView, Any]:
    """The view of the projection ``name`` and the factory that owns its connections (close it when done).

    ``aside``: a new, empty copy beside the live view, to rebuild into (projections/aside.py): in PostgreSQL
    the schema ``<name>_aside`` of the same database, in SQLite the file ``….views.<name>-aside.sqlite3``.
    ``home`` other than "views" (an outbox, api/outbox.py): tables that hold what the log cannot give back
    (attempts, subscriptions), kept in their own SQLite file and never dropped for a new schema.
    """
    settings = views_env(env, home)
    if aside:
        settings["POSTGRES_SCHEMA"] = f"{name}_aside"
        if "SQLITE_DBNAME" in settings:
            views_file = Path(settings["SQLITE_DBNAME"])
            settings["SQLITE_DBNAME"] = str(views_file.with_name(f"{views_file.stem}.{name}-aside.sqlite3"))
            for suffix in ("", "-wal", "-shm"):
                Path(settings["SQLITE_DBNAME"] + suffix).unlink(missing_ok=True)
    factory = InfrastructureFactory[TrackingRecorder].construct(Environment(name, settings))
    tracking = f"{name}_tracking"
    view: PostgresView | SQLiteView
    datastore = factory.datastore  # type: ignore[attr-defined]
    if isinstance(datastore, PostgresDatastore):
        view = PostgresView(datastore, tracking_table_name=tracking, schema=schema)
        if aside:
            view.aside = True
            with datastore.transaction(commit=True) as cursor:  # a leftover of a failed rebuild goes first
                cursor.execute(
                    SQL("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}").format(Identifier(datastore.schema))
                )
    else:
        view = SQLiteView(datastore, tracking_table_name=tracking, schema=schema)
    with one_process_at_a_time(datastore) if isinstance(view, PostgresView) else nullcontext():
        if not aside and home == "views":  # a copy aside starts empty, with today's tables
            view.replace_if_changed()
        view.create_table()
    return view, factory
