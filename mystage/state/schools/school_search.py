"""The school autocomplete shared by the sign-up forms (pupils, school staff).

A state using it has ``school_query``, ``school_suggestions`` (``[{"id", "uai", "label",
"ep", "kind", "note"}]``), ``searched`` and ``_search_times``; its page shows them with
:func:`mystage.components.school_picker.school_picker`.  Public data, anonymous callers
welcome: the query is cut at 100 characters, 8 results at most, a burst limit per tab.
With a pupil's ``level``, only the schools of that level's kind (lycées for 2de GT, collèges
for 4e/3e) are suggested.
"""

from __future__ import annotations

import time
from typing import Any

from mystage import db

SEARCH_BURST = 40  # at most this many searches per tab in SEARCH_WINDOW seconds
SEARCH_WINDOW = 20.0


SUGGESTION_KEYS = ("id", "uai", "label", "ep", "kind", "note")


def _suggestions(s, query: str, level: str | None):
    from mystage.services import accounts

    return accounts.signup_school_suggestions(s, query, level)


async def search_schools(state: Any, query: Any, level: str | None = None) -> None:
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
    rows = await db.call(_suggestions, q, level)
    state.school_suggestions = [{k: str(r[k]) for k in SUGGESTION_KEYS} for r in rows[:8]]
    state.searched = True
