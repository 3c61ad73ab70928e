"""The offer as a pupil sees it: used by the employer preview and the public offer page."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.bound_fields import error_line


def _section(title: str, *children, **props) -> rx.Component:
    return rx.box(
        rx.heading(title, as_="h2", size="4", color=theme.BLUE, margin_bottom="0.5rem"),
        *children,
        padding_y="0.75rem",
        border_top=f"1px solid {theme.GREY_BORDER}",
        width="100%",
        **props,
    )


def _line(label: str, value: rx.Var) -> rx.Component:
    return rx.cond(
        value != "",
        rx.box(
            rx.text(label, font_weight="600", as_="span"),
            rx.text(" ", value, as_="span", white_space="pre-wrap"),
            margin_bottom="0.35rem",
        ),
    )


def place_line(offer: rx.Var) -> rx.Component:
    """The pin and « <postal code> <city> » of an offer (a dict with those keys)."""
    return rx.hstack(
        rx.icon("map-pin", size=16),
        rx.text(offer["postal_code"], " ", offer["city"]),
        spacing="1",
        align="center",
    )


def badge(text: str | rx.Var, color: str = "indigo") -> rx.Component:
    return rx.badge(text, color_scheme=color, variant="soft", size="2")


def offer_detail(view: rx.Var, weeks: rx.Var, levels: rx.Var, handicaps: rx.Var) -> rx.Component:
    """``view``: the flattened offer_view dict of a state; lists passed separately."""
    return rx.vstack(
        rx.hstack(
            rx.cond(
                view["logo_url"] != "",
                rx.image(
                    src=view["logo_url"],
                    alt="Logo de la structure",
                    width="64px",
                    height="64px",
                    object_fit="contain",
                ),
            ),
            rx.vstack(
                rx.heading(view["title"], as_="h1", size="7", color="#161616", id="offer-title"),
                rx.text(view["employer_name"], font_weight="600", size="4"),
                place_line(view),
                spacing="1",
            ),
            spacing="3",
            align="start",
        ),
        rx.flex(
            rx.cond(view["sector"] != "", badge(view["sector"])),
            rx.foreach(levels, lambda lv: badge(lv, "gray")),
            rx.cond(handicaps.length() > 0, badge("Accessible", "green")),
            rx.cond(view["reserved"] != "", badge(view["reserved"], "orange")),
            wrap="wrap",
            gap="0.5rem",
        ),
        _section(
            "Le stage",
            rx.text(view["description"], white_space="pre-wrap", id="offer-description"),
        ),
        _section(
            "Semaines et places",
            rx.cond(
                view["all_year"] == "1",
                rx.text("Toute l'année scolaire."),
            ),
            rx.foreach(
                weeks,
                lambda w: rx.fragment(
                    rx.cond(
                        w["heading"] != "",
                        rx.text(w["heading"], font_weight="600", class_name="offer-weeks-heading"),
                    ),
                    rx.flex(
                        rx.text(w["label"]),
                        rx.spacer(),
                        rx.text(
                            w["places_left"],
                            rx.cond(
                                (w["places_left"] == "0") | (w["places_left"] == "1"),
                                " place libre sur ",
                                " places libres sur ",
                            ),
                            w["places"],
                            color="#3a3a3a",
                        ),
                        width="100%",
                        wrap="wrap",
                        column_gap="1rem",
                        padding_y="0.2rem",
                        class_name="offer-week",
                    ),
                ),
            ),
            rx.text(
                "Places restantes : ", rx.text.strong(view["places_left"]), margin_top="0.5rem"
            ),
            _line("Candidatures :", view["application_window"]),
        ),
        _section(
            "Infos pratiques",
            _line("Horaires :", view["hours"]),
            _line("Pause déjeuner :", view["lunch_break"]),
            _line("Repas :", view["meals"]),
            _line("Déplacements :", view["travel"]),
            _line("Adresse :", view["street"]),
        ),
        rx.cond(
            (view["work_environment"] != "")
            | (view["accessibility_text"] != "")
            | (handicaps.length() > 0),
            _section(
                "Environnement de travail et accessibilité",
                _line("Environnement :", view["work_environment"]),
                _line("Accessibilité :", view["accessibility_text"]),
                rx.cond(
                    handicaps.length() > 0,
                    rx.hstack(
                        rx.text("Accueil possible : ", font_weight="600"),
                        rx.foreach(handicaps, lambda h: badge(h, "green")),
                        wrap="wrap",
                    ),
                ),
            ),
        ),
        rx.cond(
            view["employer_description"] != "",
            _section(
                "La structure",
                rx.text(view["employer_description"], white_space="pre-wrap"),
                rx.cond(
                    view["employer_website"] != "",
                    rx.link(
                        view["employer_website"], href=view["employer_website"], is_external=True
                    ),
                ),
            ),
        ),
        rx.cond(
            view["contact_name"] != "",
            _section(
                "Contact",
                _line("Tuteur :", view["contact_name"]),
                _line("Courriel :", view["contact_email"]),
                _line("Téléphone :", view["contact_phone"]),
            ),
        ),
        align="start",
        width="100%",
        spacing="3",
    )


def favorite_button(is_favorite: rx.Var, on_click, error: rx.Var | str = "") -> rx.Component:
    """« ☆ Ajouter aux favoris » / « ★ Retirer des favoris » (id ``favorite-toggle``)."""
    return rx.box(
        rx.button(
            rx.cond(is_favorite, "★ Retirer des favoris", "☆ Ajouter aux favoris"),
            variant=rx.cond(is_favorite, "solid", "outline"),
            color_scheme="amber",
            size="3",
            width="100%",
            cursor="pointer",
            on_click=on_click,
            aria_pressed=rx.cond(is_favorite, "true", "false"),
            id="favorite-toggle",
        ),
        error_line(error, font_size="0.85rem"),
        width="100%",
    )
