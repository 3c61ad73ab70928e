"""``/espace/eleve/candidatures``: « Mes candidatures »."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import field_label, notice
from mystage.components.layout import page
from mystage.pages.pupils.common import (
    CARD,
    HINT,
    button_row,
    cards_or_empty,
    pupil_page,
)
from mystage.state.pupils import APPLICATIONS_URL, MyApplicationsState

INPUT_STYLE = {
    "width": "100%",
    "padding": "0.6rem",
    "border": f"1px solid {theme.GREY_BORDER}",
    "border_radius": "4px",
    "font_family": "inherit",
    "font_size": "1rem",
    "box_sizing": "border-box",
    "background": "white",
}


# --- « Mes candidatures » ---------------------------------------------------------------------


def _message_box(who: str, text: rx.Var) -> rx.Component:
    return rx.cond(
        text != "",
        rx.box(
            rx.text(who, font_weight="600", font_size="0.85rem"),
            rx.text("« ", text, " »", white_space="pre-wrap", font_style="italic"),
            background=theme.GREY_LIGHT,
            border_left=f"3px solid {theme.GREY_BORDER}",
            padding="0.5rem 0.75rem",
            border_radius="4px",
            width="100%",
            overflow_wrap="anywhere",
        ),
    )


def _state_badge(row) -> rx.Component:
    return rx.badge(
        row["state_label"],
        color_scheme=row["color"],
        variant="soft",
        size="2",
        white_space="normal",
        id="app-state-" + row["id"],
    )


def _app_card(row) -> rx.Component:
    S = MyApplicationsState
    return rx.box(
        rx.flex(
            rx.link(
                row["offer_title"],
                href="/offres/" + row["offer_id"],
                font_weight="700",
                font_size="1.1rem",
                color="#161616",
            ),
            _state_badge(row),
            justify="between",
            align="start",
            gap="0.5rem",
            direction=rx.breakpoints(initial="column", sm="row"),
        ),
        rx.text(row["employer_name"], " · ", row["city"], **HINT),
        rx.hstack(
            rx.icon("calendar", size=16, flex_shrink="0", margin_top="0.25rem"),
            rx.text(row["week_label"]),
            spacing="2",
            align="start",
        ),
        rx.text(row["next_step"], font_weight="500", class_name="app-next-step"),
        rx.cond(
            row["convention_label"] != "",
            rx.hstack(
                rx.icon("file-text", size=16, flex_shrink="0", margin_top="0.25rem"),
                rx.link(
                    "Ma convention de stage : ",
                    row["convention_label"],
                    rx.cond(row["convention_can_sign"] == "1", " — à signer", ""),
                    href=row["convention_url"],
                    id="app-convention-" + row["id"],
                ),
                spacing="2",
                align="start",
            ),
        ),
        rx.cond(
            row["refuse_reason"] != "",
            rx.text(
                rx.text.strong("Motif du refus : "), row["refuse_reason"], class_name="app-reason"
            ),
        ),
        _message_box("Message de ton établissement", row["school_message"]),
        _message_box("Message de l'employeur", row["employer_message"]),
        rx.cond(
            (row["can_confirm"] == "1") | (row["can_cancel"] == "1"),
            button_row(
                rx.cond(
                    row["can_confirm"] == "1",
                    rx.button(
                        "Confirmer mon stage",
                        size="3",
                        background=theme.SUCCESS,
                        color="white",
                        cursor="pointer",
                        on_click=S.ask(row["id"], "confirm"),
                        id="app-confirm-" + row["id"],
                    ),
                ),
                rx.cond(
                    row["can_cancel"] == "1",
                    rx.button(
                        "Annuler ma candidature",
                        size="3",
                        variant="outline",
                        color_scheme="red",
                        cursor="pointer",
                        on_click=S.ask(row["id"], "cancel_by_pupil"),
                        id="app-cancel-" + row["id"],
                    ),
                ),
            ),
        ),
        rx.text("Envoyée le ", row["applied_on"], font_size="0.8rem", color="#666"),
        id="app-" + row["id"],
        class_name="app-card",
        **CARD,
        border_left=rx.match(
            row["color"],
            ("green", f"5px solid {theme.SUCCESS}"),
            ("orange", "5px solid #c45500"),
            ("red", f"5px solid {theme.ERROR}"),
            ("gray", "5px solid #929292"),
            ("amber", "5px solid #b88a00"),
            f"5px solid {theme.BLUE}",
        ),
    )


def _dialog() -> rx.Component:
    S = MyApplicationsState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(S.dialog_title),
            rx.alert_dialog.description(S.dialog_text, margin_bottom="1rem"),
            rx.form(
                rx.cond(
                    S.dialog_action == "cancel_by_pupil",
                    rx.box(
                        field_label("Un message pour l'employeur (facultatif)", "app-message"),
                        rx.el.textarea(id="app-message", name="message", rows=3, style=INPUT_STYLE),
                        margin_bottom="1rem",
                    ),
                ),
                rx.flex(
                    rx.alert_dialog.cancel(
                        rx.button(
                            "Retour",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            size="3",
                            cursor="pointer",
                            id="app-dialog-no",
                        ),
                    ),
                    rx.button(
                        rx.cond(
                            S.dialog_action == "confirm",
                            "Oui, je confirme",
                            "Oui, j'annule",
                        ),
                        type="submit",
                        size="3",
                        color_scheme=rx.cond(S.dialog_action == "confirm", "green", "red"),
                        cursor="pointer",
                        id="app-dialog-yes",
                    ),
                    gap="0.75rem",
                    justify="end",
                    wrap="wrap",
                ),
                on_submit=S.do_action,
                reset_on_submit=True,
            ),
            max_width="30rem",
        ),
        open=S.dialog_open,
        on_open_change=S.set_dialog_open,
    )


@page("/espace/eleve/candidatures", "Mes candidatures", on_load=MyApplicationsState.load)
def my_applications_page() -> rx.Component:
    S = MyApplicationsState
    return rx.fragment(
        pupil_page(
            "Mes candidatures",
            APPLICATIONS_URL,
            S,
            rx.cond(
                ~S.authorized,
                notice(
                    "Ton établissement n'a pas encore enregistré l'autorisation de tes "
                    "parents : tu ne peux pas encore postuler. Parles-en à ton "
                    "professeur principal.",
                    "info",
                    id="auth-missing",
                    width="100%",
                ),
            ),
            rx.cond(S.notice != "", notice(S.notice, "success", id="app-notice")),
            rx.cond(S.error != "", notice(S.error, "error", id="app-error")),
            cards_or_empty(
                S.rows, _app_card, "Tu n'as pas encore postulé à une offre.", "apps-empty"
            ),
        ),
        _dialog(),
    )
