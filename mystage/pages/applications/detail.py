"""An application's page: its frame (back link, title, state, decision buttons, blocks, the
decision dialog of components/dialogs)."""

from __future__ import annotations

import reflex as rx

from mystage.components.dialogs import decision_dialog
from mystage.components.forms import loading_spinner, page_title
from mystage.pages.applications.blocks import (
    SMALL,
    denied,
    feedback,
    grid,
    state_box,
)


def action_buttons(S) -> rx.Component:
    return rx.foreach(
        S.actions,
        lambda a: rx.button(
            a["label"],
            id="app-action-" + a["action"],
            on_click=S.open_dialog(a["action"]),
            size="3",
            cursor="pointer",
            color_scheme=rx.match(
                a["action"],
                ("refuse", "red"),
                ("cancel_by_employer", "red"),
                ("school_refuse", "red"),
                ("review", "amber"),
                "indigo",
            ),
            variant=rx.match(
                a["action"],
                ("accept", "solid"),
                ("school_validate", "solid"),
                "soft",
            ),
        ),
    )


def title_block(v) -> rx.Component:
    """« Candidature n° … » and who applied to what."""
    return rx.vstack(
        page_title("Candidature n° " + v["id"]),
        rx.text(v["pupil_name"], " — ", v["offer_title"], margin_top="-0.75rem", color="#666"),
        spacing="1",
    )


def detail(S, back: rx.Component, header: rx.Component, *blocks: rx.Component) -> rx.Component:
    """The page of one application for state ``S``: ``back`` link, ``header``, the feedback
    and state, the decision buttons, ``blocks`` in a grid, the decision dialog."""
    return rx.vstack(
        back,
        header,
        feedback(S),
        state_box(S),
        rx.cond(
            S.actions.length() > 0,
            rx.flex(action_buttons(S), gap="0.75rem", wrap="wrap", id="app-actions"),
        ),
        grid(*blocks),
        decision_dialog(S),
        width="100%",
        align="start",
        spacing="4",
        id="app-detail",
    )


def guarded(S, body: rx.Component) -> rx.Component:
    """``body`` once loaded, or the « no access » notice."""
    return rx.cond(~S.loaded, loading_spinner(), rx.cond(S.denied, denied(), body))


def back_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, font_size=SMALL)
