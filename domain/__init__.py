"""The ledger's rules and records: aggregates, values, the rules profile and the Ledger application (no web, no SQL)."""
