"""« Journal » (/espace/admin/journal): the audit log filtered by actor, object, action and
dates, one page at a time, and « Exporter » (xlsx).  Admins only."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.admin_nav import admin_nav
from mystage.components.forms import field_error, field_label, page_title
from mystage.components.layout import page
from mystage.pages.admin.ops_parts import admin_only, cell, header_row, messages, pager, table
from mystage.state.admin.ops import JournalState as S

_INPUT = {
    "padding": "0.45rem",
    "border": f"1px solid {theme.GREY_BORDER}",
    "border_radius": "4px",
    "font_size": "0.95rem",
    "width": "100%",
    "box_sizing": "border-box",
}


def _input(label: str, name: str, placeholder: str = "", type_: str = "text", width="12rem"):
    input_id = f"journal-{name}"
    error = S.errors.get(name, "")
    return rx.box(
        field_label(label, input_id),
        rx.el.input(
            id=input_id,
            name=name,
            type=type_,
            default_value=S.filters.get(name, ""),
            placeholder=placeholder,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{input_id}-err",
            style=_INPUT,
        ),
        field_error(error, input_id),
        width=width,
    )


def _entity() -> rx.Component:
    return rx.box(
        field_label("Objet", "journal-entity"),
        rx.el.select(
            rx.el.option("Tous", value=""),
            rx.foreach(S.entities, lambda e: rx.el.option(e, value=e)),
            id="journal-entity",
            name="entity",
            default_value=S.filters.get("entity", ""),
            style=_INPUT,
        ),
        width="10rem",
    )


def _filters() -> rx.Component:
    return rx.el.form(
        rx.flex(
            _input(
                "Compte (n°, e-mail ou « système »)",
                "actor",
                "#12 ou nom@exemple.fr",
                width="16rem",
            ),
            _entity(),
            _input("N° de l'objet", "entity_id", "42", width="7rem"),
            _input("Action (début)", "action", "resend, set:…", width="10rem"),
            _input("Du", "date_from", type_="date", width="10rem"),
            _input("Au", "date_to", type_="date", width="10rem"),
            gap="0.75rem",
            wrap="wrap",
            align="start",
        ),
        rx.hstack(
            rx.button("Filtrer", type="submit", id="journal-search", cursor="pointer"),
            rx.button(
                "Effacer les filtres",
                type="button",
                variant="soft",
                color_scheme="gray",
                on_click=S.clear_filters,
                id="journal-clear",
            ),
            rx.button(
                "Exporter",
                type="button",
                variant="outline",
                on_click=S.export,
                id="journal-export",
                cursor="pointer",
            ),
            spacing="3",
            margin_top="0.5rem",
        ),
        on_submit=S.search,
        key=S.form_key.to(str),
        width="100%",
    )


def _row(r) -> rx.Component:
    return rx.el.tr(
        cell(r["created_at"], white_space="nowrap"),
        cell(r["actor"], rx.cond(r["actor_id"] != "", rx.text.span(" (#", r["actor_id"], ")"))),
        cell(r["actor_role"]),
        cell(r["entity"], " #", r["entity_id"]),
        cell(rx.code(r["action"])),
        cell(r["change"]),
        cell(r["message"], max_width="22rem", word_break="break-word"),
        border_top=f"1px solid {theme.GREY_BORDER}",
        class_name="journal-row",
    )


@page("/espace/admin/journal", "Journal des actions", on_load=S.load)
def audit_log_page() -> rx.Component:
    return rx.vstack(
        page_title("Journal des actions"),
        admin_nav("journal"),
        admin_only(
            S,
            messages(S),
            rx.text(
                "Chaque changement d'état (candidatures, offres, conventions, comptes, "
                "réglages, actions de l'équipe) laisse une ligne. « Exporter » produit un "
                "fichier Excel des lignes filtrées.",
                font_size="0.9rem",
            ),
            _filters(),
            rx.cond(
                S.rows.length() == 0,
                rx.text("Aucune ligne pour ces critères.", id="journal-none"),
                table(
                    header_row(
                        "Date", "Compte", "Profil", "Objet", "Action", "Changement", "Message"
                    ),
                    rx.el.tbody(rx.foreach(S.rows, _row)),
                    label="Lignes du journal",
                    id="journal-table",
                ),
            ),
            pager(S, "journal"),
        ),
        width="100%",
        align="start",
    )
