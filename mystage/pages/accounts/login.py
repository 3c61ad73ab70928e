"""« Se connecter »: by password, or by a link received by mail."""

from __future__ import annotations

import reflex as rx

from mystage.components.account_fields import text_link
from mystage.components.browser import document_load
from mystage.components.forms import card, field, notice, page_title, primary_button
from mystage.components.layout import page
from mystage.state.accounts import LoginState, MagicLinkState
from mystage.state.navigation import NavigationState


@page("/connexion", "Se connecter", on_load=LoginState.load, narrow=True)
def login_page() -> rx.Component:
    return card(
        page_title("Se connecter"),
        document_load(NavigationState.document_url),  # opens the session after login
        rx.cond(LoginState.info != "", notice(LoginState.info, "info")),
        rx.form(
            field(
                "Adresse électronique ou téléphone portable",
                "identifier",
                default=LoginState.identifier,
                autocomplete="username",
                hint="Par exemple : prenom.nom@exemple.fr ou 06 12 34 56 78",
                required=True,
            ),
            field(
                "Mot de passe",
                "password",
                type="password",
                autocomplete="current-password",
                required=True,
            ),
            rx.cond(LoginState.error != "", notice(LoginState.error, "error", id="login-error")),
            rx.cond(
                LoginState.not_activated,
                text_link("Recevoir à nouveau le lien d'activation", "/activation/renvoyer"),
            ),
            primary_button("Se connecter", type="submit", id="login-submit", margin_top="0.5rem"),
            on_submit=LoginState.submit,
            id="login-form",
        ),
        rx.vstack(
            text_link("Mot de passe oublié ?", "/mot-de-passe/oublie"),
            text_link("Recevoir un lien de connexion par courriel", "/connexion/lien"),
            rx.hstack(
                rx.text("Pas encore de compte ?"),
                text_link("Créer un compte", "/inscription"),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            margin_top="1.5rem",
        ),
    )


@page("/connexion/lien", "Lien de connexion", on_load=MagicLinkState.load, narrow=True)
def magic_link_page() -> rx.Component:
    return card(
        page_title("Se connecter par un lien"),
        document_load(NavigationState.document_url),  # opens the session after login
        rx.cond(
            MagicLinkState.has_token,
            rx.box(
                rx.text("Cliquez sur le bouton pour vous connecter.", margin_bottom="1rem"),
                rx.cond(
                    MagicLinkState.error != "",
                    rx.box(
                        notice(MagicLinkState.error, "error", id="magic-error"),
                        text_link("Recevoir un nouveau lien", "/connexion/lien"),
                    ),
                ),
                primary_button("Me connecter", on_click=MagicLinkState.consume, id="magic-go"),
            ),
            rx.cond(
                MagicLinkState.sent,
                notice(
                    "Si un compte correspond à cette adresse, un lien de connexion vient d'être "
                    "envoyé. Il est valable 20 minutes et ne sert qu'une fois.",
                    "success",
                    id="magic-sent",
                ),
                rx.form(
                    rx.text(
                        "Recevez par courriel un lien qui vous connecte sans mot de passe.",
                        margin_bottom="1rem",
                    ),
                    field(
                        "Adresse électronique",
                        "email",
                        error=MagicLinkState.error,
                        type="email",
                        autocomplete="email",
                        required=True,
                    ),
                    primary_button("Recevoir un lien", type="submit", id="magic-submit"),
                    on_submit=MagicLinkState.request,
                ),
            ),
        ),
    )
