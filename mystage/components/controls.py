"""Small controls shared by the spaces: the pager of a paginated list, the « Rechercher »
submit button and the « Imprimer » button."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme


def pager(
    S, *summary, font_size: str, prev_id: str | None = None, next_id: str | None = None
) -> rx.Component:
    """« Précédent », « Page n sur m » (then ``summary``), « Suivant »: buttons calling
    ``S.go_page``, disabled on the first and last page."""

    def button(label: str, page, disabled, id_: str | None) -> rx.Component:
        ids = {"id": id_} if id_ else {}
        return rx.button(
            label, size="1", variant="soft", on_click=S.go_page(page), disabled=disabled, **ids
        )

    return rx.hstack(
        button("Précédent", S.page - 1, S.page <= 1, prev_id),
        rx.text("Page ", S.page, " sur ", S.pages, *summary, font_size=font_size),
        button("Suivant", S.page + 1, S.page >= S.pages, next_id),
        align="center",
        margin_top="0.75rem",
    )


def search_button(size: str, id_: str) -> rx.Component:
    """The « Rechercher » submit button of a search form (the magnifier, then the word)."""
    return rx.button(
        rx.icon("search", size=18),
        "Rechercher",
        type="submit",
        size=size,
        background=theme.BLUE,
        cursor="pointer",
        id=id_,
    )


def print_button(label: str, id_: str) -> rx.Component:
    """A button that opens the browser's print dialog."""
    return rx.button(
        rx.icon("printer", size=16),
        label,
        on_click=rx.run_script("window.print()"),
        id=id_,
        background=theme.BLUE,
        cursor="pointer",
    )


def state_badge(state, label, colours: dict[str, str], **props) -> rx.Component:
    """A state in plain words, coloured by ``colours`` (state → Radix colour, grey when the
    state is not listed)."""
    return rx.badge(
        label,
        color_scheme=rx.match(state, *[(k, v) for k, v in colours.items()], "gray"),
        variant="soft",
        **props,
    )
