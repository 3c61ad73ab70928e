"""« Mot de passe oublié » (link or SMS code) and « Choisir un nouveau mot de passe »."""

from __future__ import annotations

import reflex as rx

from mystage.components.account_fields import (
    done_then_login,
    new_password_fields,
    sms_code_field,
    text_link,
)
from mystage.components.forms import card, field, notice, page_title, primary_button
from mystage.components.layout import page
from mystage.state.accounts import NewPasswordState, ResetState


def _password_changed(notice_id: str) -> rx.Component:
    return done_then_login("Votre mot de passe est changé.", notice_id, "/connexion")


@page("/mot-de-passe/oublie", "Mot de passe oublié", on_load=ResetState.load, narrow=True)
def forgot_page() -> rx.Component:
    return card(
        page_title("Mot de passe oublié"),
        rx.match(
            ResetState.step,
            (
                "sent",
                notice(
                    "Si un compte existe pour cette adresse, un lien pour choisir un nouveau mot "
                    "de passe vient d'être envoyé. Il est valable 1 heure.",
                    "success",
                    id="reset-sent",
                ),
            ),
            (
                "code",
                rx.box(
                    notice(
                        "Si un compte existe pour ce numéro, un code à 6 chiffres vient d'être "
                        "envoyé par SMS. Il est valable 15 minutes.",
                        "info",
                    ),
                    rx.form(
                        sms_code_field(ResetState.errors.get("code", "")),
                        *new_password_fields(ResetState.errors, "Nouveau mot de passe"),
                        primary_button("Changer le mot de passe", type="submit", id="reset-code"),
                        on_submit=ResetState.submit_code,
                    ),
                ),
            ),
            ("done", _password_changed("reset-done")),
            rx.form(
                rx.text(
                    "Indiquez l'adresse électronique ou le téléphone portable de votre compte.",
                    margin_bottom="1rem",
                ),
                field(
                    "Adresse électronique ou téléphone portable",
                    "identifier",
                    error=ResetState.errors.get("identifier", ""),
                    default=ResetState.identifier,
                    autocomplete="username",
                    required=True,
                ),
                primary_button("Continuer", type="submit", id="reset-submit"),
                on_submit=ResetState.request,
            ),
        ),
    )


@page("/mot-de-passe/nouveau", "Nouveau mot de passe", on_load=NewPasswordState.load, narrow=True)
def new_password_page() -> rx.Component:
    return card(
        page_title("Choisir un nouveau mot de passe"),
        rx.cond(
            NewPasswordState.done,
            _password_changed("newpw-done"),
            rx.form(
                rx.cond(
                    NewPasswordState.errors.get("token", "") != "",
                    rx.box(
                        notice(NewPasswordState.errors.get("token", ""), "error", id="newpw-token"),
                        text_link("Refaire une demande", "/mot-de-passe/oublie"),
                        margin_bottom="1rem",
                    ),
                ),
                *new_password_fields(NewPasswordState.errors, "Nouveau mot de passe"),
                primary_button("Enregistrer", type="submit", id="newpw-submit"),
                on_submit=NewPasswordState.submit,
            ),
        ),
    )
