"""The public shell: header (logo, audience entries, « Se connecter »), main, footer."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

# A plain <a>: rx.el.a becomes React Router's Link, which resolves « #contenu » against the
# route and drops the query string (/offres?lieu=77 → /offres/#contenu, a new search).
from reflex_components_core.el.elements.inline import A as PlainAnchor

from mystage.components import theme
from mystage.state.errors import ErrorState
from mystage.state.session import SessionState

AUDIENCES = [
    ("Élèves", "/eleves"),
    ("Parents", "/parents"),
    ("Établissements", "/etablissements"),
    ("Employeurs", "/employeurs"),
]

FOOTER_LINKS = [
    ("Statistiques", "/statistiques"),
    ("Contact", "/contact"),
    ("Mentions légales", "/mentions-legales"),
    ("Accessibilité : non conforme", "/accessibilite"),
    ("Données personnelles", "/donnees-personnelles"),
]


def logo() -> rx.Component:
    """The home link.  Its accessible name is its visible text followed by « accueil »
    (hidden), so what a speech-input user reads on screen names it (WCAG 2.5.3)."""
    return rx.link(
        rx.hstack(
            rx.box(
                rx.text("RÉPUBLIQUE", font_size="0.6rem", font_weight="700", line_height="1"),
                rx.text("FRANÇAISE", font_size="0.6rem", font_weight="700", line_height="1"),
                border_left=f"4px solid {theme.BLUE}",
                padding_left="0.4rem",
                color="#161616",
                display=["none", "block"],
            ),
            rx.vstack(
                rx.text(
                    "MyStage",
                    font_size="1.35rem",
                    font_weight="800",
                    color=theme.BLUE,
                    white_space="nowrap",
                ),
                rx.text(
                    "Stages d'observation 4e, 3e et 2de",
                    font_size="0.75rem",
                    color=theme.GREY_TEXT,
                    display=["none", "block"],
                ),
                spacing="0",
            ),
            rx.el.span(" — accueil", class_name="sr-only"),
            align="center",
            spacing="3",
        ),
        href="/",
        underline="none",
        id="nav-home",
    )


def _account_link(icon: str, label: str, href: str, id_: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(label), spacing="1"),
        href=href,
        white_space="nowrap",
        color=theme.BLUE,
        font_weight="600",
        id=id_,
    )


def account_entry() -> rx.Component:
    return rx.cond(
        SessionState.is_authenticated,
        _account_link("circle-user", "Mon espace", "/espace", "nav-account"),
        _account_link("log-in", "Se connecter", "/connexion", "nav-login"),
    )


def nav_links(direction: str = "row") -> rx.Component:
    return rx.el.nav(
        rx.flex(
            *[
                rx.link(label, href=href, color="#161616", font_weight="500", padding_y="0.5rem")
                for label, href in AUDIENCES
            ],
            direction=direction,  # type: ignore[arg-type]
            gap="1.5rem" if direction == "row" else "0.25rem",
        ),
        aria_label="Menu principal",
    )


def mobile_menu() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("menu", size=20),
                "Menu",
                variant="ghost",
                color=theme.BLUE,
                aria_label="Ouvrir le menu",
                id="nav-menu",
            )
        ),
        rx.popover.content(nav_links("column"), side="bottom", align="end", aria_label="Menu"),
    )


def header() -> rx.Component:
    return rx.el.header(
        rx.box(
            rx.hstack(
                logo(),
                rx.spacer(),
                rx.box(nav_links(), display=["none", "none", "block"]),
                rx.box(mobile_menu(), display=["block", "block", "none"]),
                account_entry(),
                align="center",
                spacing="4",
                padding_y="0.75rem",
                wrap="nowrap",
            ),
            style=theme.container,
        ),
        border_bottom=f"1px solid {theme.GREY_BORDER}",
        box_shadow="0 2px 6px rgba(0,0,18,0.08)",
        background="white",
        width="100%",
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.box(
            rx.flex(
                rx.vstack(
                    rx.text("MyStage", font_weight="800", color=theme.BLUE, font_size="1.1rem"),
                    rx.text(
                        "Plateforme libre pour les stages d'observation des élèves de 4e, "
                        "de 3e et de 2de générale et technologique.",
                        font_size="0.85rem",
                        max_width="28rem",
                    ),
                    spacing="1",
                ),
                rx.spacer(),
                rx.flex(
                    *[
                        rx.link(label, href=href, font_size="0.85rem", color=theme.GREY_TEXT)
                        for label, href in FOOTER_LINKS
                    ],
                    wrap="wrap",
                    gap="1rem",
                ),
                direction=rx.breakpoints(initial="column", md="row"),
                gap="1rem",
            ),
            rx.text(
                "Sources des données : La Poste, INSEE, ministère de l'Éducation nationale, "
                "ONISEP — Licence Ouverte v2.0.",
                font_size="0.75rem",
                color="#666",
                margin_top="1rem",
            ),
            style=theme.container,
            padding_y="1.5rem",
        ),
        border_top=f"3px solid {theme.BLUE}",
        margin_top="3rem",
        width="100%",
        background="white",
    )


def skip_links(links: list[tuple[str, str]]) -> rx.Component:
    """« Aller au contenu » and the page's own (label, #target) links: the first focusable
    elements of the page, off screen until focused.  Each target carries tabindex=-1 and
    class ``skip-target`` so the focus itself moves there."""
    return rx.el.nav(
        *[
            PlainAnchor.create(label, href=target, class_name="skip-link")
            for label, target in [("Aller au contenu", "#contenu"), *links]
        ],
        aria_label="Accès rapide",
    )


def page_shell(
    *children: rx.Component, narrow: bool = False, skip: list[tuple[str, str]] | None = None
) -> rx.Component:
    """Header + main content + footer.  ``narrow`` for forms; ``skip``: the page's own
    skip links after « Aller au contenu »."""
    return rx.box(
        skip_links(skip or []),
        header(),
        error_banner(),
        rx.el.main(
            rx.box(
                *children,
                style=theme.container,
                max_width="34rem" if narrow else "72rem",
                padding_y="1.5rem",
            ),
            id="contenu",
            tab_index=-1,
            class_name="skip-target",
            width="100%",
        ),
        footer(),
        # Present once the page's on_load handlers have run (tests wait for it).
        rx.cond(rx.State.is_hydrated, rx.el.span(id="app-ready", display="none")),
        min_height="100vh",
        display="flex",
        flex_direction="column",
        background=theme.GREY_LIGHT if narrow else "white",
    )


def error_banner() -> rx.Component:
    """The error message (French, with its reference) and « Fermer »."""
    return rx.cond(
        ErrorState.error_message != "",
        rx.box(
            rx.text(ErrorState.error_message, id="server-error-text"),
            rx.button(
                "Fermer",
                on_click=ErrorState.dismiss,
                variant="outline",
                size="1",
                color_scheme="red",
                cursor="pointer",
            ),
            id="server-error",
            role="alert",
            display="flex",
            gap="0.75rem",
            align_items="center",
            justify_content="space-between",
            flex_wrap="wrap",
            background="#ffe9e9",
            color=theme.ERROR,
            border_left=f"4px solid {theme.ERROR}",
            padding="0.75rem 1rem",
            margin="0.5rem auto",
            max_width="72rem",
            width="calc(100% - 2rem)",
            position="sticky",
            top="0",
            z_index="1000",
        ),
    )


def page(
    route: str,
    title: str,
    on_load=None,
    narrow: bool = False,
    skip: list[tuple[str, str]] | None = None,
) -> Callable:
    """Decorator: register a page with the shell, a French title and the session loader
    (``skip``: the page's own skip links, e.g. ``[("Aller aux résultats", "#resultats")]``)."""

    # The last unexpected error's message belongs to the page it happened on.
    loads = [SessionState.load_session, ErrorState.dismiss]
    if on_load is not None:
        loads.extend(on_load if isinstance(on_load, list) else [on_load])

    def deco(fn: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def wrapped() -> rx.Component:
            return page_shell(fn(), narrow=narrow, skip=skip)

        wrapped.__name__ = fn.__name__
        wrapped.__module__ = fn.__module__
        PAGES.append((route, f"{title} — MyStage", wrapped, loads))
        return wrapped

    return deco


PAGES: list[tuple[str, str, Callable[[], rx.Component], list]] = []
