"""``/espace/etablissement/classes``: the classes, their pupils, moving a pupil."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import card
from mystage.components.layout import page
from mystage.pages.schools.parts import (
    SELECT_STYLE,
    SMALL_SELECT,
    blue_button,
    error_of,
    h2,
    inline_confirm,
    labelled,
    muted,
    small_button,
    space_page,
    status_notices,
    table_box,
    text_input,
)
from mystage.state.schools import SchoolClassesState


def _level_select(name_id: str, default) -> rx.Component:
    """The class's level: 2de GT in a lycée, 4e or 3e in a collège (the state's choices)."""
    return rx.el.select(
        rx.el.option("Niveau (deviné d'après le nom)", value=""),
        rx.foreach(
            SchoolClassesState.level_choices,
            lambda c: rx.el.option(c["label"], value=c["value"]),
        ),
        id=name_id,
        name="level",
        aria_describedby=f"{name_id}-err",
        style=SELECT_STYLE,
        default_value=default,
    )


def _create_form() -> rx.Component:
    S = SchoolClassesState
    return card(
        h2("Créer une classe", margin_top="0"),
        rx.form(
            rx.flex(
                labelled(
                    "Nom de la classe",
                    "class-name",
                    text_input(
                        "class-name",
                        "name",
                        S.create_values.get("name", ""),
                        placeholder=rx.cond(S.school_kind == "lycee", "ex. : 2de 1", "ex. : 3e A"),
                    ),
                    S.create_errors,
                    "name",
                    required=True,
                    flex="2",
                    min_width="12rem",
                ),
                labelled(
                    "Niveau",
                    "class-level",
                    _level_select("class-level", S.create_values.get("level", "")),
                    S.create_errors,
                    "level",
                    flex="2",
                    min_width="12rem",
                ),
                rx.box(
                    blue_button("Créer la classe", type="submit", id="class-create"),
                    padding_top=["0", "1.6rem"],
                ),
                gap="1rem",
                wrap="wrap",
                align="start",
            ),
            on_submit=S.create,
            id="class-create-form",
            key=S.form_key.to_string(),
        ),
        margin_bottom="1.5rem",
    )


def _rename_form(r) -> rx.Component:
    S = SchoolClassesState
    return rx.form(
        rx.flex(
            rx.box(
                rx.el.label("Nouveau nom", html_for="rename-name", font_size="0.85rem"),
                rx.input(
                    id="rename-name",
                    name="name",
                    default_value=r["name"],
                    size="2",
                    aria_describedby="rename-name-err",
                ),
                error_of(S.rename_errors, "name", "rename-name"),
            ),
            rx.box(
                rx.el.label("Niveau", html_for="rename-level", font_size="0.85rem"),
                _level_select("rename-level", r["level"]),
                error_of(S.rename_errors, "level", "rename-level"),
            ),
            rx.hstack(
                blue_button("Enregistrer", size="2", type="submit", id="rename-save"),
                small_button("Annuler", on_click=S.cancel_rename, variant="outline"),
            ),
            gap="0.5rem",
            direction="column",
        ),
        on_submit=S.rename,
        id="rename-form",
    )


def _class_actions(r) -> rx.Component:
    S = SchoolClassesState
    view = small_button(
        rx.cond(S.open_class == r["id"], "Masquer les élèves", "Voir les élèves"),
        on_click=S.show_pupils(r["id"]),
        id="class-pupils-" + r["id"],
    )
    return rx.cond(
        S.confirm_delete == r["id"],
        inline_confirm(
            "Supprimer cette classe ?",
            "Oui, supprimer",
            S.delete,
            "class-delete-confirm",
            S.cancel_delete,
        ),
        rx.flex(
            view,
            rx.cond(
                S.can_manage,
                rx.fragment(
                    small_button(
                        "Renommer", on_click=S.start_rename(r["id"]), id="class-rename-" + r["id"]
                    ),
                    small_button(
                        "Supprimer",
                        on_click=S.ask_delete(r["id"]),
                        color_scheme="red",
                        id="class-delete-" + r["id"],
                    ),
                ),
            ),
            gap="0.4rem",
            wrap="wrap",
        ),
    )


def _class_row(r) -> rx.Component:
    S = SchoolClassesState
    return rx.fragment(
        rx.table.row(
            rx.table.cell(
                rx.cond(
                    S.renaming == r["id"],
                    _rename_form(r),
                    rx.text(r["name"], font_weight="600"),
                )
            ),
            rx.table.cell(r["level_label"]),
            rx.table.cell(r["pupils"]),
            rx.table.cell(r["authorized"]),
            rx.table.cell(rx.cond(r["main_teachers"] != "", r["main_teachers"], "—")),
            rx.table.cell(_class_actions(r)),
            id="class-row-" + r["name"],
        ),
        rx.cond(
            S.row_error.contains(r["id"]),
            rx.table.row(
                rx.table.cell(
                    rx.text(S.row_error[r["id"]], color=theme.ERROR, role="alert"),
                    col_span=6,
                ),
                id="class-error-" + r["id"],
            ),
        ),
    )


def _pupil_item(p) -> rx.Component:
    S = SchoolClassesState
    return rx.box(
        rx.form(
            rx.flex(
                rx.box(
                    rx.text(p["name"], font_weight="600"),
                    muted(
                        rx.cond(
                            p["authorized"] != "",
                            "Autorisation parentale enregistrée",
                            "Sans autorisation parentale",
                        ),
                        " · ",
                        p["applications"],
                        " candidature(s)",
                    ),
                    flex="1",
                    min_width="12rem",
                ),
                rx.el.input(type="hidden", name="pupil_id", value=p["id"]),
                rx.el.label(
                    "Nouvelle classe",
                    html_for="move-" + p["id"],
                    class_name="sr-only",
                    style={"position": "absolute", "left": "-9999px"},
                ),
                rx.el.select(
                    rx.el.option("Nouvelle classe…", value=""),
                    rx.foreach(S.move_targets, lambda c: rx.el.option(c["name"], value=c["id"])),
                    id="move-" + p["id"],
                    name="class_id",
                    style=SMALL_SELECT,
                ),
                rx.button(
                    "Changer de classe",
                    type="submit",
                    size="2",
                    variant="outline",
                    cursor="pointer",
                    id="move-submit-" + p["id"],
                ),
                gap="0.5rem",
                align="center",
                wrap="wrap",
            ),
            on_submit=S.move,
            reset_on_submit=False,
        ),
        rx.cond(
            S.move_error.contains(p["id"]),
            rx.text(S.move_error[p["id"]], color=theme.ERROR, font_size="0.85rem", role="alert"),
        ),
        padding_y="0.6rem",
        border_bottom=f"1px solid {theme.GREY_BORDER}",
        width="100%",
        id="pupil-" + p["id"],
    )


def _pupils_panel() -> rx.Component:
    S = SchoolClassesState
    return rx.cond(
        S.open_class != "",
        card(
            rx.heading(S.open_name, as_="h2", size="5", margin_bottom="0.5rem"),
            rx.cond(
                S.pupils.length() == 0,
                rx.text("Aucun élève.", id="pupils-none"),
                rx.foreach(S.pupils, _pupil_item),
            ),
            margin_top="1.5rem",
            id="pupils-panel",
        ),
    )


@page("/espace/etablissement/classes", "Classes", on_load=SchoolClassesState.load)
def school_classes_page() -> rx.Component:
    S = SchoolClassesState
    return space_page(
        S,
        "classes",
        "Classes",
        *status_notices(S.message, S.error, "classes-message", "classes-error"),
        rx.cond(S.can_manage, _create_form()),
        rx.cond(
            S.rows.length() == 0,
            rx.text(
                rx.cond(
                    S.can_manage,
                    "Aucune classe pour l'instant : créez la première ci-dessus.",
                    "Aucune classe à afficher.",
                ),
                id="classes-none",
            ),
            table_box(
                ["Classe", "Niveau", "Élèves", "Autorisations", "Professeur principal", ""],
                rx.foreach(S.rows, _class_row),
            ),
        ),
        rx.cond(
            S.see_all,
            rx.box(
                small_button(
                    rx.cond(S.open_class == "0", "Masquer", "Élèves sans classe"),
                    on_click=S.show_pupils("0"),
                    variant="outline",
                    id="class-pupils-0",
                ),
                margin_top="1rem",
            ),
        ),
        _pupils_panel(),
    )
