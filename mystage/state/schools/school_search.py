"""The school autocomplete shared by the sign-up forms (pupils, school staff).

A state using it has ``school_query``, ``school_suggestions`` (``[{"id", "uai", "label",
"ep"}]``), ``searched`` and ``_search_times``; its page shows them with
:func:`mystage.components.school_picker.school_picker`.  Public data, anonymous callers
welcome: the query is cut at 100 characters, 8 results at most, a burst limit per tab.
"""

from __future__ import annotations

import time
from typing import Any

from mystage import db

SEARCH_BURST = 40  # at most this many searches per tab in SEARCH_WINDOW seconds
SEARCH_WINDOW = 20.0


def _suggestions(s, query: str):
    from mystage.services import accounts

    return accounts.signup_school_suggestions(s, query)


async def search_schools(state: Any, query: Any) -> None:
    """Run one autocomplete request for ``state`` (an event handler's ``self``)."""
    query = query if isinstance(query, str) else ""
    state.school_query = query[:100]
    q = state.school_query.strip()
    if len(q) < 2:
        state.school_suggestions = []
        state.searched = False
        return
    now = time.monotonic()
    recent = [t for t in state._search_times if now - t < SEARCH_WINDOW]
    if len(recent) >= SEARCH_BURST:
        state._search_times = recent
        return
    state._search_times = [*recent, now]
    rows = await db.call(_suggestions, q)
    state.school_suggestions = [
        {k: str(r[k]) for k in ("id", "uai", "label", "ep")} for r in rows[:8]
    ]
    state.searched = True
