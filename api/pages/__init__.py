"""The web pages (storekeeper and kitchen on phones, investigators on desktops), served by the same app."""

from __future__ import annotations

from api.pages import installable
from api.pages.public import router as public
from api.pages.views import root, router

router.include_router(installable.router)

__all__ = ["public", "root", "router"]
