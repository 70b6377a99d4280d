"""A supplier's EPCIS 2.0 shipping events as delivery announcements (送货预告): the translation, no I/O.

Each ``shipping`` ObjectEvent becomes one AnnounceDelivery, the command ``POST /deliveries`` runs, with its
``eventID`` as the idempotency key; the same event sent again with an ``errorDeclaration`` withdraws it (撤回).
Where each field comes from, first found wins:

- school: a ``destinationList`` entry: our school URI (``…/epcis/school/CG01``) or one the county's mapping names;
  no destination at all: the mapping's ``default_school``.
- GTIN, lot and quantity: a ``quantityList`` element (GS1 Digital Link ``https://id.gs1.org/01/GTIN/10/LOT`` or
  ``urn:epc:class:lgtin:…``, its ``quantity`` and ``uom``), else the ``epcList`` (SGTIN URNs or Digital Links with
  ``/21/`` serials): one unit per EPC, in the product's unit. The lot: ``ilmd`` ``cbvmda:lotNumber``, else the
  class's ``/10/`` lot, else, for serialised items that carry none, their serial range (``2017-2018``), so the same
  items are always the same lot.
- product, category and unit: ``foodtrace:product``/``foodtrace:category`` in the event's ``ilmd`` (or beside its
  fields: EPCIS allows ``ilmd`` only on ADD events, and shipping is OBSERVE), else the mapping's entry for the GTIN.
- dates: ``foodtrace:productionDate`` (in ``ilmd`` or beside, as every fact here), else the day it was shipped;
  ``cbvmda:itemExpirationDate`` or ``cbvmda:bestBeforeDate``, else production plus the mapping's ``shelf_days``;
  expected on the day it was shipped.
- invoice: the ``inv`` business transaction, else ``desadv``, else ``po`` (its last path segment); the delivery's
  reference: the ``desadv``, else the eventID (hashed when longer than 64 characters).

A field found nowhere refuses that event alone (422 naming the field); the other events are still announced.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from api.errors import STATUS_OF_CODE
from api.schemas_epcis import CapturedEvent
from domain.announcement import announcement_id
from domain.errors import DomainError, ValidationError
from domain.gs1 import gtin_check_digit
from domain.intake import AnnounceDelivery, WithdrawDelivery
from domain.ledger import Ledger
from domain.values import Principal
from projections.epcis import UOM, Naming

UNITS_OF_UOM = {code: unit for unit, code in UOM.items()}
_DIGITAL_LINK = re.compile(r"^https?://[^/]+/(?:.*/)?01/(\d{14})(?:/10/([^/?#]+))?(?:/21/([^/?#]+))?")
_SGTIN = re.compile(r"^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$")
_LGTIN = re.compile(r"^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$")
Json = dict[str, Any]


@dataclass(frozen=True)
class ProductTerms:
    product: str
    category: str
    unit: str
    shelf_days: int | None = None


@dataclass(frozen=True)
class CaptureMapping:
    """The county's mapping of identifiers it does not know (FOODTRACE_EPCIS_MAPPING, a JSON file)."""

    schools: Mapping[str, str] = field(default_factory=dict)  # a location or party URI → a school code
    products: Mapping[str, ProductTerms] = field(default_factory=dict)  # a GTIN-14 → what it is
    default_school: str | None = None  # where an event that names no destination goes


@cache
def load_mapping(path: Path | None) -> CaptureMapping:
    if path is None:
        return CaptureMapping()
    raw = json.loads(path.read_text(encoding="utf-8"))
    products = {gtin: ProductTerms(**terms) for gtin, terms in raw.get("products", {}).items()}
    return CaptureMapping(raw.get("schools", {}), products, raw.get("default_school"))


@dataclass(frozen=True)
class Shipment:
    """One event of a capture document: its key and its command, or why it is refused."""

    event_id: str
    announce: AnnounceDelivery | WithdrawDelivery | None = None
    refused: ValidationError | None = None


def shipments(document: Json, supplier: str, naming: Naming, mapping: CaptureMapping) -> list[Shipment]:
    """Every event of a schema-valid EPCIS document (a query's answer too), each as an announcement or a refusal."""
    body = document["epcisBody"]
    events = body["eventList"] if "eventList" in body else body["queryResults"]["resultsBody"].get("eventList", [])
    found = []
    for index, event in enumerate(events):
        key = str(event.get("eventID") or f"{document.get('id', 'document')}#{index}")
        try:
            found.append(Shipment(key, announce=_announcement(event, supplier, naming, mapping)))
        except ValidationError as refused:
            found.append(Shipment(key, refused=refused))
    return found


