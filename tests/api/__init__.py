"""The HTTP API through the real app on both backends: access, days per role, errors, retries and fuzzing."""
