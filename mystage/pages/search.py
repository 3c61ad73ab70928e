"""« Rechercher un stage » (/offres): form, results list, clustered map; criteria in the URL."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.autocomplete import autocomplete_field
from mystage.components.controls import search_button
from mystage.components.forms import field_label, notice, page_title, panel, shown_error
from mystage.components.layout import page
from mystage.components.maps import map_frame
from mystage.state.search import FLAGS, HANDICAPS, LEVELS, RADII, SearchState

INPUT_STYLE = {**theme.TEXT_INPUT, "background": "white"}


def _label(text: str, for_id: str) -> rx.Component:
    return field_label(text, for_id, font_size="0.9rem")


def _error(key: str) -> rx.Component:
    return shown_error(SearchState.errors.get(key, ""), f"err-{key}")


def _place_field() -> rx.Component:
    S = SearchState
    return rx.box(
        _label("Ville ou code postal", "s-lieu"),
        autocomplete_field(
            input_id="s-lieu",
            name="lieu",
            default=S.lieu,
            on_type=lambda v: S.type_place(v, S.place_epoch).debounce(250),
            suggestions=S.place_suggestions,
            on_choose=S.pick_place,
            list_label="Lieux proposés",
            item_class="place-suggestion",
            placeholder="ex. : Meaux, 44000, 77",
            input_style=INPUT_STYLE,
        ),
        _error("lieu"),
        flex="1",
        min_width="12rem",
    )


def _checkbox(input_id, name, label, checked, **row_props) -> rx.Component:
    """A checkbox followed by its label (``row_props``: ``align``)."""
    return rx.hstack(
        rx.el.input(type="checkbox", id=input_id, name=name, default_checked=checked),
        rx.el.label(label, html_for=input_id, font_size="0.9rem"),
        spacing="2",
        **row_props,
    )


def _disclosure(title: str, *children: rx.Component, **props) -> rx.Component:
    """A bordered ``<details>`` whose summary is ``title`` (``props``: id, more style)."""
    return rx.el.details(
        rx.el.summary(title, cursor="pointer", font_weight="600", font_size="0.9rem"),
        *children,
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="4px",
        padding="0.5rem",
        background="white",
        **props,
    )


def _checks(title: str, items, prefix: str, selected, id_: str) -> rx.Component:
    return _disclosure(
        title,
        rx.box(
            rx.foreach(
                items,
                lambda it: _checkbox(
                    prefix + it["id"],
                    prefix + it["id"],
                    it["name"],
                    selected.contains(it["id"]),
                    align="center",
                ),
            ),
            max_height="14rem",
            overflow_y="auto",
            padding="0.5rem",
        ),
        id=id_,
    )


def _form() -> rx.Component:
    S = SearchState
    return rx.form(
        rx.flex(
            rx.box(
                _label("Métier, mot-clé", "s-q"),
                rx.el.input(
                    id="s-q",
                    name="q",
                    default_value=S.query.get("q", ""),
                    placeholder="ex. : boulanger, hôpital, informatique",
                    style=INPUT_STYLE,
                ),
                flex="2",
                min_width="12rem",
            ),
            _place_field(),
            rx.box(
                _label("Rayon", "s-rayon"),
                rx.el.select(
                    *[
                        rx.el.option(f"{r} km" if r != "0" else "la commune seule", value=r)
                        for r in RADII
                    ],
                    id="s-rayon",
                    name="rayon",
                    default_value=S.query.get("rayon", "20"),
                    style=INPUT_STYLE,
                ),
                _error("rayon"),
                min_width="8rem",
            ),
            gap="0.75rem",
            wrap="wrap",
            width="100%",
        ),
        rx.flex(
            rx.box(
                _label("Niveau", "s-niveau"),
                rx.el.select(
                    rx.el.option("Tous les niveaux", value=""),
                    *[rx.el.option(lbl, value=v) for v, lbl in LEVELS],
                    id="s-niveau",
                    name="niveau",
                    default_value=S.query.get("niveau", ""),
                    style=INPUT_STYLE,
                ),
                min_width="12rem",
            ),
            rx.box(
                _checks("Secteurs", S.sectors, "secteur_", S.selected_sectors, "s-secteurs"),
                flex="1",
                min_width="12rem",
            ),
            rx.box(
                _checks(
                    "Semaines",
                    S.week_options,
                    "semaine_",
                    S.selected_weeks,
                    "s-semaines",
                ),
                _error("semaines"),
                flex="1",
                min_width="12rem",
            ),
            _disclosure(
                "Accessibilité",
                *[
                    _checkbox(
                        f"handicap_{k}",
                        f"handicap_{k}",
                        f"Handicap {lbl}",
                        S.selected_handicaps.contains(k),
                    )
                    for k, lbl in HANDICAPS
                ],
                min_width="12rem",
            ),
            gap="0.75rem",
            wrap="wrap",
            width="100%",
            margin_top="0.75rem",
        ),
        rx.flex(
            _checkbox(
                "s-tout",
                "tout",
                "Voir aussi les offres complètes ou hors période de candidature",
                S.query.get("tout", "") == "1",
                align="center",
            ),
            rx.spacer(),
            search_button("3", "s-submit"),
            wrap="wrap",
            gap="0.75rem",
            width="100%",
            margin_top="0.75rem",
            align="center",
        ),
        on_submit=SearchState.submit,
        reset_on_submit=False,
        key=S.form_key,
        id="search-form",
        background=theme.GREY_LIGHT,
        padding="1rem",
        border_radius="8px",
        width="100%",
    )


def _flag(flags, letter: str, text: str, color: str) -> rx.Component:
    """A soft badge shown when the result's ``flags`` hold ``letter`` (state/search.FLAGS)."""
    return rx.cond(flags.contains(letter), rx.badge(text, color_scheme=color, variant="soft"))


