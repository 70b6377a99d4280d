"""Batch and sample labels: the QR payload (built and parsed) and its rendering to PNG, SVG, PDF and A4 sheets."""
