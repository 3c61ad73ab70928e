"""Form pieces of the account forms, shared by every sign-up (generic, school staff,
employers) and the password forms: names, a new password and its confirmation, the errors
summary, the success notice followed by « Se connecter », a text link."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import checkbox_field, field, notice, primary_button

PASSWORD_HINT = (
    "12 caractères au minimum. Une phrase de quelques mots facile à retenir convient très "
    "bien ; évitez les suites du clavier (azerty…), les mots de passe courants et votre nom."
)
# The same, said to a pupil (« tu »).
PASSWORD_HINT_PUPIL = (
    "12 caractères au minimum. Une phrase de quelques mots facile à retenir convient très "
    "bien ; évite les suites du clavier (azerty…), les mots de passe courants et ton nom."
)


TERMS = "J'accepte les conditions d'utilisation et j'ai lu la politique de données personnelles."


def terms_field(errors) -> rx.Component:
    """The required acceptance of the terms (the sign-ups)."""
    return checkbox_field(TERMS, "accept_terms", error=errors.get("accept_terms", ""))


def name_fields(errors, values) -> tuple:
    """First and last name (sign-up forms keeping ``values`` and ``errors`` dicts)."""
    return tuple(
        field(
            label,
            name,
            error=errors.get(name, ""),
            default=values.get(name, ""),
            autocomplete=autocomplete,
            required=True,
        )
        for label, name, autocomplete in (
            ("Prénom", "first_name", "given-name"),
            ("Nom", "last_name", "family-name"),
        )
    )


def new_password_fields(
    errors,
    label: str = "Nouveau mot de passe",
    confirm: str = "Confirmez le mot de passe",
    hint: str | rx.Var = PASSWORD_HINT,
) -> tuple:
    """The new password and its confirmation (sign-ups, both reset paths, « Mon compte »);
    ``hint``: :data:`PASSWORD_HINT_PUPIL` where a pupil signs up."""
    return (
        field(
            label,
            "password",
            error=errors.get("password", ""),
            type="password",
            autocomplete="new-password",
            hint=hint,
            required=True,
        ),
        field(
            confirm,
            "password2",
            error=errors.get("password2", ""),
            type="password",
            autocomplete="new-password",
            required=True,
        ),
    )


def sms_code_field(error) -> rx.Component:
    """« Code reçu par SMS » (phone-only sign-up, reset by SMS)."""
    return field(
        "Code reçu par SMS",
        "code",
        error=error,
        autocomplete="one-time-code",
        input_mode="numeric",
        required=True,
    )


def errors_summary(
    errors,
    summary_id: str,
    message: str = "Certaines informations sont à corriger : voir les messages en rouge ci-dessus.",
) -> tuple:
    """Under a sign-up form: the error of the whole form, then ``message`` (« Certaines
    informations sont à corriger ») while any field has an error."""
    return (
        rx.cond(errors.get("form", "") != "", notice(errors.get("form", ""), "error")),
        rx.cond(errors.length() > 0, notice(message, "error", id=summary_id)),
    )


def done_then_login(text: str, notice_id: str, login_href: rx.Var | str) -> rx.Component:
    """The success ``text`` (activation, new password) and « Se connecter » under it."""
    return rx.box(
        notice(text, "success", id=notice_id),
        rx.link(primary_button("Se connecter"), href=login_href),
    )


def text_link(text: str, href: str, **props) -> rx.Component:
    return rx.link(text, href=href, color=theme.BLUE, text_decoration="underline", **props)
