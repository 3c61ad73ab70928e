"""Login, sign-up, activation, password reset and magic-link pages."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import card, checkbox_field, field, notice, page_title, primary_button
from mystage.components.layout import page
from mystage.models import ROLE_LABELS
from mystage.state.auth import (
    SIGNUP_ROLES,
    ActivationState,
    LoginState,
    MagicLinkState,
    NewPasswordState,
    ResetState,
    SignupState,
)

PASSWORD_HINT = "12 caractères au minimum. Une phrase facile à retenir convient très bien."


def new_password_fields(errors, label: str = "Nouveau mot de passe") -> tuple:
    """The new password and its confirmation (sign-up and both reset paths)."""
    return (
        field(
            label,
            "password",
            error=errors.get("password", ""),
            type="password",
            autocomplete="new-password",
            hint=PASSWORD_HINT,
            required=True,
        ),
        field(
            "Confirmez le mot de passe",
            "password2",
            error=errors.get("password2", ""),
            type="password",
            autocomplete="new-password",
            required=True,
        ),
    )


def _link(text: str, href: str, **props) -> rx.Component:
    return rx.link(text, href=href, color=theme.BLUE, text_decoration="underline", **props)


@page("/connexion", "Se connecter", on_load=LoginState.load, narrow=True)
def login_page() -> rx.Component:
    return card(
        page_title("Se connecter"),
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
                _link("Recevoir à nouveau le lien d'activation", "/activation/renvoyer"),
            ),
            primary_button("Se connecter", type="submit", id="login-submit", margin_top="0.5rem"),
            on_submit=LoginState.submit,
            id="login-form",
        ),
        rx.vstack(
            _link("Mot de passe oublié ?", "/mot-de-passe/oublie"),
            _link("Recevoir un lien de connexion par courriel", "/connexion/lien"),
            rx.hstack(
                rx.text("Pas encore de compte ?"),
                _link("Créer un compte", "/inscription"),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            margin_top="1.5rem",
        ),
    )


def _signup_form() -> rx.Component:
    return rx.form(
        rx.box(
            rx.el.label("Vous êtes", html_for="f-role", font_weight="600", display="block"),
            rx.el.select(
                rx.el.option("Choisissez votre profil", value=""),
                *[rx.el.option(ROLE_LABELS[r], value=r.value) for r in SIGNUP_ROLES],
                id="f-role",
                name="role",
                default_value=SignupState.values.get("role", ""),
                style={
                    "width": "100%",
                    "padding": "0.6rem",
                    "border": f"1px solid {theme.GREY_BORDER}",
                    "border_radius": "4px",
                    "background": "white",
                    "font_size": "1rem",
                },
            ),
            rx.cond(
                SignupState.errors.get("role", "") != "",
                rx.text(SignupState.errors.get("role", ""), color=theme.ERROR, role="alert"),
            ),
            margin_bottom="1rem",
        ),
        field(
            "Prénom",
            "first_name",
            error=SignupState.errors.get("first_name", ""),
            default=SignupState.values.get("first_name", ""),
            autocomplete="given-name",
            required=True,
        ),
        field(
            "Nom",
            "last_name",
            error=SignupState.errors.get("last_name", ""),
            default=SignupState.values.get("last_name", ""),
            autocomplete="family-name",
            required=True,
        ),
        rx.text(
            "Indiquez une adresse électronique, un téléphone portable, ou les deux.",
            font_size="0.9rem",
            margin_bottom="0.5rem",
        ),
        field(
            "Adresse électronique",
            "email",
            error=SignupState.errors.get("email", ""),
            default=SignupState.values.get("email", ""),
            type="email",
            autocomplete="email",
        ),
        field(
            "Téléphone portable",
            "phone",
            error=SignupState.errors.get("phone", ""),
            default=SignupState.values.get("phone", ""),
            type="tel",
            autocomplete="tel",
            hint="Un code de confirmation vous sera envoyé par SMS si vous n'indiquez pas d'adresse.",
        ),
        *new_password_fields(SignupState.errors, "Mot de passe"),
        checkbox_field(
            "J'accepte les conditions d'utilisation et j'ai lu la politique de données "
            "personnelles.",
            "accept_terms",
            error=SignupState.errors.get("accept_terms", ""),
        ),
        rx.cond(
            SignupState.errors.get("form", "") != "",
            notice(SignupState.errors.get("form", ""), "error"),
        ),
        primary_button("Créer mon compte", type="submit", id="signup-submit"),
        on_submit=SignupState.submit,
        id="signup-form",
    )


def _phone_code_form() -> rx.Component:
    return rx.box(
        notice(
            rx.text("Un code à 6 chiffres a été envoyé par SMS au ", SignupState.sent_to, "."),
            "info",
        ),
        rx.form(
            field(
                "Code reçu par SMS",
                "code",
                error=SignupState.code_error,
                autocomplete="one-time-code",
                input_mode="numeric",
                required=True,
            ),
            primary_button("Valider le code", type="submit", id="code-submit"),
            on_submit=SignupState.submit_code,
            id="code-form",
        ),
    )


@page("/inscription", "Créer un compte", on_load=SignupState.load, narrow=True)
def signup_page() -> rx.Component:
    return card(
        page_title("Créer un compte"),
        notice(
            rx.text(
                "Vous représentez une entreprise, une association ou une administration ? ",
                _link("Créer un compte employeur", "/inscription/employeur"),
            ),
            "info",
        ),
        rx.match(
            SignupState.step,
            (
                "check_mail",
                notice(
                    rx.text(
                        "Votre compte est créé. Un lien d'activation a été envoyé à ",
                        rx.text.strong(SignupState.sent_to),
                        ". Cliquez sur ce lien pour activer votre compte (il est valable 48 h).",
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
            _link("Se connecter", "/connexion"),
            spacing="2",
            margin_top="1.5rem",
        ),
    )


@page("/activation", "Activation du compte", on_load=ActivationState.load, narrow=True)
def activation_page() -> rx.Component:
    return card(
        page_title("Activation du compte"),
        rx.cond(
            ActivationState.done,
            rx.box(
                notice(
                    "Votre compte est activé. Vous pouvez vous connecter.",
                    "success",
                    id="activation-ok",
                ),
                rx.link(primary_button("Se connecter"), href="/connexion"),
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
                        field(
                            "Code reçu par SMS",
                            "code",
                            error=ResetState.errors.get("code", ""),
                            autocomplete="one-time-code",
                            input_mode="numeric",
                            required=True,
                        ),
                        *new_password_fields(ResetState.errors, "Nouveau mot de passe"),
                        primary_button("Changer le mot de passe", type="submit", id="reset-code"),
                        on_submit=ResetState.submit_code,
                    ),
                ),
            ),
            (
                "done",
                rx.box(
                    notice("Votre mot de passe est changé.", "success", id="reset-done"),
                    rx.link(primary_button("Se connecter"), href="/connexion"),
                ),
            ),
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
            rx.box(
                notice("Votre mot de passe est changé.", "success", id="newpw-done"),
                rx.link(primary_button("Se connecter"), href="/connexion"),
            ),
            rx.form(
                rx.cond(
                    NewPasswordState.errors.get("token", "") != "",
                    rx.box(
                        notice(NewPasswordState.errors.get("token", ""), "error", id="newpw-token"),
                        _link("Refaire une demande", "/mot-de-passe/oublie"),
                        margin_bottom="1rem",
                    ),
                ),
                *new_password_fields(NewPasswordState.errors, "Nouveau mot de passe"),
                primary_button("Enregistrer", type="submit", id="newpw-submit"),
                on_submit=NewPasswordState.submit,
            ),
        ),
    )


@page("/connexion/lien", "Lien de connexion", on_load=MagicLinkState.load, narrow=True)
def magic_link_page() -> rx.Component:
    return card(
        page_title("Se connecter par un lien"),
        rx.cond(
            MagicLinkState.has_token,
            rx.box(
                rx.text("Cliquez sur le bouton pour vous connecter.", margin_bottom="1rem"),
                rx.cond(
                    MagicLinkState.error != "",
                    rx.box(
                        notice(MagicLinkState.error, "error", id="magic-error"),
                        _link("Recevoir un nouveau lien", "/connexion/lien"),
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
