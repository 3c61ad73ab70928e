"""Pieces shared by the back office « ops » pages: the refusal, the message lines, the
pager and a table header."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import notice

CELL = {"padding": "0.35rem 0.5rem", "vertical_align": "top", "text_align": "left"}


def messages(S) -> rx.Component:
    """The state's ``message`` (info) and ``error`` lines."""
    return rx.fragment(
        rx.cond(S.message != "", notice(S.message, "success", id="ops-message")),
        rx.cond(S.error != "", notice(S.error, "error", id="ops-error")),
    )


def admin_only(S, *children: rx.Component) -> rx.Component:
    """``children`` for administrators, the refusal otherwise."""
    return rx.cond(
        S.allowed,
        rx.vstack(*children, width="100%", align="start", spacing="3"),
        notice("Page réservée aux administrateurs.", "error", id="ops-denied"),
    )


def header_row(*labels: str) -> rx.Component:
    return rx.el.thead(
        rx.el.tr(*[rx.el.th(h, style=CELL, scope="col") for h in labels]),
        background=theme.GREY_LIGHT,
    )


def cell(*children, **props) -> rx.Component:
    return rx.el.td(*children, style=CELL, **props)


def table(head: rx.Component, body: rx.Component, label="Tableau", **props) -> rx.Component:
    """The table in a box that scrolls sideways on small screens (reachable with the
    keyboard: a labelled, focusable region)."""
    return rx.box(
        rx.el.table(head, body, width="100%", border_collapse="collapse", font_size="0.85rem"),
        overflow_x="auto",
        width="100%",
        tab_index=0,
        role="region",
        aria_label=label,
        **props,
    )


def pager(S, prefix: str) -> rx.Component:
    """« Précédente » / « page n sur N » / « Suivante » over ``S.page`` and ``S.pages``."""
    return rx.hstack(
        rx.button(
            "Précédente",
            variant="soft",
            size="1",
            disabled=S.page <= 1,
            on_click=S.go_to_page(S.page - 1),
            id=f"{prefix}-prev",
        ),
        rx.text(
            "Page ", S.page, " sur ", S.pages, " (", S.total, " au total)", font_size="0.85rem"
        ),
        rx.button(
            "Suivante",
            variant="soft",
            size="1",
            disabled=S.page >= S.pages,
            on_click=S.go_to_page(S.page + 1),
            id=f"{prefix}-next",
        ),
        align="center",
        spacing="3",
    )
