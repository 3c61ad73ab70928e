"""``/espace/etablissement/modele-convention``: « Modèle de convention de l'établissement »:
online or paper conventions, the week's maximum hours, the complementary terms (meals,
transport, insurance) and the school's own clauses, copied into the conventions not yet
validated."""

from __future__ import annotations

import reflex as rx

from mystage.components.bound_fields import bound_field, bound_radio, bound_textarea
from mystage.components.forms import card, notice
from mystage.components.layout import page
from mystage.pages.schools.parts import blue_button, h2, space_page
from mystage.state.conventions.preset import PRESET_URL, ConventionPresetState

MODES = [
    ("online", "Conventions en ligne : chaque partie complète et signe sur MyStage"),
    ("paper", "Convention papier : la convention pré-remplie s'imprime, elle est signée "
              "à la main, et vous cochez « Convention signée (papier) » dans le tableau de "
              "la classe"),
]  # fmt: skip


@page(PRESET_URL, "Modèle de convention", on_load=ConventionPresetState.load)
def convention_preset_page() -> rx.Component:
    S = ConventionPresetState
    return space_page(
        S,
        "modele",
        "Modèle de convention de l'établissement",
        rx.text(
            "Ces conditions complètent les articles de la convention type. Elles sont reprises "
            "dans les conventions qui ne sont pas encore validées.",
            color="#666",
            margin_bottom="1rem",
        ),
        rx.cond(S.saved, notice("Modèle enregistré.", "success", id="preset-saved")),
        rx.cond(
            S.errors.get("form", "") != "",
            notice(S.errors.get("form", ""), "error", id="preset-error"),
        ),
        card(
            rx.form(
                h2("Mode", margin_top="0"),
                bound_radio(S, "Les conventions de l'établissement sont :", "mode", MODES),
                h2("Conditions du stage"),
                rx.box(
                    bound_field(
                        S,
                        "Durée maximale de présence sur la semaine (heures)",
                        "week_max_hours",
                        type="number",
                        input_mode="numeric",
                        hint="35 h au plus (règle pour les mineurs) ; l'établissement peut "
                        "fixer moins.",
                    ),
                    max_width="28rem",
                ),
                bound_textarea(S, "Restauration", "meals", max_chars=1000, rows=3),
                bound_textarea(S, "Transport", "transport", max_chars=1000, rows=3),
                bound_textarea(S, "Assurance", "insurance", max_chars=1000, rows=3),
                bound_textarea(
                    S,
                    "Clauses propres à l'établissement (facultatif)",
                    "clauses",
                    max_chars=5000,
                    rows=6,
                ),
                blue_button("Enregistrer le modèle", type="submit", id="preset-save"),
                on_submit=S.save,
                reset_on_submit=False,
                key=S.form_key.to_string(),
                id="preset-form",
            ),
        ),
    )
