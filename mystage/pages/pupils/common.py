"""What the pupil's pages share: the sub-menu, the page frame, buttons that are links, card
grids."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import notice, page_title
from mystage.state.pupils import APPLICATIONS_URL, CV_URL, FAVORITES_URL

HINT = {"font_size": "0.85rem", "color": "#555"}
# A card of a list (an application, a favourite).
CARD = {
    "display": "flex",
    "flex_direction": "column",
    "gap": "0.5rem",
    "background": "white",
    "border": f"1px solid {theme.GREY_BORDER}",
    "border_radius": "8px",
    "padding": "1rem",
    "width": "100%",
}


def button_row(*children: rx.Component) -> rx.Component:
    """Buttons side by side, stacked on a phone."""
    return rx.flex(
        *children,
        gap="0.75rem",
        direction=rx.breakpoints(initial="column", sm="row"),
        width="100%",
    )


def status_box(*children: rx.Component, color: str, background: str, **props) -> rx.Component:
    """A framed message announced to screen readers (``role="status"``)."""
    return rx.box(
        *children,
        role="status",
        background=background,
        border_left=f"4px solid {color}",
        padding="1rem",
        border_radius="4px",
        width="100%",
        **props,
    )


def pupil_nav(active: str) -> rx.Component:
    """The pupil's sub-menu (wraps on a phone)."""
    items = [
        ("Mes candidatures", APPLICATIONS_URL),
        ("Mon CV", CV_URL),
        ("Mes favoris", FAVORITES_URL),
        ("Rechercher une offre", "/offres"),
    ]
    return rx.el.nav(
        rx.flex(
            *[
                rx.link(
                    label,
                    href=href,
                    font_weight="700" if href == active else "500",
                    color=theme.BLUE,
                    text_decoration="underline" if href == active else "none",
                    aria_current="page" if href == active else None,
                    white_space="nowrap",
                )
                for label, href in items
            ],
            wrap="wrap",
            gap="0.5rem 1.25rem",
        ),
        aria_label="Mon espace élève",
        margin_bottom="1rem",
        width="100%",
    )


def loading() -> rx.Component:
    return rx.text("Chargement…", color="#666")


def link_button(label: str, href: rx.Var | str, variant: str = "solid", **props) -> rx.Component:
    return rx.link(
        rx.button(
            label,
            variant=variant,
            size="3",
            cursor="pointer",
            width="100%",
            **({"background": theme.BLUE, "color": "white"} if variant == "solid" else {}),
        ),
        href=href,
        underline="none",
        width=["100%", "auto"],
        **props,
    )


def pupil_page(title: str, url: str, S, *body: rx.Component) -> rx.Component:
    """A page of the pupil's space: title, sub-menu, then ``body`` once loaded (or the
    reason the caller may not see it)."""
    return rx.vstack(
        page_title(title),
        pupil_nav(url),
        rx.cond(
            ~S.loaded,
            loading(),
            rx.cond(
                S.denied != "",
                notice(S.denied, "error", id="pupil-denied"),
                rx.vstack(*body, width="100%", spacing="3"),
            ),
        ),
        width="100%",
        align="start",
    )


def form_errors(errors, id_prefix: str, summary: str) -> tuple:
    """Above a pupil's « Envoyer » button: the error of the whole form (``<id_prefix>-form-err``)
    or, when only fields have errors, ``summary`` (``<id_prefix>-has-errors``)."""
    form_error = errors.get("form", "")
    return (
        rx.cond(form_error != "", notice(form_error, "error", id=f"{id_prefix}-form-err")),
        rx.cond(
            (errors.length() > 0) & (form_error == ""),
            notice(summary, "error", id=f"{id_prefix}-has-errors"),
        ),
    )


def cards_or_empty(rows, card_fn, empty_text: str, empty_id: str) -> rx.Component:
    """The cards of ``rows``, or ``empty_text`` and « Rechercher une offre » while there are
    none."""
    return rx.cond(
        rows.length() == 0,
        rx.vstack(
            rx.text(empty_text, id=empty_id),
            link_button("Rechercher une offre", "/offres"),
            spacing="3",
        ),
        card_grid(rows, card_fn),
    )


def card_grid(rows, card_fn) -> rx.Component:
    return rx.box(
        rx.foreach(rows, card_fn),
        display="grid",
        grid_template_columns=rx.breakpoints(initial="1fr", md="repeat(2, minmax(0, 1fr))"),
        gap="1rem",
        width="100%",
    )
