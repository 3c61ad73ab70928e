"""Form pieces of the account forms, shared by every sign-up (generic, school staff,
employers) and the password forms: names, a new password and its confirmation, a text link."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import field

PASSWORD_HINT = (
    "12 caractères au minimum. Une phrase de quelques mots facile à retenir convient très "
    "bien ; évitez les suites du clavier (azerty…), les mots de passe courants et votre nom."
)


def name_fields(errors, values) -> tuple:
    """First and last name (sign-up forms keeping ``values`` and ``errors`` dicts)."""
    return (
        field(
            "Prénom",
            "first_name",
            error=errors.get("first_name", ""),
            default=values.get("first_name", ""),
            autocomplete="given-name",
            required=True,
        ),
        field(
            "Nom",
            "last_name",
            error=errors.get("last_name", ""),
            default=values.get("last_name", ""),
            autocomplete="family-name",
            required=True,
        ),
    )


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


def text_link(text: str, href: str, **props) -> rx.Component:
    return rx.link(text, href=href, color=theme.BLUE, text_decoration="underline", **props)
