"""Public « Statistiques » (/statistiques): the platform's figures for a school year.

Tiles, places offered vs filled per month, offers and fill rate by sector (ten first),
figures by structure type, when they were computed and how.  Same aggregate service as
the référents' dashboards (``stats.public_figures``); charts from ``components/charts``.
"""

from __future__ import annotations

import reflex as rx

from mystage.components import charts, theme
from mystage.components.forms import labelled_select
from mystage.components.layout import page
from mystage.state.stats.public import PublicStatsState as S

INK = "#161616"
TEXT_WIDTH = "46rem"

SECTOR_TABLE = [
    ("label", "Secteur"),
    ("offers", "Offres"),
    ("places", "Places proposées"),
    ("filled", "Places pourvues"),
    ("rate_label", "Taux de remplissage"),
]


def _year_select() -> rx.Component:
    return labelled_select(
        "Année scolaire",
        "public-stats-year",
        rx.foreach(S.year_options, lambda o: rx.el.option(o["label"], value=o["value"])),
        name="annee",
        value=S.year,
        on_change=S.set_year,
        box_props={"width": ["100%", "16rem"]},
    )


def _empty(text: str) -> rx.Component:
    return rx.text(text, color=theme.GREY_TEXT, font_size="0.9rem")


def _or_empty(shown, draw, key: str, title: str, *args, **kwargs) -> rx.Component:
    """The chart ``draw(key, title, *args, **kwargs)`` when ``shown``, otherwise its titled
    card saying there is nothing to draw."""
    return rx.cond(
        shown,
        draw(key, title, *args, **kwargs),
        charts.card(key, title, _empty("Aucune donnée pour cette année scolaire.")),
    )


def _month_chart() -> rx.Component:
    title = "Places proposées et pourvues par mois de stage"
    return _or_empty(
        S.by_month.length() > 0,
        charts.line_chart,
        "month",
        title,
        S.by_month,
        "label",
        [
            ("offered", "Places proposées", charts.measure("places")),
            ("filled", "Places pourvues", charts.measure("filled")),
        ],
        table=[
            ("label", "Mois"),
            ("offered", "Places proposées"),
            ("filled", "Places pourvues"),
        ],
    )


def _sector_charts() -> list[rx.Component]:
    t_offers = "Offres par secteur (10 premiers)"
    t_rate = "Taux de remplissage par secteur (%)"
    height = 400
    return [
        _or_empty(
            S.by_sector.length() > 0,
            charts.bar_chart,
            "sector-offers",
            t_offers,
            S.by_sector,
            "short",
            [("offers", "Offres", charts.measure("offers"))],
            vertical=True,
            height=height,
            table=SECTOR_TABLE,
        ),
        _or_empty(
            S.by_sector.length() > 0,
            charts.bar_chart,
            "sector-rate",
            t_rate,
            S.by_sector,
            "short",
            [("fill_rate", "Taux de remplissage (%)", charts.measure("fill_rate"))],
            vertical=True,
            height=height,
            table=[("label", "Secteur"), ("rate_label", "Taux de remplissage")],
        ),
    ]


STRUCTURE_TABLE = [
    ("label", "Type de structure"),
    ("offers", "Offres"),
    ("places", "Places proposées"),
    ("filled", "Places pourvues"),
    ("rate_label", "Taux de remplissage"),
]


def _structure_charts() -> list[rx.Component]:
    t_offers = "Offres par type de structure"
    t_places = "Places par type de structure"
    return [
        _or_empty(
            S.offers > 0,
            charts.pie_chart,
            "structure-offers",
            t_offers,
            S.by_structure,
            "label",
            "offers",
            table=STRUCTURE_TABLE,
        ),
        _or_empty(
            S.places_offered > 0,
            charts.bar_chart,
            "structure-places",
            t_places,
            S.by_structure,
            "label",
            [
                ("places", "Places proposées", charts.measure("places")),
                ("filled", "Places pourvues", charts.measure("filled")),
            ],
            table=STRUCTURE_TABLE,
        ),
    ]


def _method() -> rx.Component:
    items = [
        "Les chiffres sont des totaux calculés sur les données de la plateforme : offres "
        "publiées pour l'année scolaire (hors offres supprimées), places de leurs semaines de "
        "stage, candidatures et stages confirmés par les élèves.",
        "Le taux de remplissage rapporte les places pourvues (stages confirmés) aux places "
        "proposées. Les mois sont ceux des semaines de stage.",
        "Aucune donnée personnelle n'est publiée : seuls des nombres agrégés sont affichés.",
        "Les stages pourvus hors plateforme, déclarés par les associations partenaires et les "
        "référents, sont comptés à part et ne s'ajoutent pas aux places pourvues.",
    ]
    return rx.box(
        rx.heading("Comment ces chiffres sont calculés", as_="h2", size="5", color=INK),
        rx.el.ul(
            *[rx.el.li(t, margin_bottom="0.4rem") for t in items],
            padding_left="1.25rem",
            margin_top="0.75rem",
            list_style_type="disc",
        ),
        max_width=TEXT_WIDTH,
        id="public-stats-method",
    )


@page("/statistiques", "Statistiques", on_load=S.load)
def public_stats_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Statistiques", as_="h1", size=rx.breakpoints(initial="7", md="8"), color=INK),
        rx.text(
            "Les chiffres de la plateforme pour l'année scolaire ",
            rx.text.strong(S.year_label),
            " — ",
            S.territory_label,
            ".",
            size="4",
            max_width=TEXT_WIDTH,
        ),
        _year_select(),
        rx.heading("Chiffres clés", as_="h2", size="5", color=INK, margin_top="0.5rem"),
        charts.tiles(S.tiles, id_prefix="pub-tile"),
        rx.heading("En détail", as_="h2", size="5", color=INK, margin_top="1rem"),
        _month_chart(),
        rx.grid(
            *_sector_charts(),
            columns=rx.breakpoints(initial="1", lg="2"),
            gap="1rem",
            width="100%",
        ),
        rx.grid(
            *_structure_charts(),
            columns=rx.breakpoints(initial="1", lg="2"),
            gap="1rem",
            width="100%",
        ),
        rx.text(S.updated, font_size="0.9rem", color=theme.GREY_TEXT, id="public-stats-updated"),
        _method(),
        spacing="4",
        width="100%",
        align="start",
        id="public-stats",
    )
