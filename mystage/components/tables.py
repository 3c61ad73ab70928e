"""A plain data table: a header row, then one row a record with a thin rule above it."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from mystage.components import theme

CELL_PADDING = "0.25rem 0.5rem"


def data_table(
    headers: list[str] | tuple[str, ...],
    rows: rx.Var,
    cells: Callable[[rx.Var], list],
    **props,
) -> rx.Component:
    """``<table>`` with left-aligned ``headers`` and, for each of ``rows``, the ``cells(row)``
    each in a ``<td>`` (a cell may hold a button: the row's action); ``props`` go to the
    table (``font_size``, ``width``, ``id``…)."""
    return rx.el.table(
        rx.el.thead(
            rx.el.tr(*[rx.el.th(h, text_align="left", padding=CELL_PADDING) for h in headers])
        ),
        rx.el.tbody(
            rx.foreach(
                rows,
                lambda r: rx.el.tr(
                    *[rx.el.td(c, padding=CELL_PADDING) for c in cells(r)],
                    border_top=f"1px solid {theme.GREY_BORDER}",
                ),
            )
        ),
        **props,
        border_collapse="collapse",
    )
