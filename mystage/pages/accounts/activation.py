"""« Activation du compte » (the mailed link) and « Recevoir un nouveau lien d'activation »."""

from __future__ import annotations

import reflex as rx

from mystage.components.account_fields import done_then_login
from mystage.components.forms import card, field, notice, page_title, primary_button
from mystage.components.layout import page
from mystage.state.accounts import ActivationState


@page("/activation", "Activation du compte", on_load=ActivationState.load, narrow=True)
def activation_page() -> rx.Component:
    return card(
        page_title("Activation du compte"),
        rx.cond(
            ActivationState.done,
            rx.cond(
                ActivationState.pending,
                notice(
                    "Votre adresse électronique est confirmée. Votre compte doit maintenant être "
                    "validé par l'équipe MyStage : vous recevrez un courriel dès qu'il le sera, "
                    "et vous pourrez alors vous connecter.",
                    "success",
                    id="activation-pending",
                ),
                done_then_login(
                    rx.cond(
                        ActivationState.tu,
                        "Ton compte est activé. Tu peux te connecter.",
                        "Votre compte est activé. Vous pouvez vous connecter.",
                    ),
                    "activation-ok",
                    ActivationState.login_url,
                ),
            ),
            rx.box(
                notice(ActivationState.error, "error", id="activation-error"),
                _resend_form(),
            ),
        ),
    )


def _resend_form() -> rx.Component:
    return rx.cond(
        ActivationState.resent,
        notice(
            "Si un compte non activé existe pour cet identifiant, un nouveau lien vient d'être "
            "envoyé.",
            "info",
        ),
        rx.form(
            field("Adresse électronique ou téléphone portable", "identifier", required=True),
            primary_button("Recevoir un nouveau lien", type="submit"),
            on_submit=ActivationState.resend,
        ),
    )


@page("/activation/renvoyer", "Recevoir un nouveau lien d'activation", narrow=True)
def resend_activation_page() -> rx.Component:
    return card(page_title("Recevoir un nouveau lien d'activation"), _resend_form())
