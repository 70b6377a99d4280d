"""The read side's and the API's fixtures (the projector on the test's store, the real app) serve these tests too."""

from tests.api.conftest import api
from tests.projections.conftest import views

__all__ = ["api", "views"]
