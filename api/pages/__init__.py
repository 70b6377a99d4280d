"""The web pages (storekeeper and kitchen on phones, investigators on desktops), served by the same app."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
