"""The school's conventions: « Conventions » (``/espace/etablissement/conventions``, group
signing) and one convention (``/espace/etablissement/conventions/[id]``: the school's form,
« Valider la convention », the text, the signatories, the PDF, « Signer »)."""

from __future__ import annotations

import reflex as rx

from mystage.components.bound_fields import bound_field, bound_textarea
from mystage.components.forms import loading_spinner, notice
from mystage.components.layout import page
from mystage.components.school_nav import school_nav
from mystage.pages.conventions.parts import (
    MUTED,
    block,
    convention_list,
    convention_page,
    fields_grid,
    form_buttons,
)
from mystage.pages.schools.parts import space_page
from mystage.state.conventions.lists import SCHOOL_URL, SchoolConventionsState
from mystage.state.conventions.school import SchoolConventionState


@page(SCHOOL_URL, "Conventions", on_load=SchoolConventionsState.load)
def school_conventions_page() -> rx.Component:
    S = SchoolConventionsState
    return space_page(
        S,
        "conventions",
        "Conventions",
        rx.text(
            "Les conventions des stages confirmés de vos élèves. Complétez la partie de "
            "l'établissement, validez-la, puis signez : cochez les conventions prêtes à "
            "signer pour les signer en une fois.",
            color=MUTED,
            margin_bottom="1rem",
        ),
        rx.cond(
            ~S.loaded,
            loading_spinner(),
            convention_list(S, with_school=False, empty="Aucune convention pour l'instant."),
        ),
    )


def _person(S, title: str, prefix: str, required: bool) -> rx.Component:
    return rx.box(
        rx.heading(title, as_="h3", size="3", margin_y="0.5rem"),
        fields_grid(
            bound_field(S, "Nom et prénom", f"{prefix}_name", required=required),
            bound_field(S, "E-mail", f"{prefix}_email", type="email", required=required),
            bound_field(
                S,
                "Téléphone portable",
                f"{prefix}_phone",
                type="tel",
                required=required,
                hint="Il reçoit le code de signature par SMS.",
            )
            if prefix.startswith("rep")
            else bound_field(S, "Téléphone", f"{prefix}_phone", type="tel", required=required),
        ),  # fmt: skip
        width="100%",
    )


def school_form(S) -> rx.Component:
    editable = S.view["can_edit_school_draft"] == "1"
    return block(
        "Partie de l'établissement",
        rx.cond(
            ~editable,
            notice(
                "La partie de l'établissement ne peut plus être modifiée ici.",
                "info",
                id="conv-read-only",
            ),
        ),
        rx.form(
            rx.el.fieldset(
                _person(S, "Représentant légal 1", "rep1", True),
                _person(S, "Représentant légal 2 (facultatif)", "rep2", False),
                rx.heading(
                    "Personne à prévenir en cas d'urgence", as_="h3", size="3", margin_y="0.5rem"
                ),
                fields_grid(
                    bound_field(S, "Nom et prénom", "emergency_name", required=True),
                    bound_field(S, "Téléphone", "emergency_phone", type="tel", required=True),
                ),
                bound_textarea(
                    S,
                    "Adresse de l'élève",
                    "pupil_address",
                    max_chars=300,
                    rows=2,
                    required=True,
                    hint="Demandée seulement ici, pour la convention.",
                ),
                _person(S, "Professeur référent", "teacher", True),
                disabled=~editable,
                border="none",
                padding="0",
                margin="0",
                min_width="0",
            ),  # fmt: skip
            rx.cond(
                editable,
                form_buttons(
                    S,
                    "Enregistrer",
                    "Valider la convention",
                    "conv-validate",
                    can_submit=S.view["can_edit_school"] == "1",
                ),
            ),
            on_submit=S.save,
            reset_on_submit=False,
            key=S.form_key.to_string(),
            id="conv-school-form",
        ),
        id="conv-school",
    )


@page(
    SCHOOL_URL + "/[conv_id]", "Convention de stage d'un élève", on_load=SchoolConventionState.load
)
def school_convention_page() -> rx.Component:
    S = SchoolConventionState
    return convention_page(
        S, school_form(S), ("← Conventions", SCHOOL_URL), school_nav("conventions")
    )
