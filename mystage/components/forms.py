"""Form pieces: a labelled field with its error next to it, buttons, notices."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme


def field(
    label: str,
    name: str,
    error: rx.Var | str = "",
    default: rx.Var | str = "",
    type: str = "text",
    hint: str = "",
    autocomplete: str = "",
    required: bool = False,
    input_mode: str = "",
) -> rx.Component:
    """A visible label, the input, an optional hint and the error text under it."""
    input_id = f"f-{name}"
    return rx.box(
        rx.el.label(
            label + (" *" if required else ""),
            html_for=input_id,
            font_weight="600",
            display="block",
            margin_bottom="0.25rem",
        ),
        rx.text(hint, font_size="0.8rem", color="#666", margin_bottom="0.25rem")
        if hint
        else rx.fragment(),
        rx.input(
            id=input_id,
            name=name,
            type=type,
            default_value=default,
            auto_complete=autocomplete or None,
            input_mode=input_mode or None,
            size="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{input_id}-err",
            color_scheme=rx.cond(error != "", "red", "indigo"),
        ),
        rx.cond(
            error != "",
            rx.text(
                error,
                id=f"{input_id}-err",
                color=theme.ERROR,
                font_size="0.85rem",
                margin_top="0.25rem",
                role="alert",
            ),
        ),
        width="100%",
        margin_bottom="1rem",
    )


def checkbox_field(label: str, name: str, error: rx.Var | str = "") -> rx.Component:
    input_id = f"f-{name}"
    return rx.box(
        rx.hstack(
            rx.el.input(
                type="checkbox",
                id=input_id,
                name=name,
                style={"width": "1.1rem", "height": "1.1rem"},
            ),
            rx.el.label(label, html_for=input_id, font_size="0.9rem"),
            align="start",
            spacing="2",
        ),
        rx.cond(
            error != "",
            rx.text(
                error, id=f"{input_id}-err", color=theme.ERROR, font_size="0.85rem", role="alert"
            ),
        ),
        margin_bottom="1rem",
    )


def primary_button(label: str, **props) -> rx.Component:
    return rx.button(
        label,
        size="3",
        width="100%",
        background=theme.BLUE,
        color="white",
        cursor="pointer",
        _hover={"background": theme.BLUE_HOVER},
        **props,
    )


def notice(text: rx.Var | str, kind: str = "info", **props) -> rx.Component:
    colors = {
        "info": (theme.INFO_BG, theme.BLUE),
        "success": (theme.SUCCESS_BG, theme.SUCCESS),
        "error": ("#ffe9e9", theme.ERROR),
    }
    bg, fg = colors[kind]
    return rx.box(
        rx.text(text, color=fg if kind != "info" else "#161616"),
        background=bg,
        border_left=f"4px solid {fg}",
        padding="0.75rem 1rem",
        border_radius="4px",
        margin_bottom="1rem",
        role="status" if kind != "error" else "alert",
        **props,
    )


def card(*children, **props) -> rx.Component:
    return rx.box(
        *children,
        background="white",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        padding=["1.25rem", "1.5rem", "2rem"],
        width="100%",
        **props,
    )


def page_title(text: str) -> rx.Component:
    return rx.heading(text, as_="h1", size="7", color="#161616", margin_bottom="1rem")
