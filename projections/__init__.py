"""Read models built from the Ledger's event log (读模型): warehouse ledgers, the trace index, compliance, search.

Views (each an eventsourcing ``Projection`` writing to a tracking recorder of its own):
- ``warehouse`` (warehouse.py, tables ``view_warehouse_*``): the 进出库台账, one row per movement with balances
  per batch and per product; stock on hand and what expires (queries in stock.py).
- ``trace`` (trace_index.py, tables ``view_trace_*``): batches, certificates, inspections, issues, samples,
  staff and supplier histories. Forward/backward traces (tracing.py), compliance (compliance.py) and search
  (search.py) read it.

Where they live: in PostgreSQL, the ledger's own database (tables ``view_*`` and ``view_<name>_tracking``).
With SQLite, a file beside the ledger's: ``ledger.sqlite3`` → ``ledger.views.sqlite3``, so the projector never
holds the write lock that storekeepers' scans need. Each view records its position in the same transaction as
its rows, a chunk of events at a time; ``service.Projections`` runs them (catch_up, start/stop, status, rebuild).

The query functions take a ``Projections`` and return plain JSON values (dates and times as ISO text in the
county's zone, quantities as decimal text).
"""
