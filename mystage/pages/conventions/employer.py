"""The employer's conventions: « Mes conventions de stage » (``/espace/employeur/conventions``,
group signing) and one convention (``/espace/employeur/conventions/[id]``: the employer's
form with the week's timetable, the text, the signatories, the PDF, « Signer »)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.bound_fields import bound_field, bound_textarea, error_of, value_of
from mystage.components.forms import loading_spinner, notice, page_title
from mystage.components.layout import page
from mystage.pages.conventions.parts import (
    MUTED,
    SMALL,
    block,
    convention_list,
    convention_page,
    fields_grid,
    form_buttons,
)
from mystage.state.conventions.base import DAYS
from mystage.state.conventions.employer import EmployerConventionState
from mystage.state.conventions.lists import EMPLOYER_URL, EmployerConventionsState

TIME_LABELS = (
    ("start", "Arrivée"),
    ("end", "Départ"),
    ("break_start", "Début de pause"),
    ("break_end", "Fin de pause"),
)


@page(EMPLOYER_URL, "Mes conventions de stage", on_load=EmployerConventionsState.load)
def employer_conventions_page() -> rx.Component:
    S = EmployerConventionsState
    return rx.vstack(
        rx.link("← Mon espace employeur", href="/espace/employeur", font_size=SMALL),
        page_title("Mes conventions de stage"),
        rx.text(
            "Une convention par stage confirmé : complétez votre partie, l'établissement "
            "complète la sienne et la valide, puis chacun signe. Cochez les conventions prêtes "
            "à signer pour les signer en une fois.",
            color=MUTED,
            margin_top="-0.5rem",
        ),
        rx.cond(
            ~S.loaded,
            loading_spinner(),
            convention_list(
                S, with_school=True, empty="Vous n'avez pas encore de convention de stage."
            ),
        ),
        width="100%",
        align="start",
        spacing="3",
    )


def _time_input(S, day: str, part: str, label: str) -> rx.Component:
    name = f"{day}_{part}"
    input_id = f"f-{name}"
    return rx.box(
        rx.el.label(label, html_for=input_id, font_size="0.8rem", display="block"),
        rx.input(
            id=input_id,
            name=name,
            type="time",
            default_value=value_of(S, name),
            size="2",
            width="100%",
            aria_describedby=f"day-{day}-err",
            aria_invalid=rx.cond(error_of(S, day) != "", "true", "false"),
            color_scheme=rx.cond(error_of(S, day) != "", "red", "indigo"),
        ),
    )


def _day_row(S, day: str) -> rx.Component:
    error = error_of(S, day)
    return rx.el.fieldset(
        rx.el.legend(day.capitalize(), font_weight="600", padding="0"),
        rx.grid(
            *[_time_input(S, day, part, label) for part, label in TIME_LABELS],
            columns=rx.breakpoints(initial="2", sm="4"),
            gap="0.5rem",
            width="100%",
        ),
        rx.text(
            error,
            id=f"day-{day}-err",
            color=theme.ERROR,
            font_size=SMALL,
            role="alert",
            margin_top="0.25rem",
            display=rx.cond(error != "", "block", "none"),
        ),
        id=f"day-{day}",
        border="none",
        border_left=rx.cond(error != "", f"3px solid {theme.ERROR}", "3px solid transparent"),
        padding="0.5rem 0 0.5rem 0.75rem",
        margin="0",
        border_bottom=f"1px solid {theme.GREY_BORDER}",
        min_width="0",
    )


def _week_error(S, key: str) -> rx.Component:
    return rx.cond(
        error_of(S, key) != "",
        rx.text(error_of(S, key), id=f"week-{key}-err", color=theme.ERROR, role="alert",
                font_size=SMALL, margin_top="0.5rem"),
    )  # fmt: skip


def timetable(S) -> rx.Component:
    """The week's hours, a day a row (empty: no presence that day)."""
    return rx.box(
        rx.heading("Horaires de la semaine", as_="h3", size="3", margin_bottom="0.25rem"),
        rx.text(
            "Un élève de moins de 16 ans : au plus 7 h de présence par jour et 35 h par "
            "semaine, une pause de 30 minutes après 4 h 30, ni avant 6 h ni après 20 h, deux "
            "jours de repos consécutifs. Laissez vides les jours sans présence.",
            font_size=SMALL,
            color=MUTED,
            margin_bottom="0.5rem",
        ),
        *[_day_row(S, day) for day in DAYS],
        _week_error(S, "semaine"),
        _week_error(S, "repos"),
        width="100%",
        margin_bottom="1rem",
        id="conv-timetable",
    )


def employer_form(S) -> rx.Component:
    return block(
        "Votre partie de la convention",
        rx.cond(
            S.view["can_edit_employer"] != "1",
            notice(
                "Votre partie ne peut plus être modifiée ici (la convention est validée ou en "
                "signature).",
                "info",
                id="conv-read-only",
            ),
        ),
        rx.form(
            rx.el.fieldset(
                rx.heading("Représentant de la structure", as_="h3", size="3", margin_y="0.5rem"),
                fields_grid(
                    bound_field(S, "Nom et prénom", "rep_name", required=True),
                    bound_field(S, "Fonction", "rep_function", required=True),
                    bound_field(S, "E-mail", "rep_email", type="email", required=True),
                ),
                rx.heading("Tuteur de l'élève", as_="h3", size="3", margin_y="0.5rem"),
                fields_grid(
                    bound_field(S, "Nom et prénom", "tutor_name", required=True),
                    bound_field(S, "Fonction", "tutor_function", required=True),
                    bound_field(S, "E-mail", "tutor_email", type="email", required=True),
                    bound_field(S, "Téléphone", "tutor_phone", type="tel", required=True),
                ),
                timetable(S),
                bound_textarea(
                    S,
                    "Pause déjeuner",
                    "lunch",
                    max_chars=500,
                    rows=2,
                    hint="Où et comment l'élève déjeune (sur place, à l'extérieur…).",
                ),
                bound_textarea(S, "Activités prévues", "activities", max_chars=2000, required=True),
                bound_textarea(
                    S, "Préparation de la séquence", "preparation", max_chars=1000, rows=3
                ),
                bound_textarea(S, "Ce que l'élève apprendra", "learning", max_chars=1000, rows=3),
                disabled=S.view["can_edit_employer"] != "1",
                border="none",
                padding="0",
                margin="0",
                min_width="0",
            ),  # fmt: skip
            rx.cond(
                S.view["can_edit_employer"] == "1",
                form_buttons(S, "Enregistrer", "Envoyer à l'établissement", "conv-send"),
            ),
            on_submit=S.save,
            reset_on_submit=False,
            key=S.form_key.to_string(),
            id="conv-employer-form",
        ),
        id="conv-employer",
    )


@page(EMPLOYER_URL + "/[conv_id]", "Convention de stage", on_load=EmployerConventionState.load)
def employer_convention_page() -> rx.Component:
    S = EmployerConventionState
    return convention_page(S, employer_form(S), ("← Mes conventions de stage", EMPLOYER_URL))
