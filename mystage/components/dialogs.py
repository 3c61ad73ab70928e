"""Dialogs: the confirmation of one action (« Annuler » / the action) and the decision on an
application with its message to the pupil (the employer's and the school's pages)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import shown_error


def confirm_dialog(
    title,
    *description,
    description_id: str,
    cancel: rx.Component,
    confirm: rx.Component,
    open,
    on_open_change=None,
) -> rx.Component:
    """An alert dialog: ``title``, the ``description`` (element id ``description_id``), the
    ``cancel`` button and the ``confirm`` button, right-aligned; open while ``open``."""
    handlers = {} if on_open_change is None else {"on_open_change": on_open_change}
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(*description, id=description_id),
            rx.flex(
                rx.alert_dialog.cancel(cancel),
                rx.alert_dialog.action(confirm),
                gap="0.75rem",
                justify="end",
                margin_top="1rem",
            ),
        ),
        open=open,
        **handlers,
    )


def _refuse_reasons(S) -> rx.Component:
    """« Motif du refus » (required): one radio button per reason of ``S.refuse_reasons``."""
    return rx.el.fieldset(
        rx.el.legend("Motif du refus *", font_weight="600", margin_bottom="0.25rem"),
        rx.foreach(
            S.refuse_reasons,
            lambda r: rx.hstack(
                rx.el.input(
                    type="radio",
                    id="app-reason-" + r[0],
                    name="reason",
                    value=r[0],
                    aria_describedby="app-reason-err",
                    style={"width": "1.1rem", "height": "1.1rem", "flex_shrink": "0"},
                ),
                rx.el.label(r[1], html_for="app-reason-" + r[0]),
                align="center",
                spacing="2",
                padding_y="0.2rem",
            ),
        ),
        shown_error(S.reason_error, "app-reason-err"),
        id="app-reasons",
        border="none",
        padding="0",
        margin="0 0 0.75rem 0",
    )


def decision_dialog(S) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.dialog_title),
            rx.dialog.description(S.dialog_hint, margin_bottom="0.75rem"),
            rx.form(
                # The employer's « Refuser » (states with ``refuse_reasons``) needs a reason.
                rx.cond(S.dialog_action == "refuse", _refuse_reasons(S))
                if hasattr(S, "refuse_reasons")
                else rx.fragment(),
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
                shown_error(S.message_error, "app-message-err"),
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
