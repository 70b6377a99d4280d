"""Faults a county will meet: database outages, kill -9, leaks, tampering, lost documents, views that stall."""
