"""The school space's small navigation (shared by every page under /espace/etablissement).

``school_nav(active)`` with ``active`` in :data:`NAV_KEYS`.  « Équipe » is shown to the
head only (display only: every handler and service checks the rights on the server).
"""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
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


def _item(key: str, label: str, href: str, active: str) -> rx.Component:
    is_active = key == active
    return rx.link(
        label,
        href=href,
        id=f"school-nav-{key}",
        aria_current="page" if is_active else None,
        color=theme.BLUE,
        font_weight="700" if is_active else "500",
        padding="0.45rem 0.8rem",
        border_radius="4px",
        background=theme.BLUE_LIGHT if is_active else "transparent",
        underline="none",
        white_space="nowrap",
        _hover={"background": theme.BLUE_LIGHT},
    )


def school_nav(active: str) -> rx.Component:
    """The links of the school space; ``active`` is the current page's key."""
    links = []
    for key, label, href, head_only in NAV_ITEMS:
        link = _item(key, label, href, active)
        if head_only:
            link = rx.cond(SessionState.user_role == Role.CHEF_ETABLISSEMENT.value, link)
        links.append(link)
    return rx.el.nav(
        rx.flex(*links, gap="0.25rem", wrap="wrap"),
        aria_label="Espace établissement",
        border_bottom=f"1px solid {theme.GREY_BORDER}",
        padding_bottom="0.5rem",
        margin_bottom="1.25rem",
        width="100%",
    )
