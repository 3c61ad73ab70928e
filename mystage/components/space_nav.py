"""The small navigation bar of a space (school space, back office): links in a wrapping
row, the current page marked (``aria-current``).  Each space lists its items and decides
which ones a role sees (display only: every handler checks the rights on the server)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme


def nav_link(id_prefix: str, key: str, label: str, href: str, active: str) -> rx.Component:
    is_active = key == active
    return rx.link(
        label,
        href=href,
        id=f"{id_prefix}-{key}",
        aria_current="page" if is_active else None,
        color=theme.BLUE,
        font_weight="700" if is_active else "500",
        padding="0.45rem 0.8rem",
        border_radius="4px",
        background=theme.BLUE_LIGHT if is_active else "transparent",
        underline="none",
        white_space="nowrap",
        _hover={"background": theme.BLUE_LIGHT},
    )


def nav_bar(links: list[rx.Component], label: str) -> rx.Component:
    """The ``<nav>`` holding ``links`` (``label``: its accessible name)."""
    return rx.el.nav(
        rx.flex(*links, gap="0.25rem", wrap="wrap"),
        aria_label=label,
        border_bottom=f"1px solid {theme.GREY_BORDER}",
        padding_bottom="0.5rem",
        margin_bottom="1.25rem",
        width="100%",
    )
