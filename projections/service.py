"""The projector: keeps every view up to date from the Ledger's notification log.

    views = Projections(env)     # env as for Ledger(env=...): api.settings.eventsourcing_env(url)
    views.catch_up()             # process everything new, now (tests, CLI)
    views.start(); views.stop()  # follow the log in a background thread (the web server)
    views.status()               # each view's position and lag behind the log
    views.wait_for(["trace"], 1234, timeout=5.0)   # until the view has read the log up to 1234 (False: not in time)
    views.rebuild("trace")       # build one view again from the first event, aside, and swap it in (aside.py)
    views.verify("trace")        # build it aside and compare it with the live one

Both backends are followed by polling, since SQLite cannot notify: an idle poll is two small queries per view.
Each chunk reads the log up to a notification id that was already committed when the chunk started, so a
transaction still in flight can never be passed over (ids are handed out in commit order while
POSTGRES_ENABLE_DB_FUNCTIONS is off). Two projectors on one view are safe: each chunk checks, under the
view's write lock, that the position is still the one it started from, and otherwise starts again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from domain.ledger import Ledger
from domain.rules import DEFAULT_PROFILE, RulesProfile
from projections.aside import differences, discard, swap_in
from projections.failures import DecodingFailed, ViewFailed, clear_failure, failure_of, record_failure, settle
from projections.following import Follower, Loop
from projections.log import select_notifications
from projections.projection import LEDGER, ChunkProjection, Event, Numbered, readable
from projections.rows import plain
from projections.store import PositionMoved, PostgresView, Row, Select, SQLiteView, Writer, open_view
from projections.trace_index import TraceIndex
from projections.warehouse import WarehouseLedger

log = logging.getLogger(__name__)
PROJECTIONS: tuple[type[ChunkProjection], ...] = (WarehouseLedger, TraceIndex)
ANALYSE_AFTER = 50_000  # notifications read in one catch-up after which the planner's statistics are refreshed
# A view this far behind at position 0 builds its secondary indexes once at the head, not row by row on the way:
# PostgreSQL's own CPU for the trace view's catch-up of 1 M events went from 10.6 s to 8.5 s (bench/views.py).
DEFER_INDEXES_FROM = 50_000
RECHECK = 0.05  # seconds between looks at a view's position while a reader waits for it (another process may move it)


class UnknownView(KeyError):
    pass


@dataclass(frozen=True)
class Reader:
    """What a query reads with: the view's snapshot, and the rules profile and zone to present it in."""

    cursor: Writer
    profile: RulesProfile
    zone: ZoneInfo
    ledger: Ledger

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.cursor.select(sql, params)

    def select_in(self, sql: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> list[Row]:
        return self.cursor.select_in(sql, keys, params)

    def select_many(self, selects: Sequence[Select]) -> list[list[Row]]:
        """Several queries at once: one round trip on PostgreSQL (projections.store.Select)."""
        return self.cursor.select_many(selects)


class Projections(Follower):
    def __init__(
        self,
        env: Mapping[str, str],
        profile: RulesProfile = DEFAULT_PROFILE,
        ledger: Ledger | None = None,
        chunk_size: int = 5000,
        defer_indexes_from: int = DEFER_INDEXES_FROM,
    ) -> None:
        self.profile = profile
        self.chunk_size = chunk_size
        self.defer_indexes_from = defer_indexes_from
        self._env = env
        self._own_ledger = ledger is None
        self.ledger = ledger if ledger is not None else Ledger(env=env, profile=profile)
        self._factories: list[Any] = []
        self.projections: dict[str, ChunkProjection] = {}
        for cls in PROJECTIONS:
            view, factory = open_view(cls.name, cls.schema, env)
            self._factories.append(factory)
            self.projections[cls.name.removeprefix("view_")] = cls(view, profile)
        self._lock = threading.Lock()  # one catch-up at a time in this process
        self._retry_after: dict[str, float] = {}  # a stalled view's next try, by the follower
        # A reader that waits wakes it (wake.set()): the follower catches up now, not at its next interval.
        self._loop = Loop("foodtrace-projector", lambda: self.catch_up(patient=True))
        self._progress = threading.Condition()  # notified after every catch-up in this process
        # Set by a server worker that does not follow the log itself: wakes the worker that does (api/leadership.py).
        self.wake_elsewhere: Callable[[], None] | None = None

    @property
    def zone(self) -> ZoneInfo:
        return self.profile.zone

    def today(self) -> date:
        """The county's date now: what "expired" is judged against at read time."""
        return self.profile.local_date(self.ledger.clock())

    def view(self, name: str) -> PostgresView | SQLiteView:
        return self._projection(name).view

    @contextmanager
    def reading(self, name: str) -> Iterator[Reader]:
        """A consistent read of one view, for a query of many statements."""
        with self.view(name).reading() as cursor:
            yield Reader(cursor, self.profile, self.zone, self.ledger)

    # --- following the log ------------------------------------------------------------------------

    def catch_up(
        self, names: list[str] | None = None, limit: int | None = None, patient: bool = False
    ) -> dict[str, int]:
        """Process every event recorded so far; returns how many notifications each view read.

        ``limit`` stops each view after about that many notifications (whole chunks), for tests of a crash.
        A view that fails on an event stops there (see failures.py) and the others go on; ``patient`` (the
        follower) waits longer between its tries the longer it has been stalled, up to five minutes.
        """
        done: dict[str, int] = {}
        with self._lock:
            # The views go a chunk each in turn, so that views at one position decode each event once for all.
            runs: dict[str, Iterator[None]] = {}
            decoded: dict[int, Event] = {}
            for name in names or list(self.projections):
                if patient and time.monotonic() < self._retry_after.get(name, 0.0):
                    continue
                runs[name] = self._chunks(self._projection(name), limit, done=done, decoded=decoded)
            while runs:
                decoded.clear()  # this round's events, by notification id: the next view's chunk reads the same ones
                for name, run in list(runs.items()):
                    if next(run, StopIteration) is StopIteration:
                        del runs[name]
        with self._progress:
            self._progress.notify_all()
        return done

    def _catch_up_one(
        self, projection: ChunkProjection, limit: int | None, strict: bool = False, until: int | None = None
    ) -> int:
        """Bring one view up to date (or up to ``until``). An event it fails on stops it there, in its status.

        ``strict`` raises ViewFailed instead (a view rebuilt aside must fail whole, never swap in with a gap).
        """
        done: dict[str, int] = {}
        decoded: dict[int, Event] = {}
        for _ in self._chunks(projection, limit, done=done, decoded=decoded, strict=strict, until=until):
            decoded.clear()
        return done[projection.name.removeprefix("view_")]

    def _chunks(
        self,
        projection: ChunkProjection,
        limit: int | None,
        *,
        done: dict[str, int],
        decoded: dict[int, Event],
        strict: bool = False,
        until: int | None = None,
    ) -> Iterator[None]:
        """Catch one view up a chunk at a time (a pause after each); how many it read goes into ``done``.

        ``decoded`` holds events another view decoded this round (by notification id), read from it, not again.
        """
        read, analysed, failure = 0, 0, None  # analysed: how many had been read at the last ANALYZE
        name = projection.name.removeprefix("view_")
        recorder = self.ledger.recorder
        view = projection.view
        resting = False  # at the head, or stalled on an event: not stopped by ``limit`` (as a crash would)
        while limit is None or read < limit:
            position = view.max_tracking_id(LEDGER) or 0
            head = recorder.max_notification_id() or 0
            head = head if until is None else min(head, until)
            if failure is not None and position >= failure["notification_id"]:
                clear_failure(view, projection.name)
                failure = None
            if position >= head:
                resting = True
                break
            if position == 0 and head >= self.defer_indexes_from and not view.indexes_deferred:
                # Built again below once the view rests; a process stopped before then builds them as it opens
                # the view again (``create_table``), so a restart never leaves them missing.
                view.defer_indexes()
            if read == 0 and not strict:
                failure = failure_of(view, projection.name)
            stop = min(head, position + self.chunk_size)
            notifications = select_notifications(
                recorder, start=position + 1, stop=stop, limit=self.chunk_size, topics=projection.topics
            )
            try:
                settle(projection, self._decoded(notifications, decoded), position, stop)
            except PositionMoved:
                log.info("%s: another projector moved on; reading again", projection.name)
                continue
            except ViewFailed as failed:
                if strict:
                    raise
                attempts = record_failure(view, projection.name, failed)["attempts"]
                self._retry_after[name] = time.monotonic() + min(300, 2**attempts)
                resting = True
                break
            read += stop - position
            if read >= ANALYSE_AFTER and not analysed and stop < head:
                view.analyse()  # early, so the rest of a big catch-up looks rows up by index
                analysed = read
            yield
        done[name] = read
        if resting and view.indexes_deferred:
            view.build_indexes()
        if read >= ANALYSE_AFTER and read > analysed:
            view.analyse()

    def _decoded(self, notifications: Sequence[Any], decoded: dict[int, Event]) -> list[Numbered] | DecodingFailed:
        events: list[Numbered] = []
        mapper = self.ledger.mapper
        # Stored as JSON, NUL reads "\u0000": only such events (or all, if the store compresses) are walked.
        plain = mapper.compressor is None and mapper.cipher is None
        for n in notifications:
            event = decoded.get(n.id)
            if event is None:
                try:
                    event = mapper.to_domain_event(n)
                except Exception as error:  # an event today's code cannot read: the view stops before it
                    return DecodingFailed(events, ViewFailed(n.id, error))
                event = decoded[n.id] = readable(event) if not plain or b"\\u0000" in n.state else event
            events.append((n.id, event))
        return events

    def status(self) -> list[dict[str, Any]]:
        head = self.head()
        rows = []
        for name, projection in self.projections.items():
            position = self.position(name)
            failure = failure_of(projection.view, projection.name)
            if failure is not None and failure["notification_id"] <= position:
                failure = None  # passed since (another process, or a rebuild): no longer stalled
            elif failure is not None:
                failure = plain(failure, self.zone)  # when it stopped, on the county's clock
            rows.append({"name": name, "position": position, "head": head, "lag": head - position, "failure": failure})
        return rows

    # --- how fresh an answer is ----------------------------------------------------------------------

    def head(self) -> int:
        """The log's last position (notification id)."""
        return self.ledger.recorder.max_notification_id() or 0

    def position(self, name: str) -> int:
        """How far the view has read the log: every event up to here is in its rows."""
        return self._projection(name).view.max_tracking_id(LEDGER) or 0

    def freshness(self, names: Sequence[str]) -> dict[str, Any]:
        """The position an answer read from these views reflects (the least of theirs), the head, and the lag.

        Read before the query, so the answer holds at least every event up to ``position``. Without views (a
        replay of the log itself) the answer reflects the head.
        """
        head = self.head()
        positions = {name: self.position(name) for name in names}
        position = min(positions.values(), default=head)
        return {"position": position, "head": head, "lag": head - position, "views": positions}

    def wait_for(self, names: Sequence[str], position: int, timeout: float) -> bool:
        """Wait until every one of these views has read the log up to ``position``; False if not within ``timeout``.

        Wakes this process's follower at once; a projector in another process is seen by looking again every
        RECHECK seconds.
        """
        deadline = time.monotonic() + timeout
        woken_elsewhere = False
        while any(self.position(name) < position for name in names):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self.wake_elsewhere is not None and not self._loop.running and not woken_elsewhere:
                self.wake_elsewhere()
                woken_elsewhere = True
            self._loop.wake.set()
            with self._progress:
                self._progress.wait(min(remaining, RECHECK))
        return True

    def wake(self) -> None:
        """Catch up now, not at the follower's next round."""
        self._loop.wake.set()

    def rebuild(self, name: str) -> dict[str, Any]:
        """Build the view again from the first event beside the live one, then swap it in; returns the figures.

        The live view answers (and follows the log) meanwhile; if the rebuild fails, it stays as it was.
        """
        projection = self._projection(name)
        started = time.perf_counter()
        with self._aside(projection) as aside:
            read = self._catch_up_one(aside, None, strict=True)
            with self._lock:
                read += self._catch_up_one(aside, None, strict=True)  # what came in meanwhile
                swap_in(projection.view, aside.view, projection.name)
        seconds = time.perf_counter() - started
        return {"name": name, "notifications": read, "seconds": round(seconds, 3)}

    def verify(self, name: str) -> dict[str, Any]:
        """Rebuild the view aside up to the live view's position and compare the two, table by table."""
        projection = self._projection(name)
        with self._aside(projection) as aside:
            for _ in range(10):  # another process's projector may move the live view on while we read it
                position = projection.view.max_tracking_id(LEDGER) or 0
                self._catch_up_one(aside, None, strict=True, until=position)
                found = differences(projection.view, aside.view, LEDGER)
                if found is not None:
                    return {"name": name, **found}
        raise RuntimeError(f"the {name} view kept moving on; try again")

    @contextmanager
    def _aside(self, projection: ChunkProjection) -> Iterator[ChunkProjection]:
        view, factory = open_view(projection.name, projection.schema, self._env, aside=True)
        try:
            yield type(projection)(view, self.profile)
        finally:
            discard(view, factory)

    def close(self) -> None:
        self.stop()
        for factory in self._factories:
            factory.close()
        if self._own_ledger:
            self.ledger.close()

    def _projection(self, name: str) -> ChunkProjection:
        try:
            return self.projections[name]
        except KeyError:
            raise UnknownView(f"no view named {name!r}; views: {', '.join(self.projections)}") from None
