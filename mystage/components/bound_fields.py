"""Form fields bound to a state that keeps ``errors`` and ``values`` dicts keyed by field
name: each field shows the value kept for its name and the error of its name.  Also the
fields side by side (postal code and city, two dates…) and the « Structure publique » box
with its « Institution de tutelle »."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage.components import theme
from mystage.components.forms import field, radio_field, select_field, textarea_field
from mystage.services import ministries

# « Institution de tutelle » of a public structure: (slug, label) for the select.


def error_of(state: Any, name: str) -> rx.Var:
    return state.errors.get(name, "")


def value_of(state: Any, name: str) -> rx.Var:
    return state.values.get(name, "")


def error_line(error: rx.Var | str, **props: Any) -> rx.Component:
    """An error in red under a group of inputs (a list of boxes, a radio group…), in the page
    only while there is one and announced at once (``role="alert"``); ``props``: its id and
    size."""
    return rx.cond(error != "", rx.text(error, color=theme.ERROR, role="alert", **props))


def bound_error(state: Any, name: str, **props: Any) -> rx.Component:
    """:func:`error_line` with the state's error for ``name``."""
    return error_line(error_of(state, name), **props)


def bound_field(state: Any, label: str, name: str, **props: Any) -> rx.Component:
    """:func:`forms.field` with the state's value and error for ``name``."""
    return field(label, name, error_of(state, name), value_of(state, name), **props)


def bound_textarea(state: Any, label: str, name: str, **props: Any) -> rx.Component:
    return textarea_field(label, name, error_of(state, name), value_of(state, name), **props)


def bound_select(state: Any, label: str, name: str, options: Any, **props: Any) -> rx.Component:
    return select_field(label, name, options, error_of(state, name), value_of(state, name), **props)


def bound_radio(state: Any, label: str, name: str, options: list[tuple[str, str]]) -> rx.Component:
    return radio_field(label, name, options, value_of(state, name), error_of(state, name))


def side_by_side(*cells: tuple[rx.Component, str], stack_on_phones: bool = True) -> rx.Component:
    """Fields in one row, each ``(field, flex)``; one under the other on phones."""
    props: dict[str, Any] = {"gap": "1rem"}
    if stack_on_phones:
        props["direction"] = rx.breakpoints(initial="column", sm="row")
    return rx.flex(*[rx.box(cell, flex=flex) for cell, flex in cells], **props)


def postal_code_and_city(state: Any, autocomplete: bool = False) -> rx.Component:
    """« Code postal » and « Ville » (required) side by side (with the browser's
    autocomplete hints when ``autocomplete``)."""
    postal = {"autocomplete": "postal-code"} if autocomplete else {}
    city = {"autocomplete": "address-level2"} if autocomplete else {}
    return side_by_side(
        (
            bound_field(
                state, "Code postal", "postal_code", required=True, input_mode="numeric", **postal
            ),
            "1",
        ),
        (bound_field(state, "Ville", "city", required=True, **city), "2"),
    )


def public_structure_fields(state: Any, is_public: Any) -> rx.Component:
    """« Structure publique » and, once ticked, its « Institution de tutelle » (required;
    the service clears it for a private structure).  ``state.set_public`` follows the box."""
    return rx.fragment(
        rx.box(
            rx.hstack(
                rx.el.input(
                    type="checkbox",
                    id="f-is_public",
                    name="is_public",
                    default_checked=is_public,
                    on_change=state.set_public,
                    style={"width": "1.1rem", "height": "1.1rem", "flex_shrink": "0"},
                ),
                rx.el.label("Structure publique", html_for="f-is_public", font_size="0.9rem"),
                align="start",
                spacing="2",
            ),
            margin_bottom="1rem",
        ),
        rx.cond(
            is_public,
            bound_select(
                state,
                "Institution de tutelle",
                "ministry",
                ministries.OPTIONS,
                placeholder="Choisissez le ministère ou l'institution",
                required=True,
            ),
        ),
    )
