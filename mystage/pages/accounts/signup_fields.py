"""The profile fields of « Créer un compte »: a pupil's level, school, class, birth date and
gender; a référent's territory and function."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.bound_fields import bound_field
from mystage.components.forms import field_error, field_hint, field_label, notice
from mystage.components.school_picker import school_picker
from mystage.models import LEVEL_LABELS, PupilLevel
from mystage.state.accounts import CLASS_NOT_LISTED, MINISTRY_OPTIONS, SignupState


def error_text(key: str, input_id: str) -> rx.Component:
    return field_error(SignupState.errors.get(key, ""), input_id)


def _select(
    label: str,
    name: str,
    input_id: str,
    *options: rx.Component,
    required: bool = True,
    hint_text: str = "",
    mark_invalid: bool = False,
    **select_props,
) -> rx.Component:
    """A select of the sign-up form: its label (and hint), the options, the error under it;
    ``mark_invalid`` also sets ``aria-invalid`` while the field has an error."""
    S = SignupState
    invalid = (
        {"aria_invalid": rx.cond(S.errors.get(name, "") != "", "true", "false")}
        if mark_invalid
        else {}
    )
    return rx.box(
        field_label(label, input_id, required),
        *([field_hint(hint_text)] if hint_text else []),
        rx.el.select(
            *options,
            id=input_id,
            name=name,
            default_value=S.values.get(name, ""),
            aria_describedby=f"{input_id}-err",
            **invalid,
            **select_props,
            style=theme.SELECT,
        ),
        error_text(name, input_id),
        margin_bottom="1rem",
    )


def _level_field() -> rx.Component:
    return _select(
        "Ton niveau",
        "level",
        "signup-level",
        rx.el.option("Choisis ton niveau", value=""),
        *[rx.el.option(LEVEL_LABELS[lv], value=lv.value) for lv in PupilLevel],
        hint_text="En 2de, choisis ton lycée ; en 4e ou en 3e, ton collège.",
        on_change=SignupState.set_level,
    )


def _class_field() -> rx.Component:
    S = SignupState
    return rx.cond(
        S.has_classes,
        _select(
            "Ta classe",
            "class_id",
            "signup-class",
            rx.el.option("Choisis ta classe", value=""),
            rx.foreach(S.school_classes, lambda c: rx.el.option(c["name"], value=c["id"])),
            rx.el.option("Ma classe n'est pas dans la liste", value=CLASS_NOT_LISTED),
        ),
        rx.box(
            rx.text(
                "Ton établissement n'a pas encore créé ses classes sur MyStage : "
                "tu pourras choisir la tienne plus tard.",
                id="signup-class-none",
                font_size="0.9rem",
            ),
            error_text("class_id", "signup-class"),
            margin_bottom="1rem",
        ),
    )


def pupil_school_fields() -> rx.Component:
    S = SignupState
    return rx.fragment(
        notice(
            "Après ton inscription, ton établissement enregistre l'autorisation de tes parents : "
            "tu pourras alors postuler aux offres de stage.",
            "info",
        ),
        _level_field(),
        school_picker(
            S,
            label="Ton établissement",
            hint="Tape au moins 2 lettres : nom, ville ou code UAI, puis choisis dans la liste.",
            placeholder=rx.cond(
                S.level == "2de_gt", "ex. : Henri Moissan Meaux", "ex. : Henri Dunant Meaux"
            ),
            none_text="Aucun établissement trouvé. Essaie avec le nom de ta ville ou le code UAI.",
            error_key="school",
        ),
        rx.cond(S.school_id != "", _class_field()),
    )


def _referent_select(
    label: str, name: str, input_id: str, options, placeholder: str
) -> rx.Component:
    """A référent's territory: « Département » or « Académie » (lists loaded with the role)."""
    return _select(
        label,
        name,
        input_id,
        rx.el.option(placeholder, value=""),
        rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["value"])),
        mark_invalid=True,
    )


def _ministry_select() -> rx.Component:
    """Référent central: « Ministère (facultatif) »; empty = the offers of every ministry
    and of private employers."""
    return _select(
        "Ministère (facultatif)",
        "ministry",
        "signup-ministry",
        rx.el.option("Tous (toutes les offres)", value=""),
        *[rx.el.option(label, value=slug) for slug, label in MINISTRY_OPTIONS],
        required=False,
        hint_text="Choisissez votre ministère pour ne voir que ses offres (dans toute la France) ; "
        "laissez « Tous » pour voir toutes les offres.",
        mark_invalid=True,
    )


def referent_fields() -> rx.Component:
    """Référent départemental, académique or central: territory and function."""
    S = SignupState

    def job_title(hint: str) -> rx.Component:
        return bound_field(
            S,
            "Fonction (facultatif)",
            "job_title",
            hint=hint,
            autocomplete="organization-title",
            input_id="signup-job-title",
        )

    return rx.fragment(
        notice(
            "Le compte de référent donne accès aux statistiques et aux exports de votre "
            "territoire. Après la confirmation de votre adresse électronique, l'équipe "
            "MyStage vérifie votre demande et vous prévient par courriel dès que votre "
            "compte est validé.",
            "info",
            id="signup-referent-info",
        ),
        rx.match(
            S.role,
            (
                "referent_departemental",
                _referent_select(
                    "Département",
                    "department_code",
                    "signup-department",
                    S.departments,
                    "Choisissez votre département",
                ),
            ),
            (
                "referent_academique",
                _referent_select(
                    "Académie",
                    "academy",
                    "signup-academy",
                    S.academies,
                    "Choisissez votre académie",
                ),
            ),
            ("referent_central", _ministry_select()),
            rx.fragment(),
        ),
        rx.cond(
            S.role == "referent_central",
            job_title("Par exemple : chargé(e) de mission, bureau de l'orientation (DGESCO)…"),
            job_title("Par exemple : IEN-IO, chargé(e) de mission école-entreprise…"),
        ),
    )


def _gender_field() -> rx.Component:
    options = [("f", "Fille"), ("m", "Garçon"), ("np", "Je ne souhaite pas répondre")]
    current = SignupState.values.get("gender", "")
    return rx.el.fieldset(
        rx.el.legend("Genre (facultatif)", font_weight="600", margin_bottom="0.25rem"),
        rx.flex(
            *[
                rx.hstack(
                    rx.el.input(
                        type="radio",
                        id=f"signup-gender-{val}",
                        name="gender",
                        value=val,
                        default_checked=current == val,
                        style={"width": "1.1rem", "height": "1.1rem", "flex_shrink": "0"},
                    ),
                    rx.el.label(lbl, html_for=f"signup-gender-{val}"),
                    spacing="2",
                    align="center",
                )
                for val, lbl in options
            ],
            direction="column",
            gap="0.4rem",
        ),
        error_text("gender", "signup-gender"),
        border="none",
        padding="0",
        margin="0 0 1rem 0",
    )


def pupil_identity_fields() -> rx.Component:
    return rx.fragment(
        rx.box(
            field_label("Ta date de naissance", "signup-birth-date", required=True),
            field_hint("Elle figurera sur ta convention de stage."),
            rx.input(
                id="signup-birth-date",
                name="birth_date",
                type="date",
                default_value=SignupState.values.get("birth_date", ""),
                auto_complete="bday",
                size="3",
                width="100%",
                aria_describedby="signup-birth-date-err",
                color_scheme=rx.cond(
                    SignupState.errors.get("birth_date", "") != "", "red", "indigo"
                ),
            ),
            error_text("birth_date", "signup-birth-date"),
            margin_bottom="1rem",
        ),
        _gender_field(),
    )
