"""Browser actions asked by the server, acted on by ``components/browser`` (no eval).

- Full page loads: ``rx.redirect`` moves inside the single-page app and cannot open an HTTP
  route such as ``/api/session`` as a document, and a returned ``rx.call_script`` would need
  ``eval``.  So a handler calls ``load_document`` and the page (``document_load``) loads it.
  ``NavigationState`` has no event handler: no client can set its var.
- Scrolling: a handler puts ``scroll_request(element_id)`` in a var of its own state and the
  page holds ``scroll_into_view`` on that var (``rx.scroll_to`` returned by a handler is
  eval'd too).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import reflex as rx


class NavigationState(rx.State):
    document_url: str = ""


async def load_document(state: rx.State, url: str) -> None:
    """Ask the page of ``state``'s tab to load ``url`` (a path of this site) as a document."""
    nav = await state.get_state(NavigationState)
    nav.document_url = url


async def open_session(state: rx.State, grant: str) -> None:
    """Open the session after a login or an accepted invitation: the page loads
    ``/api/session?grant=…``, which sets the HttpOnly cookie."""
    await load_document(state, "/api/session?" + urlencode({"grant": grant}))


def scroll_request(element_id: str) -> str:
    """A value for a ``scroll_into_view`` var (components/browser): the page scrolls to
    ``element_id``; new at each call, so asking twice for the same element scrolls twice."""
    return f"{element_id}#{time.monotonic_ns()}"