def _card(r) -> rx.Component:
    return rx.link(
        panel(
            rx.hstack(
                rx.heading(r["title"], as_="h2", size="4", color=theme.BLUE, flex="1"),
                rx.cond(
                    r["km"] != "",
                    rx.text(
                        r["km"],
                        " km",
                        font_size="0.85rem",
                        color="#666",
                        white_space="nowrap",
                    ),
                ),
                align="start",
                width="100%",
            ),
            rx.text(r["employer"], font_weight="600", color="#161616"),
            # « 77100 Meaux · Commerce »
            rx.text(r["where"], font_size="0.9rem", color="#3a3a3a"),
            # One line: « 4 semaines · du 14 déc. au 22 janv. » (the weeks on the offer page).
            rx.cond(
                r["weeks"] != "",
                rx.text(r["weeks"], font_size="0.85rem", color="#3a3a3a", class_name="card-weeks"),
            ),
            rx.flex(
                rx.badge(r["places"], color_scheme="blue", variant="soft"),
                *[_flag(r["flags"], letter, text, color) for _k, letter, text, color in FLAGS],
                gap="0.35rem",
                wrap="wrap",
                margin_top="0.35rem",
            ),
            _hover={"border_color": theme.BLUE},
            width="100%",
        ),
        href="/offres/" + r["id"],
        underline="none",
        class_name="offer-card",
        width="100%",
    )


def _no_result() -> rx.Component:
    """« Aucune offre … » and wider searches that find some (list and map views alike)."""
    S = SearchState
    return rx.box(
        notice("Aucune offre ne correspond à ces critères.", "info", id="no-result"),
        rx.cond(
            S.suggestions.length() > 0,
            rx.vstack(
                rx.text("Essayez plutôt :", font_weight="600"),
                rx.foreach(
                    S.suggestions,
                    lambda sug: rx.link(sug["label"], href=sug["href"], class_name="suggestion"),
                ),
                align="start",
                margin_top="0.75rem",
            ),
        ),
        width="100%",
    )


