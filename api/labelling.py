"""From ledger records to what labels print: the one place that reads a batch or sample for a label, and the
format, size and resolution a label printer asks for."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends
from fastapi.responses import Response

from api.schemas import Dpi
from domain.batch import IngredientBatch
from domain.clock import county_time
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
    zone = ledger.profile.zone
    sealer = ledger.staff(sample.sealed_by)
    return SampleLabel(
        dish=sample.dish,
        meal=sample.meal,
        sealed_at=county_time(sample.sealed_at, zone),
        grams=sample.grams,
        keep_until=county_time(sample.keep_until, zone),
        sealed_by=sealer.name,
        fridge=sample.fridge,
        payload=None,
    )


LABEL_MEDIA = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
LABEL_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {m: {} for m in LABEL_MEDIA.values()}}}
LabelSize = Literal["40x30", "50x30", "60x40"]


class Printing:
    """A dependency: how the label printer wants it (format, size, dots per inch), and the answer in that format."""

    def __init__(
        self, format: Literal["png", "svg", "pdf"] = "png", size: LabelSize = "40x30", dpi: Dpi = Dpi.THERMAL
    ) -> None:
        self.format = format
        self.size = size
        self.dpi = int(dpi)

    def response(self, content: bytes) -> Response:
        return Response(content, media_type=LABEL_MEDIA[self.format])


PrintingDep = Annotated[Printing, Depends()]
