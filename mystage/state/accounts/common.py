"""Pieces shared by the account states: opening the session after a
login (the HttpOnly cookie is set by ``/api/session``)."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from mystage.state.navigation import load_document


async def open_session(state: rx.State, grant: str) -> None:
    """Open the session: the page loads ``/api/session?grant=…``, which sets the HttpOnly
    cookie (the page holds ``components.browser.document_load``; no eval)."""
    await load_document(state, "/api/session?" + urlencode({"grant": grant}))
