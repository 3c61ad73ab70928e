"""Routes of the API: see the module docstring of mystage.api.v1 (filled by issue 19)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
