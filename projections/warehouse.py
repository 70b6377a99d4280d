"""The warehouse ledger (进出库台账): one row per movement of stock at a school, with running balances.

Movements are a receipt (in), an issue to the kitchen (out), a move between store rooms (move), a return
from the kitchen (return) and a write-off (write_off). A correction that voids a movement adds a reversing
row (红字冲销), as a paper ledger would: the same column, the quantity negated. Offers of an issue only
reserve stock and are not movements. Balances are per batch and per product (name and unit) at the school.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.batch import IngredientBatch
from domain.rules import DEFAULT_PROFILE, RulesProfile
from domain.school import School
from domain.staff import StaffMember
from domain.supplier import Supplier
from projections.projection import ChunkProjection, Event, Numbered, event_name, topics_of
from projections.store import PostgresView, Schema, SQLiteView, Writer

SCHEMA = Schema(
    tables=(
        "view_warehouse_batches",
        "view_warehouse_products",
        "view_warehouse_offers",
        "view_warehouse_movements",
        "view_warehouse_names",
    ),
    statements=(
        "CREATE TABLE IF NOT EXISTS view_warehouse_batches (batch_id {uuid} PRIMARY KEY, code TEXT NOT NULL, "
        "school TEXT NOT NULL, supplier TEXT NOT NULL, product TEXT NOT NULL, category TEXT NOT NULL, "
        "unit TEXT NOT NULL, lot TEXT NOT NULL, received_at {time} NOT NULL, use_by_date {date} NOT NULL, "
        "place TEXT NOT NULL, received {decimal} NOT NULL, on_hand {decimal} NOT NULL, "
        "reserved {decimal} NOT NULL, on_hold {bool} NOT NULL, in_stock {bool} NOT NULL)",
        "CREATE UNIQUE INDEX IF NOT EXISTS view_warehouse_batches_code ON view_warehouse_batches (code)",
        "CREATE INDEX IF NOT EXISTS view_warehouse_batches_stock "
        "ON view_warehouse_batches (school, in_stock, use_by_date)",
        "CREATE TABLE IF NOT EXISTS view_warehouse_products (school TEXT NOT NULL, product TEXT NOT NULL, "
        "unit TEXT NOT NULL, on_hand {decimal} NOT NULL, PRIMARY KEY (school, product, unit))",
        "CREATE TABLE IF NOT EXISTS view_warehouse_offers (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "quantity {decimal} NOT NULL, PRIMARY KEY (batch_id, version))",
        "CREATE TABLE IF NOT EXISTS view_warehouse_movements (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "notification_id BIGINT NOT NULL, school TEXT NOT NULL, on_date {date} NOT NULL, moved_at {time} NOT NULL, "
        "code TEXT NOT NULL, product TEXT NOT NULL, unit TEXT NOT NULL, category TEXT NOT NULL, "
        "supplier TEXT NOT NULL, lot TEXT NOT NULL, kind TEXT NOT NULL, quantity_in {decimal}, "
        "quantity_out {decimal}, batch_balance {decimal} NOT NULL, product_balance {decimal} NOT NULL, "
        "given_by TEXT NOT NULL, taken_by TEXT NOT NULL, from_place TEXT NOT NULL, to_place TEXT NOT NULL, "
        "meal_date {date}, meal TEXT, note TEXT NOT NULL, corrects_version INTEGER, "
        "PRIMARY KEY (batch_id, version))",
        "CREATE INDEX IF NOT EXISTS view_warehouse_movements_school "
        "ON view_warehouse_movements (school, on_date, notification_id)",
        "CREATE TABLE IF NOT EXISTS view_warehouse_names (code TEXT PRIMARY KEY, name TEXT NOT NULL)",
    ),
)

MOVEMENT_COLUMNS = (
    "batch_id, version, notification_id, school, on_date, moved_at, code, product, unit, category, supplier, lot, "
    "kind, quantity_in, quantity_out, batch_balance, product_balance, given_by, taken_by, from_place, to_place, "
    "meal_date, meal, note, corrects_version"
)
BATCH_COLUMNS = (
    "batch_id, code, school, supplier, product, category, unit, lot, received_at, use_by_date, place, received, "
    "on_hand, reserved, on_hold, in_stock"
)


@dataclass
class _Chunk:
    """What a chunk of events reads and changes, written back at its end."""

    batches: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    products: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)
    offers: dict[tuple[UUID, int], Decimal] = field(default_factory=dict)
    new_offers: set[tuple[UUID, int]] = field(default_factory=set)
    closed_offers: set[tuple[UUID, int]] = field(default_factory=set)
    movements: dict[tuple[UUID, int], dict[str, Any]] = field(default_factory=dict)
    new_movements: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    touched: set[UUID] = field(default_factory=set)
    new_batches: set[UUID] = field(default_factory=set)
    touched_products: set[tuple[str, str, str]] = field(default_factory=set)


class WarehouseLedger(ChunkProjection):
    name = "view_warehouse"
    schema = SCHEMA
    topics: tuple[str, ...] = (
        topics_of(School, "Registered")
        + topics_of(Supplier, "Registered")
        + topics_of(StaffMember, "Registered")
        + topics_of(
            IngredientBatch,
            "Received",
            "Moved",
            "PutOnHold",
            "Released",
            "IssueOffered",
            "IssueOfferCancelled",
            "IssuedToKitchen",
            "ReturnedToStore",
            "WrittenOff",
            "Corrected",
        )
    )

    def __init__(self, view: PostgresView | SQLiteView, profile: RulesProfile = DEFAULT_PROFILE) -> None:
        super().__init__(view)
        self.profile = profile

    def apply(self, events: Sequence[Numbered], writer: Writer) -> None:
        chunk = self._load(events, writer)
        for notification_id, event in events:
            handler = getattr(self, "_" + event_name(event).replace(".", "_"), None)
            if handler is not None:
                handler(chunk, notification_id, event)
        self._write(chunk, writer)

    # --- reading what the chunk needs ---------------------------------------------------------------

    def _load(self, events: Sequence[Numbered], writer: Writer) -> _Chunk:
        chunk = _Chunk()
        ids = {e.originator_id for _, e in events if event_name(e).startswith("IngredientBatch.")}
        for row in writer.select_in("SELECT * FROM view_warehouse_batches WHERE batch_id IN", list(ids)):
            row["batch_id"] = UUID(str(row["batch_id"]))
            row["on_hold"] = bool(row["on_hold"])
            for key in ("received", "on_hand", "reserved"):
                row[key] = Decimal(row[key])
            chunk.batches[row["batch_id"]] = row
        keys = {_key(e.school_id, e.product, e.unit) for _, e in events if event_name(e) == "IngredientBatch.Received"}
        keys |= {_key(b["school"], b["product"], b["unit"]) for b in chunk.batches.values()}
        # The table is small (schools × products): matching the joined key scans it, and returns only what we need.
        sql = "SELECT * FROM view_warehouse_products WHERE school || '|' || product || '|' || unit IN"
        for row in writer.select_in(sql, sorted(keys)):
            chunk.products[(row["school"], row["product"], row["unit"])] = Decimal(row["on_hand"])
        offered = [e.originator_id for _, e in events if event_name(e) in _CLOSING_OFFERS]
        for row in writer.select_in("SELECT * FROM view_warehouse_offers WHERE batch_id IN", offered):
            chunk.offers[(UUID(str(row["batch_id"])), row["version"])] = Decimal(row["quantity"])
        corrected = [e.originator_id for _, e in events if event_name(e) == "IngredientBatch.Corrected"]
        sql = (
            "SELECT batch_id, version, kind, quantity_in, quantity_out FROM view_warehouse_movements WHERE batch_id IN"
        )
        for row in writer.select_in(sql, corrected):
            chunk.movements[(UUID(str(row["batch_id"])), row["version"])] = row
        return chunk

    # --- one handler per event --------------------------------------------------------------------

    def _School_Registered(self, chunk: _Chunk, _: int, event: Event) -> None:
        chunk.names[event.code] = event.name

    def _Supplier_Registered(self, chunk: _Chunk, _: int, event: Event) -> None:
        chunk.names[event.code] = event.name

    def _StaffMember_Registered(self, chunk: _Chunk, _: int, event: Event) -> None:
        chunk.names[event.person_id] = event.name

    def _IngredientBatch_Received(self, chunk: _Chunk, notification_id: int, event: Event) -> None:
        chunk.batches[event.originator_id] = {
            "batch_id": event.originator_id, "code": event.code, "school": event.school_id,
            "supplier": event.supplier_id, "product": event.product, "category": event.category, "unit": event.unit,
            "lot": event.lot, "received_at": event.at, "use_by_date": event.use_by_date, "place": event.place,
            "received": event.quantity, "on_hand": Decimal(0), "reserved": Decimal(0), "on_hold": False,
        }  # fmt: skip
        chunk.new_batches.add(event.originator_id)
        self._movement(chunk, notification_id, event, "in", event.quantity, event.supplier_id, ",".join(event.signers))

    def _IngredientBatch_Moved(self, chunk: _Chunk, notification_id: int, event: Event) -> None:
        row = self._movement(chunk, notification_id, event, "move", Decimal(0), event.by.person_id, "")
        row.update(from_place=event.from_place, to_place=event.to_place)
        chunk.batches[event.originator_id]["place"] = event.to_place

    def _IngredientBatch_PutOnHold(self, chunk: _Chunk, _: int, event: Event) -> None:
        self._batch(chunk, event)["on_hold"] = True

    def _IngredientBatch_Released(self, chunk: _Chunk, _: int, event: Event) -> None:
        self._batch(chunk, event)["on_hold"] = False

    def _IngredientBatch_IssueOffered(self, chunk: _Chunk, _: int, event: Event) -> None:
        chunk.offers[(event.originator_id, event.originator_version)] = event.quantity
        chunk.new_offers.add((event.originator_id, event.originator_version))
        self._batch(chunk, event)["reserved"] += event.quantity

    def _IngredientBatch_IssueOfferCancelled(self, chunk: _Chunk, _: int, event: Event) -> None:
        self._close_offer(chunk, event, event.offer)

    def _IngredientBatch_IssuedToKitchen(self, chunk: _Chunk, notification_id: int, event: Event) -> None:
        row = self._movement(chunk, notification_id, event, "out", -event.quantity, event.given_by, event.taken_by)
        row.update(meal_date=event.meal_date, meal=event.meal)
        if event.offer is not None:
            self._close_offer(chunk, event, event.offer)

    def _IngredientBatch_ReturnedToStore(self, chunk: _Chunk, notification_id: int, event: Event) -> None:
        row = self._movement(chunk, notification_id, event, "return", event.quantity, event.returned_by,
                             event.received_by)  # fmt: skip
        row["note"] = event.reason

    def _IngredientBatch_WrittenOff(self, chunk: _Chunk, notification_id: int, event: Event) -> None:
        row = self._movement(chunk, notification_id, event, "write_off", -event.quantity, event.by.person_id,
                             event.witness)  # fmt: skip
        row["note"] = event.reason

    def _IngredientBatch_Corrected(self, chunk: _Chunk, notification_id: int, event: Event) -> None:
        voided = chunk.movements.get((event.originator_id, event.corrects_version))
        if voided is None:  # a certificate or an inspection: not a movement
            return
        # Red-ink reversal: the voided row's column again, negated.
        if voided["quantity_out"] is not None:
            row = self._movement(chunk, notification_id, event, "correction", Decimal(voided["quantity_out"]),
                                 event.by.person_id, "")  # fmt: skip
            row.update(quantity_in=None, quantity_out=-Decimal(voided["quantity_out"]))
        else:
            row = self._movement(chunk, notification_id, event, "correction", -Decimal(voided["quantity_in"]),
                                 event.by.person_id, "")  # fmt: skip
            row.update(quantity_in=-Decimal(voided["quantity_in"]), quantity_out=None)
        row.update(note=event.reason, corrects_version=event.corrects_version)

    # --- shared steps -------------------------------------------------------------------------------

    def _batch(self, chunk: _Chunk, event: Event) -> dict[str, Any]:
        chunk.touched.add(event.originator_id)
        return chunk.batches[event.originator_id]

    def _close_offer(self, chunk: _Chunk, event: Event, offer: int) -> None:
        quantity = chunk.offers.pop((event.originator_id, offer), None)
        if quantity is not None:
            self._batch(chunk, event)["reserved"] -= quantity
            chunk.closed_offers.add((event.originator_id, offer))

    def _movement(
        self, chunk: _Chunk, notification_id: int, event: Event, kind: str, change: Decimal, given: str, taken: str
    ) -> dict[str, Any]:
        """Record a movement of ``change`` (signed: into the store is positive) and move both balances."""
        batch = self._batch(chunk, event)
        product = (batch["school"], batch["product"], batch["unit"])
        batch["on_hand"] += change
        chunk.products[product] = chunk.products.get(product, Decimal(0)) + change
        chunk.touched_products.add(product)
        row = {
            "batch_id": event.originator_id, "version": event.originator_version, "notification_id": notification_id,
            "school": batch["school"], "on_date": self.profile.local_date(event.at), "moved_at": event.at,
            "code": batch["code"], "product": batch["product"], "unit": batch["unit"],
            "category": batch["category"], "supplier": batch["supplier"], "lot": batch["lot"], "kind": kind,
            "quantity_in": change if change > 0 or kind == "in" else None,
            "quantity_out": -change if change < 0 else None,
            "batch_balance": batch["on_hand"], "product_balance": chunk.products[product],
            "given_by": given, "taken_by": taken, "from_place": batch["place"], "to_place": batch["place"],
            "meal_date": None, "meal": None, "note": "", "corrects_version": None,
        }  # fmt: skip
        if kind == "move":
            row.update(quantity_in=None, quantity_out=None)
        chunk.new_movements.append(row)
        chunk.movements[(event.originator_id, event.originator_version)] = row
        return row

    def _write(self, chunk: _Chunk, writer: Writer) -> None:
        columns = [c.strip() for c in BATCH_COLUMNS.split(",")]
        rows = {
            i: [*(chunk.batches[i][c] for c in columns[:-1]), chunk.batches[i]["on_hand"] > 0] for i in chunk.touched
        }
        new = [rows[i] for i in chunk.touched if i in chunk.new_batches]
        if new:
            writer.insert("view_warehouse_batches", BATCH_COLUMNS, new)
        writer.executemany(
            "UPDATE view_warehouse_batches SET place = ?, on_hand = ?, reserved = ?, on_hold = ?, in_stock = ? "
            "WHERE batch_id = ?",
            [[*(rows[i][columns.index(c)] for c in _CHANGING), i] for i in chunk.touched - chunk.new_batches],
        )
        writer.executemany(
            "INSERT INTO view_warehouse_products (school, product, unit, on_hand) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (school, product, unit) DO UPDATE SET on_hand = excluded.on_hand",
            [[*key, chunk.products[key]] for key in sorted(chunk.touched_products)],
        )
        offers = [[*key, chunk.offers[key]] for key in sorted(chunk.new_offers - chunk.closed_offers)]
        if offers:
            writer.insert("view_warehouse_offers", "batch_id, version, quantity", offers)
        writer.executemany(
            "DELETE FROM view_warehouse_offers WHERE batch_id = ? AND version = ?", sorted(chunk.closed_offers)
        )
        names = [c.strip() for c in MOVEMENT_COLUMNS.split(",")]
        if chunk.new_movements:
            writer.insert(
                "view_warehouse_movements", MOVEMENT_COLUMNS, [[r[c] for c in names] for r in chunk.new_movements]
            )
        writer.executemany(
            "INSERT INTO view_warehouse_names (code, name) VALUES (?, ?) "
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            sorted(chunk.names.items()),
        )


_CHANGING = ("place", "on_hand", "reserved", "on_hold", "in_stock")


def _key(school: str, product: str, unit: str) -> str:
    return f"{school}|{product}|{unit}"


_CLOSING_OFFERS = ("IngredientBatch.IssuedToKitchen", "IngredientBatch.IssueOfferCancelled")
