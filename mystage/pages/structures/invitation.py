"""``/invitation/equipe/<token>``: an invited colleague creates an employer account (no
SIRET: the structure is the inviter's) or, logged in with the invited address, joins."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.account_fields import errors_summary, name_fields, new_password_fields
from mystage.components.bound_fields import bound_field, bound_radio, error_of
from mystage.components.browser import document_load
from mystage.components.forms import (
    card,
    checkbox_field,
    loading_spinner,
    notice,
    page_title,
    primary_button,
)
from mystage.components.layout import page
from mystage.state.navigation import NavigationState
from mystage.state.structures_team import TeamInvitationState

SMALL = "0.9rem"


def _signup_form() -> rx.Component:
    S = TeamInvitationState
    return rx.form(
        bound_radio(S, "Civilité", "civility", [("Mme", "Madame"), ("M.", "Monsieur")]),
        *name_fields(S.errors, S.values),
        bound_field(S, "Fonction (facultatif)", "job_title"),
        bound_field(
            S, "Téléphone portable (facultatif)", "phone_mobile", type="tel", autocomplete="tel"
        ),
        *new_password_fields(S.errors, "Mot de passe"),
        checkbox_field(
            "J'accepte les conditions d'utilisation et j'ai lu la politique de données "
            "personnelles de MyStage.",
            "accept_privacy",
            error_of(S, "accept_privacy"),
        ),
        *errors_summary(
            S.errors,
            "team-signup-has-errors",
            "Le formulaire contient des erreurs : corrigez les champs signalés.",
        ),
        primary_button("Créer mon compte et rejoindre l'équipe", type="submit",
                       id="team-signup-submit"),
        on_submit=S.submit,
        id="team-signup-form",
    )  # fmt: skip


def _valid() -> rx.Component:
    S = TeamInvitationState
    return rx.box(
        rx.text(
            S.info.get("inviter_name", ""),
            " vous invite à rejoindre l'équipe de ",
            rx.text.strong(S.info.get("structure_name", "")),
            rx.cond(S.info.get("city", "") != "", " (" + S.info.get("city", "") + ")", ""),
            " sur MyStage.",
            margin_bottom="0.5rem",
        ),
        rx.text(
            "Adresse invitée : ",
            rx.text.strong(S.info.get("email", "")),
            margin_bottom="1rem",
            id="team-invite-email",
        ),
        rx.cond(S.refused != "", notice(S.refused, "error", id="team-invite-refused")),
        rx.cond(
            S.logged_in,
            rx.vstack(
                rx.text("Vous êtes connecté(e) avec ", rx.text.strong(S.logged_email), "."),
                primary_button(
                    "Rejoindre l'équipe", on_click=S.join, type="button", id="team-join"
                ),
                align="start",
                width="100%",
            ),
            rx.box(
                rx.text(
                    "Vous avez déjà un compte MyStage avec cette adresse ? ",
                    rx.link(
                        "Connectez-vous",
                        href=S.login_href,
                        color=theme.BLUE,
                        id="team-invite-login",
                    ),
                    " puis ouvrez à nouveau ce lien. Sinon, créez votre compte :",
                    font_size=SMALL,
                    margin_bottom="1rem",
                ),
                rx.cond(S.errors.get("form", "") != "",
                        notice(S.errors.get("form", ""), "error", id="team-signup-error")),
                _signup_form(),
            ),
        ),
    )  # fmt: skip


@page(
    "/invitation/equipe/[token]",
    "Rejoindre une équipe",
    on_load=TeamInvitationState.load,
    narrow=True,
)
def team_invitation_page() -> rx.Component:
    S = TeamInvitationState
    return rx.box(
        page_title("Rejoindre l'équipe d'une structure"),
        document_load(NavigationState.document_url),  # opens the session (« Accéder »)
        card(
            rx.cond(
                ~S.loaded,
                loading_spinner(),
                rx.cond(
                    S.done,
                    rx.vstack(
                        notice(
                            rx.text(
                                "Votre compte est créé : vous faites maintenant partie de "
                                "l'équipe de ",
                                S.info.get("structure_name", "la structure"),
                                ".",
                            ),
                            "success",
                            id="team-invite-done",
                        ),
                        primary_button(
                            "Accéder à mon espace", on_click=S.go, type="button", id="team-go"
                        ),
                        align="start",
                        width="100%",
                    ),
                    rx.cond(
                        S.invalid != "",
                        rx.vstack(
                            notice(S.invalid, "error", id="team-invite-invalid"),
                            rx.link("Se connecter", href="/connexion", color=theme.BLUE),
                            align="start",
                        ),
                        _valid(),
                    ),
                ),
            ),
        ),
    )