def _results() -> rx.Component:
    S = SearchState
    return rx.vstack(
        rx.foreach(S.results, _card),
        rx.hstack(
            rx.cond(S.page > 1, rx.link("← Page précédente", href=S.prev_href, id="prev-page")),
            rx.text("Page ", S.page, " sur ", S.pages, font_size="0.9rem"),
            rx.cond(
                S.page < S.pages,
                rx.link("Page suivante →", href=S.next_href, id="next-page"),
            ),
            spacing="4",
            margin_top="0.5rem",
        ),
        width="100%",
        spacing="3",
        id="results",
    )


def _view_button(view: str, icon: str, label: str, href: rx.Var) -> rx.Component:
    """« Liste » or « Carte »: pressed while the results show that ``view``; the view is
    in the address (``vue=carte``), so a new search or a shared link opens on the list
    unless it says otherwise."""
    shown = SearchState.view == view
    return rx.button(
        rx.icon(icon, size=16),
        label,
        size="2",
        variant=rx.cond(shown, "solid", "outline"),
        aria_pressed=rx.cond(shown, "true", "false"),
        on_click=rx.redirect(href),
        id=f"view-{view}",
    )


def _filters_toggle() -> rx.Component:
    """« Filtres (n) » on a phone once a search has run: unfolds the criteria right
    under it (a disclosure button: ``aria-expanded``, focus stays on it, Tab goes on
    into the criteria)."""
    S = SearchState
    return rx.cond(
        S.searched,
        rx.button(
            rx.icon("sliders-horizontal", size=16),
            rx.text("Filtres (", S.filters_count, ")", as_="span"),
            rx.cond(
                S.filters_open, rx.icon("chevron-up", size=16), rx.icon("chevron-down", size=16)
            ),
            type="button",
            size="3",
            variant="outline",
            aria_expanded=rx.cond(S.filters_open, "true", "false"),
            aria_controls="search-filters",
            on_click=S.toggle_filters,
            id="filters-toggle",
            class_name="filters-toggle",
            cursor="pointer",
        ),
    )


@page(
    "/offres",
    "Rechercher un stage",
    on_load=SearchState.load,
    skip=[("Aller aux résultats", "#resultats")],
)
def search_page() -> rx.Component:
    S = SearchState
    return rx.vstack(
        page_title("Rechercher un stage"),
        _filters_toggle(),
        # On a phone, once a search has run, the criteria fold under « Filtres (n) » so
        # that the count and the first offers come first (mystage.css: .search-filters).
        rx.box(
            rx.cond(S.loaded, _form(), rx.box(height="10rem")),
            id="search-filters",
            class_name=rx.cond(
                S.searched & ~S.filters_open, "search-filters folded", "search-filters"
            ),
            width="100%",
        ),
        rx.cond(
            S.defaults_applied,
            notice(
                "Offres autour de ton établissement et pour tes semaines de stage. Change les "
                "critères pour chercher ailleurs.",
                "info",
            ),
        ),
        rx.flex(
            rx.text(
                rx.text.strong(S.total, id="total"),
                " ",
                S.offers_word,
                rx.cond(S.place_phrase != "", rx.text(" ", S.place_phrase, as_="span")),
                aria_live="polite",
                id="results-count",
            ),
            rx.spacer(),
            rx.hstack(
                _view_button("list", "list", "Liste", S.list_href),
                _view_button("map", "map", "Carte", S.map_href),
                spacing="2",
            ),
            width="100%",
            align="center",
            wrap="wrap",
            gap="0.5rem",
            # « Aller aux résultats » (skip link) lands here, past the form's fields: the
            # count is read, then Tab goes to « Liste », « Carte » and the offers.
            id="resultats",
            tab_index=-1,
            class_name="skip-target",
        ),
        rx.cond(
            S.total == 0,
            _no_result(),
            rx.cond(
                S.view == "map",
                map_frame(
                    S.map_url,
                    "Carte des offres",
                    "520px",
                    element_id="offers-map",
                    placeholder=rx.text("Chargement de la carte…"),
                ),
                _results(),
            ),
        ),
        width="100%",
        spacing="4",
        align="start",
    )
