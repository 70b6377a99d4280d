"""Food samples (留样): record, dispose after the keep-until time, send to a laboratory, print the label."""

from __future__ import annotations

from datetime import tzinfo
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from api.auth import SampleKeeper, SchoolReader, check_school, school_of, visible_sample
from api.commands import command
from api.contract import Group
from api.deps import LedgerDep, Record
from api.labelling import LABEL_RESPONSES, PrintingDep, sample_label
from api.results import SampleChanged, SampleRetained
from api.routing import Route
from api.schemas import DisposalRequest, LaboratoryRequest, SampleOut, SampleRequest
from domain.clock import county_time
from domain.sample import FoodSample
from domain.sampling import DisposeSample, RetainSample, SendSampleToLaboratory
from labels.render import render_sample_label

router = APIRouter(prefix="/api/v1", tags=[Group.KITCHEN], route_class=Route)


@router.post("/samples", response_model=SampleRetained, status_code=201, summary="留样: record a sealed sample")
def retain_sample(body: SampleRequest, caller: SampleKeeper, record: Record) -> SampleRetained:
    school = school_of(caller, body.school)
    return record(command(RetainSample, body, school=school), caller, SampleRetained, body)


@router.get("/samples/{sample_id}", response_model=SampleOut, summary="One food sample")
def get_sample(sample_id: UUID, ledger: LedgerDep, caller: SchoolReader) -> SampleOut:
    return sample_out(visible_sample(ledger, caller, sample_id), ledger.profile.zone)


@router.post("/samples/{sample_id}/disposal", response_model=SampleChanged, summary="Dispose of a sample")
def dispose_sample(
    sample_id: UUID, body: DisposalRequest, ledger: LedgerDep, caller: SampleKeeper, record: Record
) -> SampleChanged:
    sample = visible_sample(ledger, caller, sample_id)
    check_school(caller, sample.school_id)
    return record(DisposeSample(sample_id=sample_id, reason=body.reason), caller, SampleChanged, body)


@router.post(
    "/samples/{sample_id}/laboratory", response_model=SampleChanged, summary="送检: send a sample to a laboratory"
)
def send_sample_to_laboratory(
    sample_id: UUID, body: LaboratoryRequest, ledger: LedgerDep, caller: SampleKeeper, record: Record
) -> SampleChanged:
    sample = visible_sample(ledger, caller, sample_id)
    check_school(caller, sample.school_id)
    return record(command(SendSampleToLaboratory, body, sample_id=sample_id), caller, SampleChanged, body)


@router.get(
    "/samples/{sample_id}/label",
    summary="The sample label (留样标签) to print",
    response_class=Response,
    responses=LABEL_RESPONSES,
)
def get_sample_label(sample_id: UUID, ledger: LedgerDep, caller: SchoolReader, printing: PrintingDep) -> Response:
    found = sample_label(ledger, visible_sample(ledger, caller, sample_id))
    return printing.response(render_sample_label(found, printing.format, printing.size, printing.dpi))


def sample_out(s: FoodSample, zone: tzinfo) -> SampleOut:
    return SampleOut(
        sample_id=str(s.id),
        school=s.school_id,
        meal_date=s.meal_date,
        meal=s.meal.value,
        dish=s.dish,
        grams=s.grams,
        sealed_at=county_time(s.sealed_at, zone),
        keep_until=county_time(s.keep_until, zone),
        fridge=s.fridge,
        sealed_by=s.sealed_by,
        batch_codes=s.batch_codes,
        disposed_at=county_time(s.disposed_at, zone) if s.disposed_at else None,
        sent_to=s.sent_to,
    )
