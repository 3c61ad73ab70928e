"""« Créer un compte » (/inscription): the form, then « check your mail » or the SMS code."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.account_fields import (
    PASSWORD_HINT,
    PASSWORD_HINT_PUPIL,
    errors_summary,
    name_fields,
    new_password_fields,
    sms_code_field,
    terms_field,
    text_link,
)
from mystage.components.bound_fields import bound_error, bound_field
from mystage.components.browser import document_load
from mystage.components.forms import (
    card,
    notice,
    page_title,
    primary_button,
    ready_hint,
    until_ready,
)
from mystage.components.layout import page
from mystage.models import ROLE_LABELS
from mystage.pages.accounts.signup_fields import (
    pupil_identity_fields,
    pupil_school_fields,
    referent_fields,
)
from mystage.state.accounts import SIGNUP_ROLES, SignupState
from mystage.state.navigation import NavigationState


def _signup_form() -> rx.Component:
    S = SignupState
    return rx.form(
        rx.box(
            rx.el.label("Vous êtes", html_for="f-role", font_weight="600", display="block"),
            rx.el.select(
                rx.el.option("Choisissez votre profil", value=""),
                *[rx.el.option(ROLE_LABELS[r], value=r.value) for r in SIGNUP_ROLES],
                id="f-role",
                name="role",
                # Controlled: ?role=eleve (read on load) shows the pupil fields at once.
                value=S.role,
                on_change=S.set_role,
                aria_describedby="f-role-err",
                style=theme.SELECT,
                **until_ready(),
            ),
            ready_hint("f-role-wait"),
            bound_error(S, "role", id="f-role-err"),
            margin_bottom="1rem",
        ),
        rx.cond(S.is_pupil, pupil_school_fields()),
        rx.cond(S.is_referent, referent_fields()),
        *name_fields(S.errors, S.values),
        rx.cond(S.is_pupil, pupil_identity_fields()),
        rx.text(
            rx.cond(
                S.is_pupil,
                "Indique une adresse électronique, un téléphone portable, ou les deux.",
                rx.cond(
                    S.is_referent,
                    "Indiquez votre adresse électronique professionnelle (obligatoire) ; "
                    "le téléphone portable est facultatif.",
                    "Indiquez une adresse électronique, un téléphone portable, ou les deux.",
                ),
            ),
            font_size="0.9rem",
            margin_bottom="0.5rem",
        ),
        bound_field(S, "Adresse électronique", "email", type="email", autocomplete="email"),
        bound_field(
            S,
            "Téléphone portable",
            "phone",
            type="tel",
            autocomplete="tel",
            hint="Sans adresse électronique, un code de confirmation est envoyé par SMS.",
        ),
        *new_password_fields(
            S.errors,
            "Mot de passe",
            hint=rx.cond(S.role == "eleve", PASSWORD_HINT_PUPIL, PASSWORD_HINT),
        ),
        terms_field(S.errors),
        *errors_summary(S.errors, "signup-errors"),
        primary_button("Créer mon compte", type="submit", id="signup-submit"),
        on_submit=S.submit,
        id="signup-form",
    )


def _phone_code_form() -> rx.Component:
    return rx.box(
        notice(
            rx.text(
                "Un SMS vient d'être envoyé au ",
                SignupState.sent_to,
                " : saisissez le code à 6 chiffres qu'il contient.",
            ),
            "info",
        ),
        rx.form(
            sms_code_field(SignupState.code_error),
            primary_button("Valider le code", type="submit", id="code-submit"),
            on_submit=SignupState.submit_code,
            id="code-form",
        ),
    )


@page("/inscription", "Créer un compte", on_load=SignupState.load, narrow=True)
def signup_page() -> rx.Component:
    return card(
        page_title("Créer un compte"),
        document_load(NavigationState.document_url),  # opens the session after login
        notice(
            rx.text(
                "Vous représentez une entreprise, une association ou une administration ? ",
                text_link("Créer un compte employeur", "/inscription/employeur"),
            ),
            "info",
        ),
        notice(
            rx.text(
                "Vous travaillez dans un collège ou un lycée (chef d'établissement, "
                "professeur, CPE…) ? ",
                text_link(
                    "Créer un compte établissement",
                    "/inscription/etablissement",
                    id="signup-school-link",
                ),
            ),
            "info",
        ),
        rx.match(
            SignupState.step,
            (
                "check_mail",
                notice(
                    rx.cond(
                        SignupState.is_pupil,
                        rx.text(
                            "Vérifie ta boîte aux lettres : un message vient d'être envoyé à ",
                            rx.text.strong(SignupState.sent_to),
                            ". Ouvre le lien qu'il contient pour activer ton compte (il est "
                            "valable 48 h). Pense à regarder dans les courriers indésirables.",
                        ),
                        rx.text(
                            "Vérifiez votre boîte aux lettres : un message vient d'être envoyé à ",
                            rx.text.strong(SignupState.sent_to),
                            ". Ouvrez le lien qu'il contient pour activer votre compte (il est "
                            "valable 48 h). Pensez à regarder dans les courriers indésirables.",
                            rx.cond(
                                SignupState.is_referent,
                                " L'équipe MyStage validera ensuite votre compte de référent : "
                                "vous recevrez un courriel dès que ce sera fait.",
                                "",
                            ),
                        ),
                    ),
                    "success",
                    id="signup-done",
                ),
            ),
            ("phone_code", _phone_code_form()),
            _signup_form(),
        ),
        rx.hstack(
            rx.text("Déjà un compte ?"),
            text_link("Se connecter", "/connexion"),
            spacing="2",
            margin_top="1.5rem",
        ),
    )
