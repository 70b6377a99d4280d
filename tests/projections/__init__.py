"""The read models: traces, 台账, compliance, search and exports, and the projector that keeps them."""
