"""The school space's small navigation (shared by every page under /espace/etablissement).

``school_nav(active)`` with ``active`` in :data:`NAV_KEYS`.  « Équipe » is shown to the
head only (display only: every handler and service checks the rights on the server).
"""

from __future__ import annotations

import reflex as rx

from mystage.components.space_nav import nav_bar, nav_link
from mystage.models import Role
from mystage.state.session import SessionState

SPACE_URL = "/espace/etablissement"

# key → (label, href, head only)
NAV_ITEMS: list[tuple[str, str, str, bool]] = [
    ("tableau", "Tableau de bord", SPACE_URL, False),
    ("classes", "Classes", f"{SPACE_URL}/classes", False),
    ("semaines", "Semaines de stage", f"{SPACE_URL}/semaines", False),
    ("conventions", "Conventions", f"{SPACE_URL}/conventions", False),
    ("modele", "Modèle de convention", f"{SPACE_URL}/modele-convention", True),
    ("equipe", "Équipe", f"{SPACE_URL}/equipe", True),
    ("parametres", "Paramètres", f"{SPACE_URL}/parametres", False),
]
NAV_KEYS = tuple(item[0] for item in NAV_ITEMS)


def school_nav(active: str) -> rx.Component:
    """The links of the school space; ``active`` is the current page's key."""
    links = []
    for key, label, href, head_only in NAV_ITEMS:
        link = nav_link("school-nav", key, label, href, active)
        if head_only:
            link = rx.cond(SessionState.user_role == Role.CHEF_ETABLISSEMENT.value, link)
        links.append(link)
    return nav_bar(links, "Espace établissement")
