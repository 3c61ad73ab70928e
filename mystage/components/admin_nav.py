"""The back office's small navigation (every page under /espace/admin).

``admin_nav(active)`` with ``active`` in :data:`NAV_KEYS`.  A moderator sees « Modération »
and « Structures » only (display only: every handler and service checks the rights on the
server with ``permissions.can_admin`` / ``can_moderate``).
"""

from __future__ import annotations

import reflex as rx

from mystage.components.space_nav import nav_bar, nav_link
from mystage.models import Role
from mystage.state.session import SessionState

ADMIN_URL = "/espace/admin"

# key → (label, href, moderators see it too)
NAV_ITEMS: list[tuple[str, str, str, bool]] = [
    ("accueil", "Validations", ADMIN_URL, False),
    ("moderation", "Modération des offres", f"{ADMIN_URL}/moderation", True),
    ("structures", "Structures", f"{ADMIN_URL}/structures", True),
    ("utilisateurs", "Utilisateurs", f"{ADMIN_URL}/utilisateurs", False),
    ("operateurs", "Opérateurs", f"{ADMIN_URL}/operateurs", False),
    ("envois", "Courriels et SMS", f"{ADMIN_URL}/envois", False),
    ("taches", "Tâches", f"{ADMIN_URL}/taches", False),
    ("journal", "Journal", f"{ADMIN_URL}/journal", False),
    ("reglages", "Réglages", f"{ADMIN_URL}/reglages", False),
]
NAV_KEYS = tuple(item[0] for item in NAV_ITEMS)


def admin_nav(active: str) -> rx.Component:
    """The links of the back office; ``active`` is the current page's key."""
    links = []
    for key, label, href, moderators in NAV_ITEMS:
        link = nav_link("admin-nav", key, label, href, active)
        if not moderators:
            link = rx.cond(SessionState.user_role == Role.ADMIN.value, link)
        links.append(link)
    return nav_bar(links, "Administration")
