"""What a delivery is: the goods, their lot and dates, as a supplier announces them or a storekeeper types them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import RuleViolation, ValidationError
from domain.gs1 import normalise_gtin, normalise_lot
from domain.rules import Category
from domain.validity import past_use_by
from domain.values import require_quantity, require_text, require_unit

PORK_WORDS = ("猪", "pork")


@dataclass(frozen=True, kw_only=True)
class DeliveryDetails:
    """What a supplier announces or a storekeeper types about a delivery, as sent: the fields commands share."""

    school: str
    supplier: str
    product: str
    category: Category | str
    quantity: Decimal | str
    unit: str
    supplier_lot: str
    production_date: date
    use_by_date: date
    invoice_number: str
    gtin: str | None = None
    unit_price: Decimal | str | None = None
    pork: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Delivery:
    school_id: str
    supplier_id: str
    product: str
    category: str
    pork: bool
    quantity: Decimal
    unit: str
    supplier_lot: str
    lot: str
    gtin: str | None
    production_date: date
    use_by_date: date
    invoice_number: str
    unit_price: Decimal | None

    @classmethod
    def checked(cls, d: DeliveryDetails) -> Delivery:
        """Validate and normalise what was typed or announced; the checks that need a date are in ``check_on``."""
        product_ = require_text(d.product, "product", "品名")
        lot_ = require_text(d.supplier_lot, "supplier_lot", "供应商批号")
        try:
            category_ = Category(d.category)
        except ValueError:
            allowed = ", ".join(c.value for c in Category)
            raise ValidationError(
                zh=f"类别无效：{d.category}", en=f"category must be one of {allowed}", field="category"
            ) from None
        if d.use_by_date < d.production_date:
            raise ValidationError(
                zh="保质期早于生产日期", en="the use-by date is before the production date", field="use_by_date"
            )
        return cls(
            school_id=d.school,
            supplier_id=d.supplier,
            product=product_,
            category=category_.value,
            pork=d.pork if d.pork is not None else category_ is Category.MEAT and _names_pork(product_),
            quantity=require_quantity(d.quantity),
            unit=require_unit(d.unit),
            supplier_lot=lot_,
            lot=normalise_lot(lot_),
            gtin=normalise_gtin(d.gtin) if d.gtin else None,
            production_date=d.production_date,
            use_by_date=d.use_by_date,
            invoice_number=require_text(d.invoice_number, "invoice_number", "发票号"),
            unit_price=require_quantity(d.unit_price, "unit_price") if d.unit_price is not None else None,
        )

    def check_on(self, day: date) -> None:
        """Refuse goods not yet produced or already past their use-by date on the day of intake."""
        if self.production_date > day:
            raise ValidationError(
                zh="生产日期晚于今天", en="the production date is in the future", field="production_date"
            )
        if past_use_by(self.use_by_date, day):
            raise RuleViolation(zh="该批食材已过保质期，拒收", en="the delivery is past its use-by date; refused")

    def with_quantity(self, quantity: Decimal | str | None) -> Delivery:
        return self if quantity is None else replace(self, quantity=require_quantity(quantity))

    def fields(self) -> dict[str, Any]:
        """The fields by name, in order: a copy of the instance's dict, which its __init__ fills with every field
        and nothing else (all plain values: no deep copy needed, as dataclasses.asdict would make)."""
        return dict(vars(self))


def optional_decimal(value: Decimal | str | None, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(zh="不是有效数字", en=f"{field} is not a number", field=field) from None
    if not number.is_finite():
        raise ValidationError(zh="不是有效数字", en=f"{field} is not a number", field=field)
    return number


def _names_pork(product: str) -> bool:
    return any(word in product.lower() for word in PORK_WORDS)
