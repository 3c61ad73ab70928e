"""An application's page: its frame (back link, title, state, decision buttons, blocks) and
the decision dialog (also used by the school's dashboard, pages/school.py)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import page_title
from mystage.pages.applications.blocks import (
    SMALL,
    denied,
    feedback,
    grid,
    loading,
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


def decision_dialog(S) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.dialog_title),
            rx.dialog.description(S.dialog_hint, margin_bottom="0.75rem"),
            rx.form(
                rx.el.label(
                    "Message à l'élève",
                    rx.cond(S.dialog_required, " *", " (facultatif)"),
                    html_for="app-message",
                    font_weight="600",
                    display="block",
                    margin_bottom="0.25rem",
                ),
                rx.el.textarea(
                    id="app-message",
                    name="message",
                    rows=5,
                    default_value="",
                    aria_describedby="app-message-err",
                    aria_invalid=rx.cond(S.message_error != "", "true", "false"),
                    style={
                        "width": "100%",
                        "padding": "0.6rem",
                        "border": rx.cond(
                            S.message_error != "",
                            f"1px solid {theme.ERROR}",
                            f"1px solid {theme.GREY_BORDER}",
                        ),
                        "border_radius": "4px",
                        "font_family": "inherit",
                        "font_size": "1rem",
                        "box_sizing": "border-box",
                    },
                ),
                rx.cond(
                    S.message_error != "",
                    rx.text(
                        S.message_error,
                        id="app-message-err",
                        color=theme.ERROR,
                        font_size=SMALL,
                        role="alert",
                    ),
                ),
                rx.flex(
                    rx.dialog.close(
                        rx.button(
                            "Retour",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            id="app-dialog-no",
                        )
                    ),
                    rx.button(
                        S.dialog_yes,
                        type="submit",
                        id="app-dialog-yes",
                        color_scheme=rx.match(
                            S.dialog_action,
                            ("refuse", "red"),
                            ("cancel_by_employer", "red"),
                            ("school_refuse", "red"),
                            "indigo",
                        ),
                    ),
                    gap="0.75rem",
                    justify="end",
                    wrap="wrap",
                    margin_top="1rem",
                ),
                on_submit=S.decide,
                key=S.dialog_key,
            ),
            max_width="32rem",
        ),
        open=S.dialog_action != "",
        on_open_change=S.set_dialog_open,
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
    return rx.cond(~S.loaded, loading(), rx.cond(S.denied, denied(), body))


def back_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, font_size=SMALL)
