"""``/espace/etablissement/semaines``: the internship weeks of the school and its classes."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import (
    card,
    notice,
)
from mystage.components.layout import page
from mystage.pages.schools.parts import SELECT_STYLE, blue_button, labelled, space_page
from mystage.state.schools import (
    SchoolWeeksState,
)


def _picker(label: str, select_id: str, value, on_change, *options) -> rx.Component:
    """A labelled select of the page's header (what the chips show)."""
    return labelled(
        label,
        select_id,
        rx.el.select(*options, id=select_id, value=value, on_change=on_change, style=SELECT_STYLE),
        flex="1",
        min_width="12rem",
    )


def _chip(w) -> rx.Component:
    S = SchoolWeeksState
    on = S.selected.contains(w["value"])
    return rx.fragment(
        rx.cond(
            w["first"] == "1",
            rx.text(
                w["month"],
                font_weight="700",
                color="#161616",
                width="100%",
                margin_top="0.75rem",
                text_transform="capitalize",
            ),
        ),
        rx.el.button(
            # The accessible name starts with the visible « 7 – 11 » (what a speech-input
            # user reads and says), then the full dates for screen readers (WCAG 2.5.3).
            w["chip"],
            rx.el.span(" : ", w["label"], class_name="sr-only"),
            type="button",
            id="week-" + w["value"],
            title=w["label"],
            aria_pressed=rx.cond(on, "true", "false"),
            disabled=~S.can_edit,
            on_click=S.toggle(w["value"]),
            style={
                "padding": "0.4rem 0.7rem",
                "border_radius": "999px",
                "border": rx.cond(on, f"2px solid {theme.BLUE}", f"1px solid {theme.GREY_BORDER}"),
                "background": rx.cond(on, theme.BLUE, "white"),
                "color": rx.cond(on, "white", "#161616"),
                "font_weight": rx.cond(on, "700", "400"),
                "font_size": "0.9rem",
                "cursor": rx.cond(S.can_edit, "pointer", "default"),
                "opacity": rx.cond(w["past"] == "1", "0.6", "1"),
                "min_width": "4.5rem",
                "_focus_visible": {"outline": f"3px solid {theme.BLUE}", "outline_offset": "2px"},
            },
        ),
    )


def _periods_list(items, none_text: str, item_id: str = "") -> rx.Component:
    return rx.cond(
        items.length() == 0,
        rx.text(none_text, font_style="italic"),
        rx.el.ul(
            rx.foreach(items, lambda p: rx.el.li(p)),
            style={"margin": "0", "padding_left": "1.25rem"},
            id=item_id or None,
        ),
    )


@page("/espace/etablissement/semaines", "Semaines de stage", on_load=SchoolWeeksState.load)
def school_weeks_page() -> rx.Component:
    S = SchoolWeeksState
    return space_page(
        S,
        "semaines",
        "Semaines de stage",
        rx.text(
            "Cochez les semaines de stage de l'année scolaire : une ou plusieurs périodes. "
            "Les élèves voient en priorité les offres de leurs semaines. Si une classe a "
            "d'autres semaines que le reste de l'établissement, choisissez-la dans la liste.",
            margin_bottom="1rem",
        ),
        rx.flex(
            _picker(
                "Pour",
                "week-scope",
                S.scope,
                S.set_scope,
                rx.el.option("Tout l'établissement", value=""),
                rx.foreach(
                    S.class_options,
                    lambda c: rx.el.option("Classe " + c["name"], value=c["id"]),
                ),
            ),
            _picker(
                "Année scolaire",
                "week-year",
                S.year,
                S.set_year,
                rx.foreach(S.years, lambda y: rx.el.option(y["name"], value=y["id"])),
            ),
            gap="1rem",
            wrap="wrap",
            margin_bottom="1rem",
            width="100%",
        ),
        rx.cond(
            S.follows_school,
            notice(
                rx.box(
                    rx.text(
                        "Cette classe n'a pas de semaines à elle : elle suit celles de "
                        "l'établissement. Cochez des semaines pour lui en donner d'autres.",
                    ),
                    _periods_list(S.school_periods, "Aucune semaine choisie pour l'établissement."),
                ),
                "info",
                id="weeks-follows-school",
            ),
        ),
        card(
            rx.text(
                rx.cond(S.scope == "", "Semaines de l'établissement", "Semaines de la classe "),
                rx.cond(S.scope != "", S.scope_name, ""),
                " — ",
                S.year_label,
                font_weight="700",
                color="#161616",
                margin_bottom="0.25rem",
            ),
            rx.cond(
                (S.scope != "") & (S.selected.length() == 0),
                rx.text("Aucune semaine propre à cette classe.", font_style="italic"),
                _periods_list(S.periods, "Aucune semaine choisie.", "weeks-periods"),
            ),
            margin_bottom="1rem",
        ),
        rx.cond(
            ~S.can_edit,
            notice(
                "Seul le chef d'établissement peut changer les semaines de stage.",
                "info",
                id="weeks-read-only",
            ),
        ),
        rx.flex(
            rx.foreach(S.chips, _chip),
            gap="0.5rem",
            wrap="wrap",
            id="weeks-calendar",
            role="group",
            aria_label="Semaines de l'année scolaire",
        ),
        rx.cond(S.error != "", notice(S.error, "error", id="weeks-error", margin_top="1rem")),
        rx.cond(
            S.saved,
            notice("Semaines enregistrées.", "success", id="weeks-saved", margin_top="1rem"),
        ),
        rx.cond(
            S.can_edit,
            rx.hstack(
                blue_button("Enregistrer les semaines", on_click=S.save, id="weeks-save"),
                rx.cond(
                    S.dirty,
                    rx.text("Modifications non enregistrées.", color=theme.ERROR),
                ),
                align="center",
                margin_top="1.25rem",
                wrap="wrap",
            ),
        ),
    )