SHIPPING = ("shipping", "urn:epcglobal:cbv:bizstep:shipping")


def _announcement(
    event: Json, supplier: str, naming: Naming, mapping: CaptureMapping
) -> AnnounceDelivery | WithdrawDelivery:
    if event.get("type") != "ObjectEvent" or event.get("bizStep") not in SHIPPING:
        raise _missing(
            "type", "只有发货（shipping）的ObjectEvent可作送货预告", "only shipping ObjectEvents are announced"
        )
    if event.get("action") == "DELETE":
        raise _missing("action", "DELETE事件不能作送货预告", "a DELETE event announces nothing")
    if "errorDeclaration" in event:  # the shipment did not happen as sent: its announcement is withdrawn
        reason = str(event["errorDeclaration"].get("reason") or "incorrect_data")
        return WithdrawDelivery(announcement=announcement_id(supplier, _reference(event)), reason=f"EPCIS: {reason}")
    # The lot's facts come in the ilmd of an ADD event, or beside the fields of an OBSERVE one (which has no ilmd).
    ilmd = {**(event.get("ilmd") or {}), **{k: v for k, v in event.items() if k.startswith(("foodtrace:", "cbvmda:"))}}
    gtin, class_lot, quantity, unit = _goods(event)
    terms = mapping.products.get(gtin) if gtin else None
    product = _text(ilmd, "foodtrace:product") or (terms.product if terms else None)
    category = _text(ilmd, "foodtrace:category") or (terms.category if terms else None)
    if not product or not category:
        raise _missing(
            "product", f"未知商品{gtin or ''}：请在映射中登记", f"unknown product {gtin or ''}: map its GTIN"
        )
    unit = unit or (terms.unit if terms else None)
    if not unit:
        raise _missing("unit", "缺少单位", "no unit: send uom or map the GTIN")
    shipped = _county_day(event["eventTime"], naming.zone)
    made = _date(ilmd, "foodtrace:productionDate", "production_date") or shipped
    return AnnounceDelivery(
        school=_school(event, naming, mapping),
        supplier=supplier,
        product=product,
        category=category,
        quantity=quantity,
        unit=unit,
        supplier_lot=_text(ilmd, "cbvmda:lotNumber") or class_lot or _serial_lot(event),
        production_date=made,
        use_by_date=_use_by(ilmd, made, terms),
        invoice_number=_transaction(event, ("inv", "desadv", "po"), "invoice_number"),
        gtin=gtin,
        reference=_reference(event),
        expected_on=shipped,
    )


def _goods(event: Json) -> tuple[str | None, str | None, Decimal, str | None]:
    """(GTIN, the class's lot, quantity, unit) of the one product an event ships."""
    classes = event.get("quantityList") or []
    if len(classes) > 1 or (classes and event.get("epcList")):
        raise _missing("quantityList", "一个事件只能预告一种商品", "one event announces one product")
    if classes:
        gtin, lot = _class_key(classes[0]["epcClass"])
        if "quantity" not in classes[0]:
            raise _missing("quantityList", "缺少数量", "the quantity is missing")
        uom = classes[0].get("uom")
        quantity = Decimal(str(classes[0]["quantity"]))
        if not quantity.is_finite():
            raise _missing("quantity", "数量无效", "the quantity is not a number")
        return gtin, lot, quantity, UNITS_OF_UOM.get(uom) if uom else None
    epcs = event.get("epcList") or []
    keys = {_instance_key(epc) for epc in epcs}
    if not epcs or len({gtin for gtin, _, _ in keys}) != 1:
        raise _missing("epcList", "缺少商品或含多种商品", "no goods, or goods of several products")
    lots = {lot for _, lot, _ in keys}
    return keys.pop()[0], lots.pop() if len(lots) == 1 else None, Decimal(len(epcs)), None


def _class_key(uri: str) -> tuple[str | None, str | None]:
    if found := _DIGITAL_LINK.match(uri):
        return found[1], unquote(found[2]) if found[2] else None
    if found := _LGTIN.match(uri):
        return _gtin(found[1], found[2]), unquote(found[3])
    raise _missing("epcClass", f"无法识别的商品类别{uri}", f"unknown product class {uri}")


def _instance_key(uri: str) -> tuple[str, str | None, str]:
    if found := _DIGITAL_LINK.match(uri):
        return found[1], unquote(found[2]) if found[2] else None, unquote(found[3] or "")
    if found := _SGTIN.match(uri):
        return _gtin(found[1], found[2]), None, unquote(found[3])
    raise _missing("epcList", f"无法识别的商品编码{uri}", f"unknown product code {uri}")


