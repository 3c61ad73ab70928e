"""``/inscription/etablissement`` (sign-up of heads and staff) and ``/invitation`` (the
invited staff member creates the account)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.account_fields import name_fields, new_password_fields, terms_field
from mystage.components.browser import document_load
from mystage.components.forms import (
    card,
    field_hint,
    notice,
    page_title,
    primary_button,
    radio_field,
    until_ready,
)
from mystage.components.layout import page
from mystage.components.school_picker import school_picker
from mystage.pages.schools.parts import (
    choice_select,
    class_checkboxes,
    error_of,
    labelled,
    plain_fieldset,
    text_input,
)
from mystage.state.navigation import NavigationState
from mystage.state.schools import (
    FUNCTION_CHOICES,
    SIGNUP_URL,
    InvitationState,
    SchoolSignupState,
)


def _function_select() -> rx.Component:
    S = SchoolSignupState
    return labelled(
        "Vous êtes",
        "school-signup-function",
        choice_select(
            "school-signup-function",
            "function",
            "Choisissez votre fonction",
            FUNCTION_CHOICES,
            value=S.function,
            on_change=S.set_function,
            **until_ready(),  # a choice made before the page is ready would be lost
        ),
        S.errors,
        "function",
        required=True,
        margin_bottom="1rem",
        width="100%",
    )


def _signup_classes() -> rx.Component:
    S = SchoolSignupState
    return rx.cond(
        S.school_classes.length() > 0,
        plain_fieldset(
            "Vos classes (facultatif)",
            field_hint("Les classes que vous suivez. Le chef d'établissement pourra les modifier."),
            class_checkboxes(
                S.school_classes,
                "signup",
                lambda c: S.picked_classes.contains(c["id"]),
                "7rem",
                style={"width": "1.1rem", "height": "1.1rem"},
            ),
            error_of(S.errors, "class_ids", "signup-class"),
        ),
    )


def _signup_form() -> rx.Component:
    S = SchoolSignupState
    return rx.form(
        _function_select(),
        school_picker(S, label="Votre établissement"),
        rx.cond(S.is_staff & (S.school_id != ""), _signup_classes()),
        radio_field(
            "Civilité (facultatif)",
            "civility",
            [("Mme", "Madame"), ("M.", "Monsieur")],
            S.values.get("civility", ""),
        ),
        *name_fields(S.errors, S.values),
        labelled(
            "Adresse électronique professionnelle",
            "f-email",
            text_input(
                "f-email",
                "email",
                S.values.get("email", ""),
                type="email",
                auto_complete="email",
                aria_describedby="f-email-hint f-email-err",
                color_scheme=rx.cond(S.errors.get("email", "") != "", "red", "indigo"),
            ),
            S.errors,
            "email",
            required=True,
            hint=S.email_hint,
            width="100%",
            margin_bottom="1rem",
        ),
        *new_password_fields(S.errors, "Mot de passe"),
        terms_field(S.errors),
        rx.cond(S.errors.get("form", "") != "", notice(S.errors.get("form", ""), "error")),
        rx.cond(
            S.errors.length() > 0,
            notice(
                "Certaines informations sont à corriger : voir les messages en rouge ci-dessus.",
                "error",
                id="school-signup-errors",
            ),
        ),
        primary_button("Créer mon compte", type="submit", id="school-signup-submit"),
        on_submit=S.submit,
        id="school-signup-form",
    )


def _signup_done() -> rx.Component:
    S = SchoolSignupState
    return rx.box(
        rx.match(
            S.done,
            (
                "official",
                rx.vstack(
                    notice(
                        rx.text(
                            "Vérifiez votre boîte aux lettres : un message vient d'être envoyé à ",
                            rx.text.strong(S.sent_to),
                            ". Ouvrez le lien qu'il contient pour accéder à l'espace de "
                            "l'établissement.",
                        ),
                        "success",
                    ),
                    rx.text(
                        "Pensez à regarder dans les courriers indésirables. Le lien est "
                        "valable 48 heures."
                    ),
                    align="start",
                ),
            ),
            (
                "academy",
                rx.vstack(
                    notice(
                        rx.text(
                            "Vérifiez votre boîte aux lettres : un message vient d'être envoyé à ",
                            rx.text.strong(S.sent_to),
                            ". Ouvrez d'abord le lien qu'il contient.",
                        ),
                        "success",
                    ),
                    rx.text(
                        "Vous n'avez pas utilisé l'adresse officielle de l'établissement : "
                        "votre demande sera validée par un administrateur de MyStage. Vous "
                        "recevrez un courriel dès que l'espace sera ouvert."
                    ),
                    align="start",
                ),
            ),
            rx.vstack(
                notice(
                    rx.text(
                        "Vérifiez votre boîte aux lettres : un message vient d'être envoyé à ",
                        rx.text.strong(S.sent_to),
                        ". Ouvrez le lien qu'il contient pour activer votre compte.",
                    ),
                    "success",
                ),
                rx.text(
                    "Une fois votre compte activé, le chef d'établissement doit accepter votre "
                    "demande. Vous recevrez un courriel dès que votre accès sera ouvert."
                ),
                align="start",
            ),
        ),
        rx.link("Retour à l'accueil", href="/", color=theme.BLUE, margin_top="1rem"),
        id="school-signup-done",
    )


@page(SIGNUP_URL, "Espace établissement : créer un compte", SchoolSignupState.load, narrow=True)
def school_signup_page() -> rx.Component:
    S = SchoolSignupState
    return rx.box(
        page_title("Espace établissement : créer un compte"),
        rx.cond(
            S.done != "",
            card(_signup_done()),
            card(
                rx.text(
                    "Chef d'établissement : créez l'espace de votre collège ou lycée avec "
                    "l'adresse officielle de l'établissement. Professeurs, CPE, "
                    "documentalistes, psychologues de l'Éducation nationale, secrétariat : "
                    "inscrivez-vous avec votre adresse académique, le chef d'établissement "
                    "ouvrira votre accès.",
                    margin_bottom="1rem",
                ),
                _signup_form(),
                rx.text(
                    "Vous avez déjà un compte ? ",
                    rx.link("Se connecter", href="/connexion", color=theme.BLUE),
                    " · ",
                    rx.link(
                        "Recevoir un lien de connexion", href="/connexion/lien", color=theme.BLUE
                    ),
                    margin_top="1rem",
                    font_size="0.9rem",
                ),
            ),
        ),
    )


@page("/invitation", "Invitation", on_load=InvitationState.load, narrow=True)
def invitation_page() -> rx.Component:
    S = InvitationState
    return rx.box(
        page_title("Rejoindre l'espace de l'établissement"),
        document_load(NavigationState.document_url),  # opens the session (« Accéder »)
        card(
            rx.cond(
                S.done,
                rx.vstack(
                    notice(
                        rx.text(
                            "Votre compte est créé : vous avez maintenant accès à l'espace de ",
                            S.info.get("school_name", "l'établissement"),
                            ".",
                        ),
                        "success",
                        id="invite-accept-done",
                    ),
                    primary_button(
                        "Accéder à mon espace",
                        on_click=S.go,
                        id="invite-go",
                        type="button",
                    ),
                    align="start",
                    width="100%",
                ),
                rx.cond(
                    S.valid,
                    rx.box(
                        rx.text(
                            "Vous êtes invité(e) à rejoindre l'espace de ",
                            rx.text.strong(S.info.get("school_name", "")),
                            " (",
                            S.info.get("commune", ""),
                            ") en tant que ",
                            rx.text.strong(S.info.get("function", "")),
                            ".",
                            margin_bottom="0.5rem",
                        ),
                        rx.text(
                            "Votre identifiant : ",
                            rx.text.strong(S.info.get("email", "")),
                            margin_bottom="1rem",
                            id="invite-email-shown",
                        ),
                        rx.form(
                            *name_fields(S.errors, S.values),
                            *new_password_fields(S.errors, "Mot de passe"),
                            terms_field(S.errors),
                            primary_button(
                                "Créer mon compte", type="submit", id="invite-accept-submit"
                            ),
                            on_submit=S.submit,
                            id="invite-accept-form",
                        ),
                    ),
                    rx.vstack(
                        notice(
                            "Cette invitation n'est plus valide (déjà utilisée, annulée ou "
                            "expirée). Demandez une nouvelle invitation à votre chef "
                            "d'établissement.",
                            "error",
                            id="invite-invalid",
                        ),
                        rx.text(
                            "Vous avez déjà créé votre compte ? ",
                            rx.link("Se connecter", href="/connexion", color=theme.BLUE),
                        ),
                        align="start",
                    ),
                ),
            ),
        ),
    )
