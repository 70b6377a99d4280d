"""The README runs: its shell and curl examples, one by one, against a freshly seeded demo."""
