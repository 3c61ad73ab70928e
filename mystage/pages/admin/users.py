"""Back office « Utilisateurs »: one search box (name, e-mail, phone, UAI, SIRET or id) and a
paginated table of accounts (administrators only)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.admin_nav import admin_nav
from mystage.components.forms import field_label, notice, page_title
from mystage.components.layout import page
from mystage.components.tables import data_table
from mystage.state.admin.users import AdminUsersState as S

SEARCH_HINT = (
    "Nom et prénom, adresse e-mail (ou une partie), numéro de portable (06 12 34 56 78, "
    "+33 6…), UAI d'un établissement (son personnel et ses élèves), SIRET d'une structure "
    "(ses membres), ou « #42 » / 42 pour le compte n° 42."
)

_STATUS_COLORS = {
    "active": "green",
    "blocked": "red",
    "locked": "orange",
    "anonymised": "gray",
    "refused": "gray",
    "disabled": "gray",
}


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=rx.match(
            status,
            *[(k, v) for k, v in _STATUS_COLORS.items()],
            "blue",
        ),
        variant="soft",
    )


def _search_form() -> rx.Component:
    return rx.form(
        field_label("Rechercher un compte", "f-q"),
        rx.text(
            SEARCH_HINT, id="f-q-hint", font_size="0.8rem", color="#666", margin_bottom="0.25rem"
        ),
        rx.hstack(
            rx.input(
                id="f-q",
                name="q",
                type="search",
                default_value=S.query,
                key=S.query,
                size="3",
                flex="1",
                min_width="12rem",
                max_length=120,
                aria_describedby="f-q-hint",
                auto_complete="off",
            ),
            rx.button(
                "Rechercher",
                type="submit",
                id="users-search",
                size="3",
                background=theme.BLUE,
                color="white",
                cursor="pointer",
                flex_shrink="0",
            ),
            width="100%",
            align="center",
        ),
        on_submit=S.search,
        width="100%",
        role="search",
        margin_bottom="1rem",
    )


def _cells(r) -> list:
    return [
        rx.link(r["name"], href=r["href"], class_name="user-link", color=theme.BLUE),
        r["identifier"],
        r["role"],
        status_badge(r["status"], r["status_label"]),
        r["attachment"],
        r["last_login"],
    ]


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            "Page précédente",
            variant="soft",
            disabled=S.page <= 1,
            on_click=S.go_page(S.page - 1),
            id="users-prev",
        ),
        rx.text("Page ", S.page, " sur ", S.pages),
        rx.button(
            "Page suivante",
            variant="soft",
            disabled=S.page >= S.pages,
            on_click=S.go_page(S.page + 1),
            id="users-next",
        ),
        align="center",
        margin_top="0.75rem",
    )


def _results() -> rx.Component:
    return rx.cond(
        S.loaded,
        rx.box(
            rx.text(
                S.kind_label,
                " : ",
                S.total,
                " compte(s)",
                font_weight="600",
                margin_bottom="0.5rem",
                id="users-count",
            ),
            rx.cond(
                S.total == 0,
                rx.text("Aucun compte ne correspond à cette recherche.", id="users-none"),
                rx.box(
                    data_table(
                        (
                            "Nom",
                            "Identifiant",
                            "Profil",
                            "État",
                            "Établissement ou structure",
                            "Dernière connexion",
                        ),  # fmt: skip
                        S.rows,
                        _cells,
                        width="100%",
                        font_size="0.9rem",
                        id="users-results",
                    ),
                    overflow_x="auto",
                    width="100%",
                    tab_index=0,  # a scrollable region is reachable with the keyboard
                    role="region",
                    aria_label="Comptes trouvés",
                ),
            ),
            rx.cond(S.pages > 1, _pager()),
            width="100%",
        ),
    )


@page("/espace/admin/utilisateurs", "Utilisateurs — Administration", on_load=S.load)
def admin_users_page() -> rx.Component:
    return rx.vstack(
        page_title("Utilisateurs"),
        admin_nav("utilisateurs"),
        rx.cond(
            S.allowed,
            rx.vstack(_search_form(), _results(), width="100%"),
            notice("Page réservée aux administrateurs.", "error"),
        ),
        width="100%",
        align="start",
    )
