"""The Ledger (台账): the one eventsourcing Application the outside world calls.

Commands are data (domain/command.py); ``execute`` runs each with who sent it (a Principal), when (``at``, default
the Ledger's clock) and an optional idempotency key, and saves all it changed in one transaction. The handlers live
with their capability: registry (schools, suppliers, staff), intake, handoff, sampling. Here are the lookups and
queries they and the readers share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from copy import deepcopy
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    LRUCache,
    ProcessingEvent,
    Repository,
    project_aggregate,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, Recording, StoredEvent, Transcoder

# The capabilities register their handlers when imported.
from domain import (  # noqa: F401  (handoff is used below too)
    business_time,
    dishes,
    handoff,
    intake,
    planning,
    recalling,
    registry,
    sampling,
)
from domain.announcement import DeliveryAnnouncement
from domain.batch import IngredientBatch, batch_id
from domain.business_time import BusinessTimeMapper
from domain.codes import InvalidBatchCode, normalise_batch_code
from domain.command import HANDLERS, Command, Result
from domain.errors import AlreadyExists, Conflict, IdempotencyKeyReused, NotFound, ValidationError
from domain.history import HistoryEntry, history_entries
from domain.idempotency import IdempotencyRecord, idempotency_id
from domain.menu import Dish, Menu, menu_id, week_of
from domain.recall import REGISTER_ID, LotFinder, Recall, RecallRegister
from domain.recent import RecentCache
from domain.rules import DEFAULT_PROFILE, RulesProfile
from domain.sample import FoodSample
from domain.school import School, school_id
from domain.staff import StaffMember, staff_id
from domain.supplier import Supplier, supplier_id
from domain.transcoding import LedgerTranscoder
from domain.values import (
    DateAsISO,
    Meal,
    Principal,
    PrincipalAsDict,
    as_uuid,
    parse_choice,
    refuse_control_characters,
    require_aware,
)

A = TypeVar("A", bound=Aggregate)
Noting = tuple[dict[UUID, int], dict[str, int]]  # a deciding command's reads (record: version) and scans (topic: head)
DECIDE_ATTEMPTS = 5  # a command decided on records someone changed meanwhile is decided again, this often at most
ABSENT_MAXSIZE = 1000  # records known to be missing from the log, the least recently asked for forgotten first


def utc_now() -> datetime:
    return datetime.now(UTC)


class ReadsChanged(Exception):
    """Raised by a recorder that checks reads: a record the command read has a newer event; nothing was written."""


@runtime_checkable
class ReadsSeveral(Protocol):
    """A recorder that reads the newer events of several records in one query (api/checked_writes.py)."""

    def select_newer_events(self, versions: Mapping[UUID, int]) -> list[StoredEvent]: ...


class Ledger(Application[UUID]):
    """The one Application; commands decide on cached records and their save checks those are still current.

    The library's aggregate cache (``AGGREGATE_CACHE_MAXSIZE``) keeps the records commands read: school, supplier,
    staff, batches. Outside a command, ``repository.get`` fast-forwards a cached record (one query for its newer
    events). Inside one, with a recorder that checks reads (``checks_reads``; api/checked_writes.py), a command
    decides on the cached records without a query, and its save inserts only if none of them has a newer event,
    checked in the same transaction after the table lock that orders every writer. If one has (a signer suspended
    a moment ago, in another process), nothing is written: the records are fast-forwarded and the command decided
    again. So a command's rules always see the records as they stand when its events are written.
    """

    name = "Ledger"  # fixes the PostgreSQL table names (ledger_events) and the LEDGER_ env prefix
    # The aggregate cache: up to this many records, the least recently used dropped first (env may say otherwise).
    env: ClassVar[dict[str, str]] = {"AGGREGATE_CACHE_MAXSIZE": "5000"}

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        profile: RulesProfile = DEFAULT_PROFILE,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(env)
        self.profile = profile
        self.clock = clock
        # While a command decides: the versions of the records it reads, and the log's topics it scanned up to which
        # position (None: reads are not checked). One variable for both: each set and reset is felt in an intake.
        self._noting: ContextVar[Noting | None] = ContextVar(f"ledger-noting-{id(self)}", default=None)
        checks_reads = bool(getattr(self.recorder, "checks_reads", False))
        self.decides_on_cache = checks_reads and self.repository.cache is not None and self.repository.fastforward
        several = self.recorder if self.decides_on_cache and isinstance(self.recorder, ReadsSeveral) else None
        self._reads_several = several  # asked once: a Protocol's isinstance takes ~10 µs, a card's 1 %
        # Records a command looked for and the log lacked (the recall register before the first recall, which every
        # intake reads): not looked for again, since the save checks they still have no events.
        self._absent: LRUCache[UUID, bool] = RecentCache(maxsize=ABSENT_MAXSIZE)
        self.lot_finder: LotFinder | None = None  # the app hands the trace view's lot index (domain/recall.py)

    def construct_repository(self) -> Repository[UUID]:
        repository = super().construct_repository()
        if isinstance(repository.cache, LRUCache):  # AGGREGATE_CACHE_MAXSIZE > 0: the same cache, kept faster
            repository.cache = RecentCache(maxsize=repository.cache.maxsize)
        return repository

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=BusinessTimeMapper)

    def construct_transcoder(self) -> Transcoder:
        transcoder = LedgerTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(PrincipalAsDict())

    # --- lookups and queries -----------------------------------------------------------------------------------------

    def batch(self, code: str, *, read_only: bool = False) -> IngredientBatch:
        canonical = self._canonical_code(code)
        zh, en = f"批次{canonical}不存在", f"no batch {canonical}"
        return self._get(IngredientBatch, batch_id(canonical), zh, en, read_only=read_only)

    def announcement(self, announcement: UUID | str) -> DeliveryAnnouncement:
        return self._get(DeliveryAnnouncement, as_uuid(announcement), "送货预告不存在", "no such delivery announcement")

    def announcements(
        self, supplier: str | None = None, school: str | None = None, after: int = 0, limit: int = 50
    ) -> tuple[list[DeliveryAnnouncement], int | None]:
        """Announced deliveries in the order they were announced, filtered; returns a page and the next cursor.

        Reads the log's Announced events (a supplier has few); a projection can take over when that grows.
        """
        topic = f"{DeliveryAnnouncement.__module__}:DeliveryAnnouncement.Announced"
        found: list[DeliveryAnnouncement] = []
        start = after + 1
        while len(found) < limit:
            page = self.recorder.select_notifications(start=start, limit=500, topics=[topic])
            for notification in page:
                announced = self.mapper.to_domain_event(notification)
                if supplier not in (None, getattr(announced, "supplier_id", None)):
                    continue
                if school not in (None, getattr(announced, "school_id", None)):
                    continue
                found.append(self.announcement(notification.originator_id))
                if len(found) == limit:
                    more = notification.id < (self.recorder.max_notification_id() or 0)
                    return found, notification.id if more else None
            if len(page) < 500:
                return found, None
            start = page[-1].id + 1
        return found, None

    def sample(self, sample_id: UUID | str) -> FoodSample:
        return self._get(FoodSample, as_uuid(sample_id), "留样记录不存在", "no such food sample")

    def menu(self, school: str, week: date) -> Menu:
        """A school's menu for the week beginning Monday ``week`` (周食谱)."""
        return self._get(Menu, menu_id(school, week), f"{week}这一周没有食谱", f"no menu for the week of {week}")

    def dishes_on_menu(self, school: str, day: date, meal: Meal | str) -> list[Dish]:
        """The dishes ``school``'s menu plans for one meal, as it stands (none when that week has no menu).

        A dish is named by its name within (school, day, meal): domain/menu.py.
        """
        try:
            menu = self.menu(school, week_of(day))
        except NotFound:
            return []
        return menu.dishes(day, parse_choice(Meal, meal, "meal", "餐次"))

    def recall(self, recall: UUID | str) -> Recall:
        return self._get(Recall, as_uuid(recall), "召回记录不存在", "no such recall")

    def recall_register(self, *, read_only: bool = False) -> RecallRegister | None:
        """The county's open recalls; None before the first recall (a command's save checks it is still None).

        Every intake asks, and before the first recall the answer is "none": so no exception is raised and caught.
        """
        found = self._found(REGISTER_ID, read_only=read_only)
        return found if isinstance(found, RecallRegister) else None

    # ``read_only=True``: the caller (a command's check, a card) only looks at the record, never changes it, so it
    # may have the cached one itself.

    def staff(self, person_id: str, *, read_only: bool = False) -> StaffMember:
        zh, en = f"人员{person_id}未登记", f"{person_id} is not registered staff"
        return self._get(StaffMember, staff_id(person_id), zh, en, read_only=read_only)

    def school(self, code: str, *, read_only: bool = False) -> School:
        zh, en = f"学校{code}未登记", f"school {code} is not registered"
        return self._get(School, school_id(code), zh, en, read_only=read_only)

    def supplier(self, code: str, *, read_only: bool = False) -> Supplier:
        zh, en = f"供应商{code}未登记", f"supplier {code} is not registered"
        return self._get(Supplier, supplier_id(code), zh, en, read_only=read_only)

    def refuse_existing(self, aggregate_id: UUID, zh: str, en: str) -> None:
        """For commands that begin a record under a known id: refuse a second beginning."""
        if self._found(aggregate_id) is not None:
            raise AlreadyExists(zh=zh, en=en)

    def history(self, code: str) -> list[HistoryEntry]:
        """A batch's events in order: what happened, who did it, when."""
        entries = history_entries(self.events.get(batch_id(self._canonical_code(code))), self.profile)
        if not entries:
            self.batch(code)  # raises NotFound with the storekeeper's message
        return entries

    def batch_as_of(self, code: str, moment: datetime) -> IngredientBatch | None:
        """The batch as it stood at ``moment`` (by when things happened), or None before its receipt."""
        batch = self.batch(code)
        version = None
        for entry in history_entries(self.events.get(batch.id), self.profile):
            if entry.at <= moment:
                version = entry.version
        if version is None:
            return None
        found: Aggregate = self.repository.get(batch.id, version=version)
        assert isinstance(found, IngredientBatch)
        return found

    # --- commands ----------------------------------------------------------------------------------------------------

    def execute(
        self,
        command: Command,
        *,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """Run a command once: a retry with the same key returns the first result and records nothing.

        ``at`` is now (the Ledger's clock unless given): when the events are recorded. They happened at the
        command's ``occurred_at`` if it says so (domain/business_time.py checks it), else now.

        The result carries ``position``: the notification id of the last event the save recorded, so a reader can
        ask a view for an answer that includes this write (``after=position``). A retry answers with the log's head
        then, which includes the first write (the first save's own position is not stored with its result).

        A retry is known by its key's record: its save meets the record the first try saved (or the rules refuse
        it now and the record is there), so a first try reads nothing for its key.
        """
        fields = command.fields()
        refuse_control_characters(fields)
        key = idempotency_key
        fingerprint = command.fingerprint(fields) if key is not None else ""  # what a retry repeats: only with a key
        now = self._at(at)
        for _ in range(DECIDE_ATTEMPTS):
            reads: dict[UUID, int] | None = {} if self.decides_on_cache else None
            scanned: dict[str, int] = {}
            noting = self._noting.set((reads, scanned)) if reads is not None else None
            try:
                aggregates, result = self._decide(command, by, now)
            except Exception:
                if reads and self._fast_forwarded(reads):
                    continue  # refused on a record someone changed meanwhile: decide again on it as it is
                first = self._first_result(by, key, fingerprint) if key is not None else None
                if first is not None:  # a retry the rules would now refuse: the first result stands
                    return self._replayed(first)
                raise
            finally:
                if noting is not None:
                    self._noting.reset(noting)
            read_versions = {a.id: a.version - len(a.pending_events) for a in aggregates}
            written: dict[UUID, int] = {}
            checked: dict[UUID, int] = {}  # records read and not written: the save checks they are still current
            for i, v in (reads or {}).items():
                (written if i in read_versions else checked)[i] = v
            if written and self._fast_forwarded(written):
                continue  # a record it writes was cached behind the log: decide on it as it is
            if key is not None:
                aggregates.append(IdempotencyRecord(by.person_id, key, fingerprint, result))
            try:
                checks = {"read_versions": checked, "scanned": scanned} if checked or scanned else {}
                recordings = self.save(*aggregates, **checks)
            except ReadsChanged:
                self._fast_forwarded(checked)
                continue
            except IntegrityError:
                first = self._first_result(by, key, fingerprint) if key is not None else None
                if first is not None:  # a retry: the key's record was saved by the first try
                    return self._replayed(first)
                raise Conflict(
                    zh="记录刚被他人修改，请刷新后重试",
                    en="someone else changed this record at the same moment; reload and try again",
                    changed=self._changed_meanwhile(read_versions),
                ) from None
            if self.decides_on_cache:
                self._keep(aggregates)
            if not recordings:  # nothing changed: the head includes everything this command read
                return self._replayed(result)
            return {**result, "position": recordings[-1].notification.id}
        raise Conflict(
            zh="所读记录正被频繁修改，请稍后重试",
            en="the records this command reads kept changing; try again shortly",
            changed=[],
        )

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """The library's save (9.5), with our aggregates' events collected by a class check.

        The library's ``ProcessingEvent.collect_events`` asks two runtime Protocols of each object (is it an event?
        can it collect events?), ~14 µs each: a third of an intake's deciding. An ``Aggregate`` is no event and
        collects its own; anything else goes the library's way.
        """
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            else:
                processing_event.collect_events(obj)
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # the library's deprecated hook, called as its save calls it
        return recordings

    def _decide(self, command: Command, by: Principal, now: datetime) -> tuple[list[Aggregate], Result]:
        """The command's handler and the checks of business time: the aggregates to save, unsaved, and the result."""
        approval = command.late_approval
        moment = business_time.occurred(command.occurred_at, now, self.profile, approval)
        aggregates, result = HANDLERS[type(command)](self, command, by, moment)
        if command.occurred_at is not None:  # backdated: it must still fall after what the batch already says
            business_time.check_in_order(self, aggregates, moment)
        if approval is not None:
            business_time.check_approver(self, approval, aggregates)
        business_time.stamp(aggregates, recorded_at=now, approval=approval.stored() if approval else None)
        return aggregates, result

    def _fast_forwarded(self, reads: Mapping[UUID, int]) -> bool:
        """Whether any record has events newer than the version read; those are brought up to the log in the cache.

        One query each for a newer event (no copy of a record that is current, e.g. a batch this command changes).
        """
        changed = False
        for aggregate_id, version in reads.items():
            if self.recorder.select_events(aggregate_id, gt=version, limit=1):
                changed = True
                self._not_absent(aggregate_id)
                with suppress(AggregateNotFoundError):
                    self.repository.get(aggregate_id)  # the library's fast-forward of the cached record
        return changed

    def put_on_hold(
        self, code: str, reason: str, *, by: Principal, at: datetime | None = None, idempotency_key: str | None = None
    ) -> Result:
        """v1's way to send PutOnHold, kept for the golden-file test that retries a v1 record with it."""
        return self.execute(handoff.PutOnHold(code=code, reason=reason), by=by, at=at, idempotency_key=idempotency_key)

    def _replayed(self, first: Result) -> Result:
        return {**first, "position": self.recorder.max_notification_id() or 0}

    def _changed_meanwhile(self, read_versions: dict[UUID, int]) -> list[dict[str, Any]]:
        """What others recorded on these streams since this command read them: the 409's "what changed"."""
        changed = []
        for aggregate_id, read_version in read_versions.items():
            if read_version == 0:
                continue
            for entry in history_entries(self.events.get(aggregate_id, gt=read_version), self.profile):
                changed.append({"record": str(aggregate_id), **entry.as_json(self.profile.zone)})
        return changed

    def _first_result(self, by: Principal, key: str, fingerprint: str) -> Result | None:
        try:
            record: Aggregate = self.repository.get(idempotency_id(by.person_id, key))
        except AggregateNotFoundError:
            return None
        assert isinstance(record, IdempotencyRecord)
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                zh="该幂等键已用于另一项操作",
                en="this idempotency key was already used for a different command",
            )
        return dict(record.result)

    def _at(self, at: datetime | None) -> datetime:
        return require_aware(at) if at is not None else self.clock()

    def _get(self, kind: type[A], aggregate_id: UUID, zh: str, en: str, *, read_only: bool = False) -> A:
        found = self._found(aggregate_id, read_only=read_only)
        if not isinstance(found, kind):
            raise NotFound(zh=zh, en=en)
        return found

    def forget_cached(self) -> None:
        """Drop every cached record: for a store emptied under a running Ledger (the tests' oracle does so)."""
        self._repository = self.construct_repository()
        self._absent.clear()

    def _found(self, aggregate_id: UUID, *, read_only: bool = False) -> Aggregate | None:
        """A record as a command decides on it: from the cache, its version noted for the save to check; None if
        the log has no such record (no exception raised and caught: every intake asks for the absent recall register).

        A copy, unless ``read_only``: then the cached record itself, which only the library's fast-forward changes
        (in place, each event's state before its version): so whatever newer state a check might see, the version
        noted here is older, and the save's check refuses the write. Outside a command, or without a recorder that
        checks reads: the record as it stands now (``current``), the cached one itself if ``read_only``.
        """
        noting = self._noting.get()
        if noting is None:
            try:
                return self.current(aggregate_id, read_only=read_only)
            except AggregateNotFoundError:
                return None
        reads = noting[0]
        reads.setdefault(aggregate_id, 0)  # not found: the save checks it still has no events
        cached = self._shared(aggregate_id) if read_only else self._cached(aggregate_id)
        found = cached if cached is not None else self._uncached(aggregate_id)
        if found is not None:
            reads[aggregate_id] = found.version
        return found

    def current(self, aggregate_id: UUID, *, read_only: bool = False) -> Aggregate:
        """A copy of a record as the log holds it now: the cached record and, in one query, its newer events.

        The library's fast-forward holds the record's lock while it queries, so readers of one record (a token, a
        supplier every card names) queued behind each other's round trip; here the lock only covers the copy.
        ``read_only``: the cached record itself when the log has nothing newer (``_keep`` replaces a cached record, it
        does not change it): a card or a token check copied the whole batch or token on every request.
        """
        repository = self.repository
        if repository.cache is None or not repository.fastforward:
            found: Aggregate = repository.get(aggregate_id)
            return found
        cached = self._shared(aggregate_id) if read_only else self._cached(aggregate_id)
        if cached is None:
            found = repository.get(aggregate_id)  # from its first event, and cached
            return found
        newer = list(repository.event_store.get(originator_id=aggregate_id, gt=cached.version))
        if not newer:
            return cached
        return self._brought_up_to_date(self._copied(cached) if read_only else cached, newer)

    def batch_and_supplier(self, code: str) -> tuple[IngredientBatch, Supplier | None]:
        """A batch as the log holds it now, read only (see ``current``), and its supplier when both are cached: a
        card names the supplier, so their newer events come in one query, not one each. Otherwise no supplier."""
        cached = self._cached_batch_and(self._canonical_code(code))
        if cached is None:
            return self.batch(code, read_only=True), None
        batch, supplier = self._now_shared(cached)
        assert isinstance(batch, IngredientBatch) and isinstance(supplier, Supplier)
        return batch, supplier

    def batch_supplier_and(self, code: str, other: UUID) -> tuple[IngredientBatch, Supplier, Aggregate] | None:
        """``batch_and_supplier`` and a third record (the caller's token), all three as the log holds them now, in one
        query; None unless all three are cached (or the code is no batch code): then read them one by one."""
        try:
            cached = self._cached_batch_and(normalise_batch_code(code), other)
        except InvalidBatchCode:
            return None
        if cached is None:
            return None
        batch, supplier, third = self._now_shared(cached)
        assert isinstance(batch, IngredientBatch) and isinstance(supplier, Supplier)
        return batch, supplier, third

    def _cached_batch_and(self, code: str, *others: UUID) -> list[Aggregate] | None:
        """The cached records of a batch (``code`` canonical), its supplier and ``others``, when this Ledger reads
        several records in one query and all of them are cached; else None."""
        if self._reads_several is None:
            return None
        batch = self._shared(batch_id(code))
        if not isinstance(batch, IngredientBatch):
            return None
        found = [batch, self._shared(supplier_id(batch.supplier_id)), *(self._shared(other) for other in others)]
        cached = [record for record in found if record is not None]
        return cached if len(cached) == len(found) else None

    def _now_shared(self, cached: list[Aggregate]) -> list[Aggregate]:
        """Cached records brought up to date with their newer events, read in one query (see ``current``)."""
        assert self._reads_several is not None
        newer: dict[UUID, list[Any]] = {record.id: [] for record in cached}
        for stored in self._reads_several.select_newer_events({record.id: record.version for record in cached}):
            newer[UUID(str(stored.originator_id))].append(self.mapper.to_domain_event(stored))  # SQLite: text
        return [self._brought_up_to_date(self._copied(r), newer[r.id]) if newer[r.id] else r for r in cached]

    def _brought_up_to_date(self, copied: Aggregate, newer: list[Any]) -> Aggregate:
        """``copied`` (the caller's own copy) with the events newer than it, cached as it now stands."""
        newer = [event for event in newer if event.originator_version > copied.version]
        projected = project_aggregate(copied, newer)
        if projected is None:
            raise AggregateNotFoundError(copied.id)
        self._keep([deepcopy(projected)])  # unless a newer one is cached meanwhile
        return projected

    def _uncached(self, aggregate_id: UUID) -> Aggregate | None:
        """From the log; None without a query if a command lately did not find it (its save checks that)."""
        try:
            self._absent.get(aggregate_id)
        except KeyError:
            pass
        else:
            return None
        try:
            found: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            self._absent.put(aggregate_id, True)
            return None
        return found

    def _not_absent(self, aggregate_id: UUID) -> None:
        if aggregate_id in self._absent.cache:  # a look first: a KeyError raised and caught costs more
            with suppress(KeyError):
                self._absent.get(aggregate_id, evict=True)

    def _shared(self, aggregate_id: UUID) -> Aggregate | None:
        cache = self.repository.cache
        assert cache is not None
        if aggregate_id not in cache.cache:  # a look first: the LRU cache raises a KeyError for a record it lacks
            return None
        try:
            found: Any = cache.get(aggregate_id)
        except KeyError:
            return None
        shared: Aggregate = found
        return shared

    def _cached(self, aggregate_id: UUID) -> Aggregate | None:
        """A copy of the cached record as it is (no query), or None if the cache has none."""
        with self._locked(aggregate_id) as cache:
            try:
                found: Any = cache.get(aggregate_id)
            except KeyError:
                return None
            copied: Aggregate = deepcopy(found)
            return copied

    def _copied(self, cached: Aggregate) -> Aggregate:
        """A copy of a record once cached, under its lock, so that no copy sees half an event."""
        with self._locked(cached.id):
            copied: Aggregate = deepcopy(cached)
            return copied

    def _keep(self, saved: list[Aggregate]) -> None:
        """Saved records go into the cache as they now stand, so the next command on them needs no query.

        A cached record is replaced under its fast-forward lock (see ``_locked``), unless a newer one is cached. A
        record the cache lacks (every intake's new batch) is put as the library's own ``get`` puts a record it read
        from the log: without that lock, which guards the fast-forward of a cached record in place (~20 µs of an
        intake: two KeyErrors raised and caught, a new Lock). Should a newer copy be put meanwhile and this one
        replace it, the next command finds it behind the log at its save and decides again, as for any stale record.
        """
        repository = self.repository
        cache = repository.cache
        assert cache is not None
        for aggregate in saved:
            if isinstance(aggregate, IdempotencyRecord):
                continue  # read only by a retry, and rarely
            aggregate_id = aggregate.id
            self._not_absent(aggregate_id)
            if aggregate_id not in cache.cache:
                cache.put(aggregate_id, aggregate)
                continue
            with self._locked(aggregate_id):
                try:
                    newer = cache.get(aggregate_id).version > aggregate.version
                except KeyError:
                    newer = False
                if not newer:
                    cache.put(aggregate_id, aggregate)

    @contextmanager
    def _locked(self, aggregate_id: UUID) -> Iterator[Any]:
        """The aggregate cache, under the lock by which the library fast-forwards ``aggregate_id`` in it."""
        repository = self.repository
        assert repository.cache is not None
        lock = repository._use_fastforward_lock(aggregate_id)  # the library's own (9.5), so no copy sees half an event
        try:
            with lock:
                yield repository.cache
        finally:
            repository._disuse_fastforward_lock(aggregate_id)

    def scanned(self, topic: str, head: int) -> None:
        """A command read every event of ``topic`` up to ``head`` (a recall, every receipt of its lot): its save
        then checks that none has been recorded since, so a receipt committed meanwhile makes it decide again."""
        noting = self._noting.get()
        if noting is not None:
            scans = noting[1]
            scans[topic] = min(head, scans.get(topic, head))

    def _canonical_code(self, code: str) -> str:
        try:
            return normalise_batch_code(code)
        except InvalidBatchCode as error:
            raise ValidationError(zh=f"批次码{code!r}无效，请重新扫描或核对", en=str(error), field="code") from None

    def batch_result(self, batch: IngredientBatch) -> Result:
        """What a command on a batch answers: its code, version and stock."""
        return {
            "code": batch.code,
            "version": batch.version,
            "on_hand": str(batch.on_hand),
            "unit": batch.unit,
        }