def _gtin(company: str, item: str) -> str:
    """An SGTIN's or LGTIN's GTIN-14: the indicator digit (the item reference's first), the company prefix, the
    rest of the item reference, the check digit."""
    body = item[:1] + company + item[1:]
    return body + gtin_check_digit(body)


def _serial_lot(event: Json) -> str:
    serials = sorted(_instance_key(epc)[2] for epc in event.get("epcList") or [])
    if not serials:
        raise _missing("supplier_lot", "缺少批号", "no lot: send ilmd cbvmda:lotNumber or a lot-level class")
    return serials[0] if len(serials) == 1 else f"{serials[0]}-{serials[-1]}"


def _school(event: Json, naming: Naming, mapping: CaptureMapping) -> str:
    ours = naming.school("")
    for entry in event.get("destinationList") or []:
        uri = entry["destination"]
        if uri.startswith(ours):
            return unquote(uri.removeprefix(ours))
        if uri in mapping.schools:
            return mapping.schools[uri]
    if event.get("destinationList") or not mapping.default_school:
        raise _missing("school", "目的地不是本县已登记的学校", "the destination is no school the county knows")
    return mapping.default_school


def _use_by(ilmd: Json, made: date, terms: ProductTerms | None) -> date:
    for key in ("cbvmda:itemExpirationDate", "cbvmda:bestBeforeDate"):
        if found := _date(ilmd, key, "use_by_date"):
            return found
    if terms and terms.shelf_days is not None:
        return made + timedelta(days=terms.shelf_days)
    raise _missing("use_by_date", "缺少保质期", "no use-by date: send ilmd cbvmda:itemExpirationDate")


def _transaction(event: Json, kinds: tuple[str, ...], field_name: str) -> str:
    by_kind = {t.get("type"): t["bizTransaction"] for t in event.get("bizTransactionList") or []}
    for kind in kinds:
        if kind in by_kind:
            return _last_segment(by_kind[kind])
    raise _missing(field_name, "缺少发票或订单号", "no invoice: send an inv (or desadv, po) business transaction")


def _reference(event: Json) -> str:
    try:
        return _transaction(event, ("desadv",), "reference")
    except ValidationError:
        key = str(event.get("eventID") or "")
        return key if 0 < len(key) <= 64 else "EPCIS-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def _last_segment(uri: str) -> str:
    parts = urlsplit(uri)
    text = parts.path.rstrip("/").rsplit("/", 1)[-1] if parts.scheme in ("http", "https") else uri.rsplit(":", 1)[-1]
    return unquote(text)


def _text(facts: Json, key: str) -> str | None:
    value = facts.get(key)
    if value is not None and not isinstance(value, str):
        raise _missing(key, f"{key}应为文字", f"{key} must be text")
    return value


def _date(facts: Json, key: str, field_name: str) -> date | None:
    """A date fact (``2026-03-05``, or the date of a time); None when the event does not give it."""
    value = _text(facts, key)
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        raise _missing(field_name, f"{key}不是日期：{value}", f"{key} is not a date: {value}") from None


def _county_day(moment: str, zone: ZoneInfo) -> date:
    return datetime.fromisoformat(moment).astimezone(zone).date()


def _missing(field_name: str, zh: str, en: str) -> ValidationError:
    return ValidationError(zh=zh, en=en, field=field_name)


def announce_all(ledger: Ledger, found: list[Shipment], by: Principal) -> list[CapturedEvent]:
    """Run each announcement as ``POST /deliveries`` would, keyed by its eventID; a refusal answers for its event."""
    answers = []
    for shipment in found:
        try:
            if shipment.refused is not None:
                raise shipment.refused
            assert shipment.announce is not None
            key = shipment.event_id + ("#withdrawn" if isinstance(shipment.announce, WithdrawDelivery) else "")
            result = ledger.execute(shipment.announce, by=by, idempotency_key=key)
            answers.append(
                CapturedEvent(event_id=shipment.event_id, status=201, announcement_id=result["announcement_id"])
            )
        except DomainError as error:
            status = STATUS_OF_CODE.get(error.code, 422)
            fault = error.details.get("field")
            answers.append(
                CapturedEvent(
                    event_id=shipment.event_id, status=status, code=error.code, zh=error.zh, en=error.en, field=fault
                )
            )
    return answers
