"""A pupil creates their account in a class: ``/classe/<code>`` (the code given in class) and
``/inscription/eleve?invitation=…`` (the link of a listed pupil's invitation)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.account_fields import (
    PASSWORD_HINT_PUPIL,
    errors_summary,
    name_fields,
    new_password_fields,
    sms_code_field,
    terms_field,
    text_link,
)
from mystage.components.bound_fields import bound_field
from mystage.components.browser import document_load
from mystage.components.forms import (
    card,
    field_error,
    field_hint,
    field_label,
    notice,
    page_title,
    primary_button,
)
from mystage.components.layout import page
from mystage.pages.schools.parts import loading_spinner
from mystage.state.navigation import NavigationState
from mystage.state.schools import ClassSignupState
from mystage.state.schools.class_signup import LEVEL_CHOICES


def _error(key: str, input_id: str) -> rx.Component:
    return field_error(ClassSignupState.errors.get(key, ""), input_id)


def _level() -> rx.Component:
    S = ClassSignupState
    return rx.cond(
        S.needs_level,
        rx.box(
            field_label("Ton niveau", "signup-level", True),
            rx.el.select(
                rx.el.option("Choisis ton niveau", value=""),
                *[rx.el.option(c["label"], value=c["value"]) for c in LEVEL_CHOICES],
                id="signup-level",
                name="level",
                default_value=S.values.get("level", ""),
                aria_describedby="signup-level-err",
                style=theme.SELECT,
            ),
            _error("level", "signup-level"),
            margin_bottom="1rem",
        ),
    )


def _birth_and_gender() -> rx.Component:
    S = ClassSignupState
    options = [("f", "Fille"), ("m", "Garçon"), ("np", "Je ne souhaite pas répondre")]
    return rx.fragment(
        rx.box(
            field_label("Ta date de naissance", "signup-birth-date", required=True),
            field_hint("Elle figurera sur ta convention de stage."),
            rx.input(
                id="signup-birth-date",
                name="birth_date",
                type="date",
                default_value=S.values.get("birth_date", ""),
                auto_complete="bday",
                size="3",
                width="100%",
                aria_describedby="signup-birth-date-err",
            ),  # fmt: skip
            _error("birth_date", "signup-birth-date"),
            margin_bottom="1rem",
        ),
        rx.el.fieldset(
            rx.el.legend("Genre (facultatif)", font_weight="600", margin_bottom="0.25rem"),
            *[
                rx.hstack(
                    rx.el.input(
                        type="radio",
                        id=f"signup-gender-{val}",
                        name="gender",
                        value=val,
                        default_checked=S.values.get("gender", "") == val,
                        style={"width": "1.1rem", "height": "1.1rem"},
                    ),  # fmt: skip
                    rx.el.label(label, html_for=f"signup-gender-{val}"),
                    spacing="2",
                    align="center",
                )
                for val, label in options
            ],
            _error("gender", "signup-gender"),
            border="none",
            padding="0",
            margin="0 0 1rem 0",
        ),
    )


def _form() -> rx.Component:
    S = ClassSignupState
    return rx.form(
        _level(),
        *name_fields(S.errors, S.values),
        _birth_and_gender(),
        rx.text(
            "Indique une adresse électronique, un téléphone portable, ou les deux.",
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
        ),  # fmt: skip
        *new_password_fields(S.errors, "Mot de passe", hint=PASSWORD_HINT_PUPIL),
        terms_field(S.errors),
        *errors_summary(S.errors, "class-signup-errors"),
        primary_button("Créer mon compte", type="submit", id="signup-submit"),
        on_submit=S.submit,
        id="class-signup-form",
    )


def _class_box() -> rx.Component:
    S = ClassSignupState
    return rx.box(
        rx.text("Ton établissement", font_size="0.85rem", color="#555"),
        rx.text(
            S.info.get("school_name", ""),
            " (",
            S.info.get("commune", ""),
            ")",
            font_weight="700",
            id="class-signup-school",
        ),  # fmt: skip
        rx.text(
            "Classe ",
            rx.text.strong(S.info.get("class_name", "")),
            rx.cond(S.info.get("level_label", "") != "", " — " + S.info.get("level_label", ""), ""),
            id="class-signup-class",
        ),  # fmt: skip
        background=theme.INFO_BG,
        border_radius="6px",
        padding="0.75rem 1rem",
        margin_bottom="1rem",
    )


def _view() -> rx.Component:
    S = ClassSignupState
    return card(
        page_title("Créer ton compte élève"),
        document_load(NavigationState.document_url),  # opens the session after the SMS code
        rx.cond(
            ~S.loaded,
            loading_spinner(),
            rx.cond(
                S.invalid != "",
                rx.box(
                    notice(S.invalid, "error", id="class-signup-invalid"),
                    rx.text(
                        "Tu peux aussi ",
                        text_link(
                            "créer ton compte en choisissant ton établissement",
                            "/inscription?role=eleve",
                        ),
                        ".",
                    ),
                ),
                rx.match(
                    S.step,
                    (
                        "check_mail",
                        notice(
                            rx.text(
                                "Vérifie ta boîte aux lettres : un message vient d'être envoyé à ",
                                rx.text.strong(S.sent_to),
                                ". Ouvre le lien qu'il contient pour activer ton compte (il "
                                "est valable 48 h).",
                            ),
                            "success",
                            id="signup-done",
                        ),
                    ),
                    (
                        "phone_code",
                        rx.box(
                            notice(
                                rx.text(
                                    "Un SMS vient d'être envoyé au ",
                                    S.sent_to,
                                    " : saisis le code à 6 chiffres qu'il contient.",
                                ),  # fmt: skip
                                "info",
                            ),
                            rx.form(
                                sms_code_field(S.code_error),
                                primary_button("Valider le code", type="submit", id="code-submit"),
                                on_submit=S.submit_code,
                                id="code-form",
                            ),
                        ),
                    ),
                    rx.box(
                        _class_box(),
                        notice(
                            "Après ton inscription, ton établissement enregistre l'autorisation "
                            "de tes parents : tu pourras alors postuler aux offres de stage.",
                            "info",
                        ),
                        _form(),
                    ),
                ),
            ),
        ),
        rx.hstack(
            rx.text("Déjà un compte ?"),
            text_link("Se connecter", "/connexion"),
            spacing="2",
            margin_top="1.5rem",
        ),
    )


@page("/classe/[code]", "Créer ton compte élève", on_load=ClassSignupState.load, narrow=True)
def class_code_signup_page() -> rx.Component:
    return _view()


@page(
    "/inscription/eleve",
    "Créer ton compte élève (invitation)",
    on_load=ClassSignupState.load,
    narrow=True,
)
def class_invitation_signup_page() -> rx.Component:
    return _view()
