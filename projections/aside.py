"""A view rebuilt aside: built beside the live view, then swapped in whole, or compared with it row by row.

A rebuild never empties the view that answers queries: it builds a new copy from the first event (in
PostgreSQL a schema ``<view>_aside`` of the same database, in SQLite a file beside the views' file), and only
when that copy has reached the log's head does one transaction put it in the live view's place, its position
included. A rebuild that fails on the way leaves the old view serving, untouched.

``differences`` compares a live view with such a copy at the same position (``foodtrace projections verify``):
row counts and the rows found in one and not the other, per table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psycopg.sql import SQL, Identifier

from projections.store import PostgresView, SQLiteView

SAMPLE = 5  # differing rows shown per table
View = PostgresView | SQLiteView


def swap_in(live: View, aside: View, name: str) -> None:
    """Put the aside copy (its tables and its position) in the live view's place, in one transaction."""
    tables = [live.tracking_table_name, *live.schema.tables]  # tracking first: the order a projector locks in
    if isinstance(live, PostgresView) and isinstance(aside, PostgresView):
        home, side = live.datastore.schema, aside.datastore.schema
        retired = Identifier(f"{side}_retired")
        with live.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                    SQL(", ").join(Identifier(home, t) for t in tables)
                )
            )
            cursor.execute(SQL("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}").format(retired))
            for table in tables:
                cursor.execute(SQL("ALTER TABLE {} SET SCHEMA {}").format(Identifier(home, table), retired))
                cursor.execute(SQL("ALTER TABLE {} SET SCHEMA {}").format(Identifier(side, table), Identifier(home)))
            cursor.execute(
                SQL("DELETE FROM {} WHERE view_name = %s").format(Identifier(home, "view_failures")), (name,)
            )
            cursor.execute(SQL("DROP SCHEMA {} CASCADE").format(retired))
        return
    assert isinstance(live, SQLiteView) and isinstance(aside, SQLiteView)
    with _attached(live, aside) as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        try:
            for table in tables:
                cursor.execute(f"DELETE FROM main.{table}")
                cursor.execute(f"INSERT INTO main.{table} SELECT * FROM aside.{table}")
            cursor.execute("DELETE FROM main.view_failures WHERE view_name = ?", (name,))
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")


def discard(aside: View, factory: Any) -> None:
    """Drop what is left of an aside copy (after a swap, or a failed rebuild) and close its connections."""
    if isinstance(aside, PostgresView):
        with aside.datastore.transaction(commit=True) as cursor:
            cursor.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(aside.datastore.schema)))
    factory.close()
    if isinstance(aside, SQLiteView):
        for suffix in ("", "-wal", "-shm"):
            Path(aside.datastore.pool.db_name + suffix).unlink(missing_ok=True)


def differences(live: View, aside: View, application_name: str) -> dict[str, Any] | None:
    """Row counts and differing rows per table, read in one snapshot; None when the positions differ."""
    with _snapshot(live, aside) as (read, home, side):
        positions = [
            read(f"SELECT notification_id FROM {schema}.{live.tracking_table_name} WHERE application_name = ?",
                 (application_name,))
            for schema in (home, side)
        ]  # fmt: skip
        if positions[0] != positions[1]:
            return None
        tables: dict[str, Any] = {}
        for table in live.schema.tables:
            count = [read(f"SELECT COUNT(*) AS n FROM {schema}.{table}")[0]["n"] for schema in (home, side)]
            only_live = read(f"SELECT * FROM {home}.{table} EXCEPT SELECT * FROM {side}.{table} LIMIT {SAMPLE}")
            only_rebuilt = read(f"SELECT * FROM {side}.{table} EXCEPT SELECT * FROM {home}.{table} LIMIT {SAMPLE}")
            tables[table] = {
                "live": count[0],
                "rebuilt": count[1],
                "only_in_live": [_plain(row) for row in only_live],
                "only_in_rebuilt": [_plain(row) for row in only_rebuilt],
            }
    position = positions[0][0]["notification_id"] if positions[0] else 0
    equal = all(
        t["live"] == t["rebuilt"] and not t["only_in_live"] and not t["only_in_rebuilt"] for t in tables.values()
    )
    return {"position": position, "equal": equal, "tables": tables}


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v if v is None or isinstance(v, bool | int | str) else str(v) for k, v in row.items()}


@contextmanager
def _attached(live: SQLiteView, aside: SQLiteView) -> Iterator[Any]:
    """A connection to the live views' file with the aside file attached as ``aside``."""
    path = aside.datastore.pool.db_name
    with live.datastore.get_connection(commit=True) as connection:
        cursor = connection.cursor()
        cursor.execute("ATTACH DATABASE ? AS aside", (path,))
        try:
            yield cursor
        finally:
            cursor.execute("DETACH DATABASE aside")


@contextmanager
def _snapshot(live: View, aside: View) -> Iterator[tuple[Any, str, str]]:
    """A function that reads both copies in one snapshot, and how to name each copy's schema."""
    if isinstance(live, PostgresView) and isinstance(aside, PostgresView):
        with live.datastore.transaction(commit=False) as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

            def read(sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
                cursor.execute(sql.replace("?", "%s"), params)
                return list(cursor.fetchall())

            yield read, f'"{live.datastore.schema}"', f'"{aside.datastore.schema}"'
        return
    assert isinstance(live, SQLiteView) and isinstance(aside, SQLiteView)
    with _attached(live, aside) as cursor:
        cursor.execute("BEGIN")
        try:

            def read(sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
                cursor.execute(sql, params)
                return [dict(row) for row in cursor.fetchall()]

            yield read, "main", "aside"
        finally:
            cursor.execute("ROLLBACK")
