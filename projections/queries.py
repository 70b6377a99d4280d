"""Every read the HTTP API and the CLI offer, in one place. Each takes a ``Projections`` (or the Ledger, for a
batch's own history and the batch as of a moment) and returns plain JSON values; exports return file bytes."""

from projections.batch_state import batch_as_of, history_page
from projections.check_record import check_record_pdf, school_checks
from projections.compliance import compliance_report
from projections.exports import ledger_xlsx, trace_csv, trace_xlsx
from projections.handoffs import waiting_handoffs
from projections.incident_report import incident_pdf
from projections.known import county_schools, require_known
from projections.ledger_book import ledger_pdf
from projections.meal_samples import meal_samples
from projections.search import require_found, search_batches
from projections.stock import expiring, stock_on_hand, warehouse_ledger
from projections.tracing import trace_backward, trace_backward_others, trace_forward

__all__ = [
    "batch_as_of",
    "check_record_pdf",
    "compliance_report",
    "county_schools",
    "expiring",
    "history_page",
    "incident_pdf",
    "ledger_pdf",
    "ledger_xlsx",
    "meal_samples",
    "require_found",
    "require_known",
    "school_checks",
    "search_batches",
    "stock_on_hand",
    "trace_backward",
    "trace_backward_others",
    "trace_csv",
    "trace_forward",
    "trace_xlsx",
    "waiting_handoffs",
    "warehouse_ledger",
]
