"""Pieces shared by the account states: reading a form field, opening the session after a
login (the HttpOnly cookie is set by ``/api/session``)."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from mystage.state.navigation import load_document


def form_str(form: dict, key: str, limit: int = 300) -> str:
    value = form.get(key)
    if not isinstance(value, str):
        return ""
    return value.strip()[:limit]


async def open_session(state: rx.State, grant: str) -> None:
    """Open the session: the page loads ``/api/session?grant=…``, which sets the HttpOnly
    cookie (the page holds ``components.browser.document_load``; no eval)."""
    await load_document(state, "/api/session?" + urlencode({"grant": grant}))
