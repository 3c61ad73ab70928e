"""Home: the live counter of available places, the two entries, the search bar, figures."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.controls import search_button
from mystage.components.forms import notice, panel
from mystage.components.layout import page
from mystage.state.home import HomeState


def _cta(label: str, href: str, primary: bool, id_: str) -> rx.Component:
    return rx.link(
        rx.button(
            label,
            size="4",
            width="100%",
            cursor="pointer",
            background=theme.BLUE if primary else "white",
            color="white" if primary else theme.BLUE,
            border=f"2px solid {theme.BLUE}",
            white_space="normal",
            height="auto",
            min_height="3rem",
        ),
        href=href,
        width=["100%", "auto"],
        id=id_,
    )


def _figure(value, label: str, id_: str) -> rx.Component:
    return panel(
        rx.text(value, font_size="1.8rem", font_weight="800", color=theme.BLUE, id=id_),
        rx.text(label, font_size="0.9rem"),
        text_align="center",
    )


_BAR_INPUT = {
    "padding": "0.75rem",
    "font_size": "1rem",
    "border": f"1px solid {theme.GREY_BORDER}",
    "border_radius": "4px",
    "width": "100%",
    "box_sizing": "border-box",
}


def _bar_field(label: str, name: str, placeholder: str, flex: str, min_width: str) -> rx.Component:
    """A labelled input of the search bar (id ``home-<name>``)."""
    input_id = f"home-{name}"
    return rx.box(
        rx.el.label(label, html_for=input_id, font_weight="600"),
        rx.el.input(id=input_id, name=name, placeholder=placeholder, style=_BAR_INPUT),
        flex=flex,
        min_width=min_width,
    )


def _search_bar() -> rx.Component:
    return rx.el.form(
        rx.flex(
            _bar_field("Métier ou mot-clé", "q", "ex. : vétérinaire", "2", "12rem"),
            _bar_field("Ville ou code postal", "lieu", "ex. : Nantes, 77100", "1", "10rem"),
            search_button("4", "home-search"),
            gap="0.75rem",
            wrap="wrap",
            align="end",
            width="100%",
        ),
        # A plain GET form: /offres?q=…&lieu=… works without JavaScript state.
        action="/offres",
        method="get",
        on_submit=rx.run_script(
            "(function(){const f=document.getElementById('home-form');"
            "const p=new URLSearchParams(new FormData(f));"
            "for (const [k,v] of [...p]) if(!v) p.delete(k);"
            "window.location.assign('/offres?'+p.toString());})()"
        ),
        id="home-form",
        width="100%",
        padding="1rem",
        background=theme.GREY_LIGHT,
        border_radius="8px",
    )


@page("/", "Accueil", on_load=HomeState.load)
def home_page() -> rx.Component:
    F = HomeState.figures
    return rx.vstack(
        rx.cond(
            HomeState.banner != "",
            notice(HomeState.banner, "info", id="home-banner", width="100%"),
        ),
        rx.box(
            rx.text(
                rx.text.strong(F.get("places", "…"), id="home-counter"),
                " stages disponibles ",
                F.get("territory", ""),
                font_size=["1.1rem", "1.3rem"],
                color=theme.BLUE,
                background=theme.BLUE_LIGHT,
                padding="0.5rem 1rem",
                border_radius="999px",
                display="inline-block",
            ),
            rx.heading(
                "Trouver un stage d'observation, près de chez soi",
                as_="h1",
                size=rx.breakpoints(initial="7", md="9"),
                color="#161616",
                margin_top="1rem",
            ),
            rx.text(
                "Élèves de 4e, de 3e et de 2de générale et technologique : cherchez une "
                "offre, postulez depuis votre téléphone et suivez vos candidatures. "
                "Employeurs : accueillez un jeune et faites découvrir votre métier.",
                size="4",
                margin_top="1rem",
                max_width="44rem",
            ),
            rx.flex(
                _cta("Élèves : consulter les offres", "/offres", True, "cta-eleves"),
                _cta("Employeurs : déposer une offre", "/employeurs", False, "cta-employeurs"),
                direction=rx.breakpoints(initial="column", sm="row"),
                gap="1rem",
                margin_top="1.5rem",
                width="100%",
            ),
            padding_y=["0.5rem", "2rem"],
            width="100%",
        ),
        _search_bar(),
        rx.heading("La plateforme en chiffres", as_="h2", size="5", margin_top="1rem"),
        rx.grid(
            _figure(F.get("offers", "…"), "offres en ligne", "fig-offers"),
            _figure(F.get("places", "…"), "places disponibles", "fig-places"),
            _figure(F.get("structures", "…"), "structures d'accueil", "fig-structures"),
            _figure(F.get("placed", "…"), "élèves ont trouvé leur stage cette année", "fig-placed"),
            columns=rx.breakpoints(initial="2", md="4"),
            gap="0.75rem",
            width="100%",
        ),
        rx.link(
            "Voir toutes les statistiques",
            rx.icon("arrow-right", size=16),
            href="/statistiques",
            id="home-stats-link",
            color=theme.BLUE,
            font_weight="600",
            display="inline-flex",
            align_items="center",
            gap="0.35rem",
        ),
        rx.grid(
            *[
                panel(
                    rx.heading(title, as_="h2", size="4", color=theme.BLUE),
                    rx.text(body, margin_top="0.5rem"),
                    rx.link("En savoir plus", href=href, margin_top="0.5rem", display="block"),
                    padding="1.25rem",
                )
                for title, body, href in [
                    (
                        "Élèves",
                        "Une semaine pour découvrir un métier : cherche par métier, ville "
                        "et semaine, puis postule avec ta lettre de motivation.",
                        "/eleves",
                    ),
                    (
                        "Parents",
                        "Votre autorisation, la convention de stage et les points de vigilance.",
                        "/parents",
                    ),
                    (
                        "Collèges et lycées",
                        "Ouvrez l'accès de vos élèves, fixez vos semaines et suivez chaque classe.",
                        "/etablissements",
                    ),
                    (
                        "Employeurs",
                        "Déposez une offre en quelques minutes et répondez aux candidatures.",
                        "/employeurs",
                    ),
                ]
            ],
            columns=rx.breakpoints(initial="1", sm="2", lg="4"),
            gap="1rem",
            width="100%",
            margin_top="1rem",
        ),
        spacing="4",
        width="100%",
    )
