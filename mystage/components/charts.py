"""Statistics building blocks shared by the référents' dashboard and the public page:
figure tiles, recharts charts (loaded when they come near the screen) with an accessible
table twin (the clustered map is ``components/maps.py``).

Every chart takes its rows from a state var (a list of dicts computed by
``services/stats/``) and is wrapped in a titled card whose id is ``chart-<key>``; the
same rows are also shown in a small table under a « Voir les données » disclosure, so
screen readers and people who do not read charts get the figures too.
"""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.tables import data_table

# Colours: the public-service blue, a warm contrast, then neutral tones.
BLUE = theme.BLUE
ORANGE = "#c3992a"
GREEN = theme.SUCCESS
RED = theme.RED
PALETTE = [BLUE, "#6a6af4", ORANGE, GREEN, RED, "#8585f6", "#a558a0", "#009099"]

# One colour per measure, on both statistics pages (référents' and public): a measure keeps
# its colour from one chart to the next, and two measures never share one.
MEASURE_COLORS = {
    "offers": BLUE,  # Offres
    "places": "#6a6af4",  # Places proposées
    "filled": ORANGE,  # Places pourvues
    "applications": "#009099",  # Candidatures
    "confirmed": GREEN,  # Stages confirmés
    "fill_rate": "#a558a0",  # Taux de remplissage (%)
    "registered_rate": "#8585f6",  # Part des établissements éligibles inscrits (%)
    "off_platform": "#666666",  # Stages trouvés hors plateforme
}


def measure(key: str) -> str:
    """The colour of a measure (:data:`MEASURE_COLORS`)."""
    return MEASURE_COLORS[key]


# min_width lets a grid cell shrink below the chart's intrinsic width at 375 px.
CARD = {**theme.CARD, "min_width": "0"}


def tiles(items: rx.Var, id_prefix: str = "tile") -> rx.Component:
    """Figure tiles: ``items`` is a list of ``{"key", "label", "value"}`` (strings)."""
    return rx.grid(
        rx.foreach(
            items,
            lambda t: rx.box(
                rx.text(t["value"], font_size="1.6rem", font_weight="700", color=BLUE),
                rx.text(t["label"], font_size="0.9rem"),
                id=id_prefix + "-" + t["key"].to(str),
                style=CARD,
            ),
        ),
        columns=rx.breakpoints(initial="2", md="3", lg="5"),
        spacing="3",
        width="100%",
    )


def _data_table(rows: rx.Var, columns: list[tuple[str, str]]) -> rx.Component:
    return rx.el.details(
        rx.el.summary("Voir les données", cursor="pointer", color=BLUE, font_size="0.9rem"),
        rx.box(
            data_table(
                [label for _, label in columns],
                rows,
                lambda r: [r[key].to(str) for key, _ in columns],
                font_size="0.85rem",
                width="100%",
            ),
            overflow_x="auto",
        ),
        margin_top="0.5rem",
    )


EMPTY = "Aucune donnée pour ces critères."


def card(key: str, title: str, body: rx.Component, *extra: rx.Component) -> rx.Component:
    return rx.box(
        rx.heading(title, as_="h3", size="4", margin_bottom="0.75rem"),
        body,
        *extra,
        id=f"chart-{key}",
        style=CARD,
    )


def _chart_or_empty(rows: rx.Var, chart: rx.Component) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        chart,
        rx.text(EMPTY, color="#666", padding_y="2rem", text_align="center"),
    )


class LazyChart(rx.Component):
    """``assets/charts/lazy_chart.js``: draws a recharts chart from a plain spec, loading
    recharts only when the chart comes near the screen (the statistics pages stay within
    the page-weight budget; ``bench/page_weight.py``)."""

    library = "$/public/charts/lazy_chart.js"
    tag = "LazyChart"
    lib_dependencies: list[str] = ["recharts@3.10.1"]

    spec: rx.Var[dict]
    data: rx.Var[list]
    height: rx.Var[int]


def _columns(x_key: str, series: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """The data table's columns by default: the x axis, then one a series."""
    return [(x_key, "")] + [(k, label) for k, label, _ in series]


def _chart_card(
    key: str, title: str, rows: rx.Var, spec: dict, height: int, cols: list[tuple[str, str]]
) -> rx.Component:
    """The card of one chart: the chart drawn from ``spec`` (or « no data »), then its rows
    in the « Voir les données » table with ``cols``."""
    chart = LazyChart.create(spec=spec, data=rows, height=height)
    return card(key, title, _chart_or_empty(rows, chart), _data_table(rows, cols))


def _series(series: list[tuple[str, str, str]]) -> list[list[str]]:
    return [[k, label, color] for k, label, color in series]


def bar_chart(
    key: str,
    title: str,
    rows: rx.Var,
    x_key: str,
    series: list[tuple[str, str, str]],
    *,
    vertical: bool = False,
    height: int = 280,
    table: list[tuple[str, str]] | None = None,
) -> rx.Component:
    """Grouped bars: ``series`` is ``[(data_key, legend label, colour)]``.  ``vertical``
    draws horizontal bars (long category names: sectors, communes)."""
    spec = {"kind": "bar", "x_key": x_key, "series": _series(series), "vertical": vertical}
    return _chart_card(key, title, rows, spec, height, table or _columns(x_key, series))


def bar_pair(
    key: str,
    title: str,
    rows: rx.Var,
    x_key: str,
    first: tuple[str, str, str],
    second: tuple[str, str, str],
    *,
    height: int = 260,
    vertical: bool = False,
    table: list[tuple[str, str]] | None = None,
) -> rx.Component:
    """Two measures of very different sizes (6 offers, 70 places) as two charts side by
    side (one under the other on a phone), each on its own scale so that every bar can be
    read; one card, one title, one data table.  ``first``/``second``: ``(data_key, label,
    colour)``."""

    def one(serie: tuple[str, str, str], suffix: str) -> rx.Component:
        spec = {"kind": "bar", "x_key": x_key, "series": _series([serie]), "vertical": vertical}
        return rx.box(
            rx.text(serie[1], font_weight="600", font_size="0.9rem", margin_bottom="0.25rem"),
            LazyChart.create(spec=spec, data=rows, height=height),
            id=f"chart-{key}-{suffix}",
            min_width="0",
        )

    body = rx.grid(
        one(first, "1"),
        one(second, "2"),
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="3",
        width="100%",
    )
    cols = table or _columns(x_key, [first, second])
    return card(key, title, _chart_or_empty(rows, body), _data_table(rows, cols))


def line_chart(
    key: str,
    title: str,
    rows: rx.Var,
    x_key: str,
    series: list[tuple[str, str, str]],
    *,
    height: int = 280,
    table: list[tuple[str, str]] | None = None,
) -> rx.Component:
    spec = {"kind": "line", "x_key": x_key, "series": _series(series)}
    return _chart_card(key, title, rows, spec, height, table or _columns(x_key, series))


def pie_chart(
    key: str,
    title: str,
    rows: rx.Var,
    name_key: str,
    value_key: str,
    *,
    height: int = 280,
    table: list[tuple[str, str]] | None = None,
) -> rx.Component:
    """A donut; slice colours cycle through :data:`PALETTE`."""
    spec = {"kind": "pie", "name_key": name_key, "value_key": value_key, "colors": PALETTE}
    cols = table or [(name_key, ""), (value_key, "Nombre")]
    return _chart_card(key, title, rows, spec, height, cols)
