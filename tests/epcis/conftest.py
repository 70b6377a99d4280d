"""The read side's fixtures (the projector on the test's store) serve the EPCIS tests too."""

from tests.projections.conftest import views

__all__ = ["views"]
