"""« Signaler cette offre »: a small dialog of the offer page (reason list + text)."""

from __future__ import annotations

import reflex as rx

from mystage.components.forms import notice, shown_error, textarea_field
from mystage.state.offers.report import OfferReportState

R = OfferReportState


def _reason(r) -> rx.Component:
    return rx.hstack(
        rx.el.input(
            type="radio",
            id="report-reason-" + r[0],
            name="reason",
            value=r[0],
            default_checked=R.reason == r[0],
            aria_describedby="report-reason-err",
            style={"width": "1.1rem", "height": "1.1rem", "flex_shrink": "0"},
        ),
        rx.el.label(r[1], html_for="report-reason-" + r[0]),
        align="center",
        spacing="2",
        padding_y="0.2rem",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.el.fieldset(
            rx.el.legend("Motif du signalement *", font_weight="600", margin_bottom="0.25rem"),
            rx.foreach(R.reasons, _reason),
            shown_error(R.reason_error, "report-reason-err"),
            border="none",
            padding="0",
            margin="0 0 0.75rem 0",
        ),
        textarea_field(
            "Précisions",
            "text",
            error=R.text_error,
            default=R.text,
            max_chars=1000,
            hint="Facultatif, sauf pour « Autre motif ». N'indiquez pas de données personnelles.",
            input_id="report-text",
        ),
        rx.cond(R.form_error != "", notice(R.form_error, "error", id="report-error")),
        rx.flex(
            rx.dialog.close(
                rx.button("Annuler", type="button", variant="soft", color_scheme="gray")
            ),
            rx.button("Envoyer le signalement", type="submit", id="report-send", cursor="pointer"),
            gap="0.75rem",
            justify="end",
            margin_top="0.75rem",
        ),
        on_submit=R.submit,
        reset_on_submit=False,
    )


def report_dialog() -> rx.Component:
    """The « Signaler cette offre » link and its dialog."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("flag", size=14),
                "Signaler cette offre",
                variant="ghost",
                size="1",
                color_scheme="gray",
                id="report-open",
                cursor="pointer",
                margin_top="0.5rem",
            )
        ),
        rx.dialog.content(
            rx.dialog.title("Signaler cette offre"),
            rx.dialog.description(
                "Une offre vous semble trompeuse, choquante ou hors du cadre du stage "
                "d'observation ? L'équipe MyStage examinera votre signalement. Vous pouvez "
                "signaler sans être connecté.",
                margin_bottom="0.75rem",
            ),
            rx.cond(
                R.sent,
                rx.vstack(
                    notice(
                        "Merci : votre signalement est transmis à l'équipe MyStage.",
                        "success",
                        id="report-sent",
                    ),
                    rx.dialog.close(rx.button("Fermer", variant="soft", id="report-close")),
                    align="end",
                ),
                _form(),
            ),
        ),
        open=R.open,
        on_open_change=R.set_open,
    )
