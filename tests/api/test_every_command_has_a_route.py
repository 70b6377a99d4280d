"""Every Ledger command is reachable over HTTP, by the role README's table says may do it, and refused to a role
that may not: a command without a route, or a route that lets the wrong people in, fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from api.app import ROUTERS
from api.routing import endpoint_of
from domain.command import HANDLERS
from tests.api.conftest import Api
from tests.api.test_access import concrete

README = Path(__file__).parents[2] / "README.md"

# command | its route (B: a batch's, D: a delivery's) | a role that may send it | README's words that say so | one
# that may not
TABLE = """
ReceiveBatch | /api/v1/batches | storekeeper | receive | kitchen
ReceiveAnnounced | D/receive | storekeeper | receive | supplier
RejectDelivery | D/reject | storekeeper | reject deliveries | supplier
CoSign | B/co-sign | kitchen | co-sign an intake that names them | supplier
AnnounceDelivery | /api/v1/deliveries | supplier | announce deliveries | storekeeper
WithdrawDelivery | D/withdraw | supplier | withdraw them | storekeeper
AttachCertificateToDelivery | D/certificates | supplier | attach certificates | kitchen
AttachCertificate | B/certificates | supplier | attach certificates | kitchen
Inspect | B/inspections | principal | inspections | kitchen
PutOnHold | B/holds | principal | hold/release | kitchen
Release | B/releases | storekeeper | hold/release | kitchen
Move | B/moves | storekeeper | store/move | principal
IssueToKitchen | B/issues | storekeeper | issue | kitchen
OfferIssue | B/issues | storekeeper | issue (offer | kitchen
CancelIssueOffer | B/issues/{offer}/cancel | storekeeper | cancel an offer | kitchen
ConfirmIssue | B/issues/{offer}/confirm | kitchen | confirm hand-offs | storekeeper
ReturnToStore | B/returns | storekeeper | return | kitchen
WriteOff | B/write-offs | storekeeper | write off | principal
Correct | B/corrections | storekeeper | correct | principal
RetainSample | /api/v1/samples | kitchen | samples (record | principal
DisposeSample | /api/v1/samples/{sample_id}/disposal | storekeeper | dispose | principal
SendSampleToLaboratory | /api/v1/samples/{sample_id}/laboratory | kitchen | send to a laboratory | supplier
RecordDishServed | /api/v1/dish-records | kitchen | record the dishes served | storekeeper
RegisterSchool | /api/v1/schools | admin | register schools | principal
RegisterSupplier | /api/v1/suppliers | admin | suppliers | principal
RenewSupplierLicence | /api/v1/suppliers/{code}/licence | admin | renew a supplier's licence | supplier
SuspendSupplier | /api/v1/suppliers/{code}/suspension | admin | suspend a supplier | principal
RegisterStaff | /api/v1/staff | principal | staff of the school (register | storekeeper
RecordStaffCertificate | /api/v1/staff/{person_id}/certificates | principal | certificates | storekeeper
RecordHealthCheck | /api/v1/staff/{person_id}/health-checks | principal | health checks | kitchen
SuspendStaff | /api/v1/staff/{person_id}/suspension | principal | suspension | storekeeper
ReinstateStaff | /api/v1/staff/{person_id}/reinstatement | principal | reinstatement | storekeeper
PublishMenu | /api/v1/schools/{school}/menus/{week} | principal | weekly menu (周食谱: publish | storekeeper
AmendMenu | /api/v1/schools/{school}/menus/{week}/amendments | principal | amend | kitchen
CopyMenu | /api/v1/schools/{school}/menus/{week}/copy | principal | copy | investigator
OpenRecall | /api/v1/recalls | logistics | open a recall | storekeeper
CloseRecall | /api/v1/recalls/{recall_id}/close | logistics | close it | principal
"""
PREFIXES = {"B/": "/api/v1/batches/{code}/", "D/": "/api/v1/deliveries/{announcement_id}/"}


def routes() -> dict[str, tuple[str, str, str, str]]:
    """The table, by command name: (path, role, README's words, role refused)."""
    found = {}
    for line in TABLE.strip().splitlines():
        name, path, role, words, refused = (cell.strip() for cell in line.split("|"))
        for short, full in PREFIXES.items():
            path = path.replace(short, full) if path.startswith(short) else path
        found[name] = (path, role, words, refused)
    return found


ROUTES = routes()


def readme_may(role: str) -> str:
    """What README's role table says ``role`` may do."""
    row = re.search(rf"^\| {role} \| [^|]+ \| ([^|]+) \|$", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert row, f"README's role table has no row for {role}"
    return row.group(1)


def posting_routes() -> dict[str, APIRoute]:
    found = {}
    for route in (r for router in ROUTERS for r in router.routes):
        assert isinstance(route, APIRoute)
        if "POST" in route.methods:
            found[route.path] = route
    return found


def test_every_command_the_ledger_handles_has_a_route() -> None:
    assert sorted(c.__name__ for c in HANDLERS) == sorted(ROUTES)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_the_route_sends_the_command_for_the_role_readme_names(name: str) -> None:
    path, role, words, _ = ROUTES[name]
    route = posting_routes().get(path)
    assert route is not None, f"no POST {path} for {name}"
    assert name in endpoint_of(route).__code__.co_names, f"POST {path} does not send {name}"
    assert words in readme_may(role), f"README's role table does not say a {role} may: {words}"


def test_each_route_lets_in_the_role_readme_names_and_refuses_one_it_does_not(api: Api) -> None:
    for name, (path, role, _, refused) in ROUTES.items():
        allowed = api.client.post(concrete(path), headers=api.headers(role))
        assert allowed.status_code not in (401, 403), f"{role} refused on {path} ({name}): {allowed.text}"
        denied = api.client.post(concrete(path), headers=api.headers(refused))
        assert denied.status_code == 403, f"{refused} not refused on {path} ({name})"
