"""The HTTP API under /api/v1, one module per user group: each route translates a request to a command or a query."""
