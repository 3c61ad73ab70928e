"""Tabs whose panel the server fills: Radix tabs (roles tablist / tab / tabpanel, arrow keys,
one tab stop), manual activation so moving with the arrows loads nothing until Enter or
Space (or a click) picks a tab."""

from __future__ import annotations

import reflex as rx

Tab = tuple[str, str | rx.Component] | tuple[str, str | rx.Component, rx.Var | None]


def tab_bar(
    label: str,
    tabs: list[Tab],
    value: rx.Var,
    on_change,
    *panel: rx.Component,
    id_prefix: str = "tab",
) -> rx.Component:
    """``tabs``: (key, visible label[, condition to show the tab]); ``value``: the current
    key (a state var); ``on_change(key)``: the event that loads it; ``panel``: what the
    current tab shows.  Each tab has the class ``<id_prefix>-<key>``: not an id, the tab
    keeps Radix's own (its panel's aria-labelledby points to it), and Radix writes the
    label twice inside."""
    triggers = []
    for key, text, *shown in tabs:
        trigger = rx.tabs.trigger(
            text, value=key, class_name=f"{id_prefix}-{key}", cursor="pointer"
        )
        triggers.append(rx.cond(shown[0], trigger) if shown and shown[0] is not None else trigger)
    return rx.tabs.root(
        rx.tabs.list(*triggers, aria_label=label, flex_wrap="wrap"),
        rx.tabs.content(
            rx.vstack(*panel, width="100%", align="start", spacing="3"),
            value=value,
            padding_top="1rem",
        ),
        value=value,
        on_change=on_change,
        activation_mode="manual",
        width="100%",
    )
