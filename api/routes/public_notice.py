"""The monthly public notice (公示), for anyone without signing in: what is in it and why is said in
projections.public_notice. JSON and the A4 PDF here; the page is api.pages.public."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Response

from api.checkpoints import Checkpoints
from api.contract import Group
from api.deps import CheckpointsDep, Views
from api.freshness import Fresh
from api.routing import Route
from domain.glossary import month_bounds
from labels.paper import position_note
from projections.notice_paper import notice_pdf
from projections.public_notice import notice_month, public_notice, require_records, vouched
from projections.service import Projections

router = APIRouter(prefix="/api/v1/public", tags=[Group.TAMPER_EVIDENCE], route_class=Route)
Json = dict[str, Any]


def school_notice(views: Projections, checkpoints: Checkpoints, school: str, month: str) -> Json:
    """The notice with the last checkpoint signed before the month ended (404 zh/en: no school, month or records)."""
    notice = require_records(public_notice(views, school, month))
    _, last = month_bounds(notice_month(month))
    ended = datetime.combine(last + timedelta(days=1), time(0), tzinfo=views.profile.zone)
    checkpoint = checkpoints.signed_before(ended)
    return vouched(notice, asdict(checkpoint) if checkpoint else None)


@router.get("/schools/{school}/notices/{month}", response_model=Json, summary="公示: a school's month, public")
def get_public_notice(school: str, month: str, views: Views, checkpoints: CheckpointsDep, fresh: Fresh) -> Json:
    """Purchases with prices and amounts, sample compliance, the §15 checks and the month end's signed checkpoint."""
    notice = school_notice(views, checkpoints, school, month)
    return {**notice, "freshness": fresh.reading("trace")}


@router.get("/schools/{school}/notices/{month}/notice.pdf", summary="公示 as an A4 PDF to post")
def get_public_notice_pdf(school: str, month: str, views: Views, checkpoints: CheckpointsDep, fresh: Fresh) -> Response:
    notice = school_notice(views, checkpoints, school, month)
    freshness = fresh.reading("trace")
    paper = notice_pdf(notice, note=position_note(freshness["position"]))
    disposition = {"Content-Disposition": f'attachment; filename="notice-{school}-{month}.pdf"'}
    return Response(paper, media_type="application/pdf", headers={**fresh.headers, **disposition})
