"""The kitchen's record of dishes served (供餐记录): which batches went into which dish, and the portions served."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import Kitchen, school_of
from api.commands import command
from api.contract import Group
from api.deps import Record
from api.results import DishServed
from api.routing import Route
from api.schemas import DishServedRequest
from domain.dishes import RecordDishServed

router = APIRouter(prefix="/api/v1", tags=[Group.KITCHEN], route_class=Route)


@router.post(
    "/dish-records",
    response_model=DishServed,
    status_code=201,
    summary="供餐记录: after service, the batches that went into a dish and the portions served",
)
def record_dish_served(body: DishServedRequest, caller: Kitchen, record: Record) -> DishServed:
    school = school_of(caller, None)
    return record(command(RecordDishServed, body, school=school), caller, DishServed, body)
