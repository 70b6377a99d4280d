"""The school's 公示 page at /public/{school}/{month}: no sign-in, no script, linked from no private page; it shows
what projections.public_notice says is public, and links the A4 PDF and the signed checkpoints."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import CheckpointsDep, Views
from api.pages.views import PAGE_HEADERS, templates
from api.routes.public_notice import school_notice
from domain.errors import NotFound
from projections.notice_paper import STANDING, dish_list
from projections.public_notice import NO_PRICE

router = APIRouter(prefix="/public", include_in_schema=False)


@router.get("/{school}/{month}")
def public_notice_page(
    request: Request, school: str, month: str, views: Views, checkpoints: CheckpointsDep
) -> HTMLResponse:
    try:
        notice = school_notice(views, checkpoints, school, month)
    except NotFound as missing:
        context = {"title": "没有公示 / No notice", "missing": missing}
        return templates.TemplateResponse(request, "public_notice.html", context, status_code=404, headers=PAGE_HEADERS)
    context = {"title": f"{notice['school_name']} {notice['month_zh']} 公示", "notice": notice,
               "standing": STANDING, "no_price": NO_PRICE, "dish_list": dish_list}  # fmt: skip
    return templates.TemplateResponse(request, "public_notice.html", context, headers=PAGE_HEADERS)
