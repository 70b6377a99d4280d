"""From ledger records to what labels print: the one place that reads a batch or sample for a label, and the
format, size and resolution a label printer asks for."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import Response

from api.contract import files
from api.schemas import Dpi
from domain.batch import IngredientBatch
from domain.clock import county_time
from domain.ledger import Ledger
from domain.sample import FoodSample
from labels.model import BatchLabel, Format, SampleLabel
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


# Choices a label printer's driver sends as query parameters, each one named enum in the OpenAPI document.
LabelFormat = StrEnum("LabelFormat", {"PNG": "png", "SVG": "svg", "PDF": "pdf"})
LabelSize = StrEnum("LabelSize", {"SMALL": "40x30", "MEDIUM": "50x30", "LARGE": "60x40"})  # width x height, mm
FORMATS: dict[LabelFormat, tuple[Format, str]] = {
    LabelFormat.PNG: ("png", "image/png"),
    LabelFormat.SVG: ("svg", "image/svg+xml"),
    LabelFormat.PDF: ("pdf", "application/pdf"),
}
LABEL_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": files(*(m for _, m in FORMATS.values()))}}


class Printing:
    """A dependency: how the label printer wants it (format, size, dots per inch), and the answer in that format."""

    def __init__(
        self, format: LabelFormat = LabelFormat.PNG, size: LabelSize = LabelSize.SMALL, dpi: Dpi = Dpi.THERMAL
    ) -> None:
        self.format, self.media_type = FORMATS[format]
        self.size = size.value
        self.dpi = int(dpi)

    def response(self, content: bytes) -> Response:
        return Response(content, media_type=self.media_type)


PrintingDep = Annotated[Printing, Depends()]
