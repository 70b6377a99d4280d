"""From ledger records to what labels print: the one place that reads a batch or sample for a label."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.batch import IngredientBatch
from domain.ledger import Ledger
from domain.sample import FoodSample
from labels.model import BatchLabel, SampleLabel
from labels.payload import batch_uri


def batch_label(ledger: Ledger, batch: IngredientBatch, resolver_base: str) -> BatchLabel:
    school = ledger.school(batch.school_id)
    return BatchLabel(
        code=batch.code,
        payload=batch_uri(
            batch.code,
            base=resolver_base,
            gtin=batch.gtin,
            lot=batch.lot if batch.gtin else None,
            use_by=batch.use_by_date if batch.gtin else None,
        ),
        product=batch.product,
        category=batch.category,
        supplier_lot=batch.supplier_lot,
        received_on=ledger.profile.local_date(batch.received_at),
        use_by=batch.use_by_date,
        school=school.name,
        storage_place=batch.place,
    )


def sample_label(ledger: Ledger, sample: FoodSample) -> SampleLabel:
    zone = ZoneInfo(ledger.profile.timezone)
    sealer = ledger.staff(sample.sealed_by)
    return SampleLabel(
        dish=sample.dish,
        meal=sample.meal,
        sealed_at=sample.sealed_at.astimezone(zone),
        grams=sample.grams,
        keep_until=sample.keep_until.astimezone(zone),
        sealed_by=sealer.name,
        fridge=sample.fridge,
        payload=None,
    )
