"""A class's tracking table with the parents' authorizations (the printable form is in
:mod:`.authorization_sheet`)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.dialogs import confirm_dialog
from mystage.components.forms import field_label
from mystage.components.layout import page
from mystage.pages.schools.class_roster import roster_row, roster_tools
from mystage.pages.schools.parts import (
    MUTED,
    SMALL,
    detail_view,
    export_button,
    loaded_view,
    muted,
    scroll_table,
    section,
    stage_badge,
)
from mystage.state.schools import (
    FILTER_LABELS,
    FILTERS,
    SPACE_URL,
    ClassRosterState,
    SchoolClassState,
)


def _sort_header(label: str, key: str) -> rx.Component:
    S = SchoolClassState
    active = S.sort == key
    return rx.table.column_header_cell(
        rx.el.button(
            label,
            rx.cond(active, rx.cond(S.descending, " ▼", " ▲"), " ↕"),
            on_click=S.set_sort(key),
            id=f"sort-{key}",
            type="button",
            style={
                "background": "none",
                "border": "none",
                "padding": "0",
                "font": "inherit",
                "font_weight": "700",
                "color": theme.BLUE,
                "cursor": "pointer",
                "white_space": "nowrap",
            },
        ),
        aria_sort=rx.cond(active, rx.cond(S.descending, "descending", "ascending"), "none"),
    )


def _convention_cell(r) -> rx.Component:
    """The confirmed internship's convention in plain words (a link to it) and, when the
    school works on paper, « Convention signée (papier) »."""
    S = SchoolClassState
    return rx.cond(
        r["convention_label"] != "",
        rx.vstack(
            rx.link(
                r["convention_label"],
                href=r["convention_url"],
                font_size=SMALL,
                color=rx.cond(r["convention_state"] == "signed", theme.SUCCESS, theme.BLUE),
                id="conv-state-" + r["id"],
            ),
            rx.cond(
                S.paper_mode & (r["convention_state"] != "cancelled"),
                rx.hstack(
                    rx.checkbox(
                        checked=r["convention_state"] == "signed",
                        on_change=lambda v: S.toggle_paper(r["convention_id"], v),
                        id="paper-check-" + r["id"],
                        size="1",
                    ),
                    rx.el.label(
                        "Convention signée (papier)",
                        html_for="paper-check-" + r["id"],
                        font_size="0.75rem",
                    ),
                    align="center",
                    spacing="1",
                ),
            ),
            spacing="1",
            align="start",
        ),
        rx.text("—", color=MUTED),
    )


def _pupil_row(r) -> rx.Component:
    S = SchoolClassState
    href = SPACE_URL + "/eleve/" + r["id"]
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(r["name"], href=href, font_weight="600", on_click=rx.stop_propagation),
            min_width="10rem",
        ),
        rx.table.cell(
            rx.hstack(
                rx.checkbox(
                    checked=r["authorized"] == "1",
                    on_change=lambda v: S.toggle_auth(r["id"], v),
                    id="auth-check-" + r["id"],
                    aria_label="Autorisation parentale reçue pour " + r["name"],
                    size="2",
                ),
                rx.cond(
                    r["authorized"] == "1",
                    rx.text("✓ ", r["authorized_on"], color=theme.SUCCESS, font_size=SMALL),
                    rx.text("à recueillir", color="#b34000", font_size=SMALL),
                ),
                align="center",
                spacing="2",
                white_space="nowrap",
            ),
            on_click=rx.stop_propagation,
        ),
        rx.table.cell(r["applications"], text_align="center"),
        rx.table.cell(
            stage_badge(r["stage_label"], r["colour"], id="pupil-state-" + r["id"]),
            rx.cond(
                (r["applications"] != "0") & (r["stage"] != "confirme"),
                muted(r["state_label"], size="0.75rem"),
            ),
            min_width="10rem",
        ),
        rx.table.cell(
            rx.cond(
                r["offer_title"] != "",
                rx.box(
                    rx.text(r["offer_title"], font_weight="600", font_size=SMALL),
                    rx.text(r["employer_name"], font_size="0.8rem"),
                    muted(r["week_label"], size="0.8rem"),
                ),
                rx.text("—", color=MUTED),
            ),
            min_width="12rem",
        ),
        rx.table.cell(_convention_cell(r), min_width="10rem", on_click=rx.stop_propagation),
        rx.table.cell(
            rx.cond(r["last_activity"] != "", r["last_activity"], "—"), white_space="nowrap"
        ),
        id="pupil-row-" + r["id"],
        class_name="pupil-row",
        on_click=rx.redirect(href),
        cursor="pointer",
        _hover={"background": theme.GREY_LIGHT},
    )


def _filters() -> rx.Component:
    S = SchoolClassState
    return rx.flex(
        *[
            rx.button(
                FILTER_LABELS[key] + " (",
                S.counts.get(key, "0"),
                ")",
                variant=rx.cond(S.filter_key == key, "solid", "outline"),
                on_click=S.set_filter(key),
                id=f"filter-{key}",
                aria_pressed=rx.cond(S.filter_key == key, "true", "false"),
                size="1",
                radius="full",
                cursor="pointer",
            )
            for key in FILTERS
        ],
        gap="0.4rem",
        wrap="wrap",
        role="group",
        aria_label="Filtrer les élèves",
    )


def _auth_tools() -> rx.Component:
    S = SchoolClassState
    return rx.box(
        rx.heading("Autorisations parentales", as_="h2", size="4", color="#161616"),
        rx.text(
            "Un élève ne peut postuler qu'une fois l'autorisation de ses parents enregistrée. "
            "Cochez-le dans le tableau quand vous avez reçu son formulaire signé (décochez "
            "pour annuler).",
            font_size=SMALL,
            margin_y="0.5rem",
        ),
        rx.flex(
            rx.box(
                field_label("Date de l'autorisation", "auth-date"),
                rx.input(
                    type="date",
                    id="auth-date",
                    value=S.auth_date,
                    on_change=S.set_auth_date,
                    aria_describedby="auth-date-err",
                    aria_invalid=rx.cond(S.auth_error != "", "true", "false"),
                    color_scheme=rx.cond(S.auth_error != "", "red", "indigo"),
                    width="11rem",
                ),
                rx.cond(
                    S.auth_error != "",
                    rx.text(
                        S.auth_error,
                        id="auth-date-err",
                        color=theme.ERROR,
                        font_size=SMALL,
                        role="alert",
                        margin_top="0.25rem",
                    ),
                ),
            ),
            rx.cond(
                S.is_real_class,
                rx.flex(
                    rx.button(
                        rx.icon("list-checks", size=16),
                        "Tout cocher pour la classe",
                        on_click=S.ask_all,
                        id="auth-all",
                        variant="soft",
                        cursor="pointer",
                    ),
                    rx.link(
                        rx.button(
                            rx.icon("printer", size=16, flex_shrink="0"),
                            "Imprimer le formulaire d'autorisation",
                            variant="outline",
                            cursor="pointer",
                            height="auto",
                            min_height="2rem",
                            padding_y="0.3rem",
                            white_space="normal",
                            text_align="left",
                        ),
                        href=S.sheet_url,
                        id="auth-print",
                    ),
                    gap="0.5rem",
                    wrap="wrap",
                ),
            ),
            gap="1rem",
            wrap="wrap",
            align="end",
        ),
        background=theme.GREY_LIGHT,
        border_radius="8px",
        padding="1rem 1.25rem",
        width="100%",
        id="auth-tools",
    )


def _confirm_all_dialog() -> rx.Component:
    S = SchoolClassState
    return confirm_dialog(
        "Enregistrer les autorisations de toute la classe ?",
        "Tous les élèves de la classe ",
        S.cls.get("name", ""),
        " qui n'ont pas encore d'autorisation parentale en recevront une, datée du ",
        S.auth_date_label,
        ". Faites-le seulement après avoir recueilli tous les formulaires signés.",
        description_id="auth-all-text",
        cancel=rx.button(
            "Annuler", variant="soft", color_scheme="gray", on_click=S.cancel_all, id="auth-all-no"
        ),
        confirm=rx.button("Enregistrer", on_click=S.record_all, id="auth-all-yes"),
        open=S.confirm_all,
        on_open_change=S.set_confirm_open,
    )


def _class_table() -> rx.Component:
    S = SchoolClassState
    return scroll_table(
        rx.table.row(
            _sort_header("Élève", "name"),
            _sort_header("Autorisation parentale", "authorization"),
            _sort_header("Candidatures", "applications"),
            _sort_header("État le plus avancé", "state"),
            rx.table.column_header_cell("Stage confirmé", white_space="nowrap"),
            rx.table.column_header_cell("Convention", white_space="nowrap"),
            _sort_header("Dernière activité", "last_activity"),
        ),
        rx.foreach(S.rows, _pupil_row),
        rx.foreach(S.roster, roster_row),
        table_id="class-table",
    )


def _auth_notice() -> rx.Component:
    """What the last box did, next to the table, naming the pupil, with « Annuler »."""
    S = SchoolClassState
    return rx.cond(
        S.auth_notice != "",
        rx.flex(
            rx.text(S.auth_notice, id="auth-notice-text"),
            rx.cond(
                S.undo_id != "",
                rx.button(
                    "Annuler",
                    on_click=S.undo_auth,
                    id="auth-undo",
                    size="1",
                    variant="outline",
                    color_scheme="green",
                    cursor="pointer",
                ),  # fmt: skip
            ),
            background=theme.SUCCESS_BG,
            color=theme.SUCCESS,
            border_left=f"4px solid {theme.SUCCESS}",
            padding="0.6rem 0.9rem",
            border_radius="4px",
            gap="0.75rem",
            align="center",
            wrap="wrap",
            width="100%",
            margin_bottom="0.75rem",
            role="status",
            id="auth-notice",
        ),
    )


def _exports() -> rx.Component:
    """« Exporter les 7 élèves affichés » with a filter, and always the whole class."""
    S = SchoolClassState
    return rx.flex(
        rx.cond(S.is_filtered, export_button(S.export_url, S.export_label)),
        export_button(S.export_all_url, S.export_all_label, button_id="export-xlsx-all"),
        gap="0.5rem",
        wrap="wrap",
    )


def _remind() -> rx.Component:
    S = SchoolClassState
    return rx.box(
        rx.flex(
            rx.button(
                rx.icon("send", size=16),
                "Relancer les élèves sans candidature (",
                S.to_remind,
                ")",
                on_click=S.remind,
                id="class-remind",
                variant="soft",
                cursor="pointer",
                disabled=S.to_remind == "0",
                white_space="normal",
                height="auto",
                min_height="2rem",
            ),
            muted("Par courriel ou SMS, une fois par semaine au plus.", size="0.8rem"),
            gap="0.75rem",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            S.remind_notice != "",
            rx.text(
                S.remind_notice,
                id="remind-notice",
                role="status",
                font_size=SMALL,
                margin_top="0.4rem",
            ),  # fmt: skip
        ),
        margin_top="0.75rem",
    )


def _class_view() -> rx.Component:
    S = SchoolClassState
    return detail_view(
        S,
        _auth_tools(),
        section(
            "Suivi des élèves",
            _filters(),
            rx.box(height="0.75rem"),
            _auth_notice(),
            rx.cond(
                S.shown_count == 0,
                rx.text(
                    rx.cond(
                        S.counts.get("tous", "0") == "0",
                        "Aucun élève dans cette classe pour l'instant : ajoutez la liste de la "
                        "classe ci-dessous, ou donnez aux élèves le code de la classe.",
                        "Aucun élève ne correspond à ce filtre.",
                    ),
                    color=MUTED,
                    id="class-empty",
                ),
                _class_table(),
            ),
            _remind(),
            right=_exports(),
        ),
        rx.cond(S.is_real_class, roster_tools()),
        _confirm_all_dialog(),
        back="← Tableau de bord",
        back_href=SPACE_URL,
        title="Classe " + S.cls.get("name", ""),
        subtitle=(
            S.school_name,
            " — année ",
            S.year_label,
            rx.cond(S.cls.get("level", "") != "", " — " + S.cls.get("level", ""), ""),
        ),
        notice_ids=("class-notice", "class-error"),
        view_id="class-view",
    )


@page(
    "/espace/etablissement/classe/[classe_id]",
    "Suivi d'une classe",
    on_load=[SchoolClassState.load, ClassRosterState.load],
)
def school_class_page() -> rx.Component:
    S = SchoolClassState
    return loaded_view(S, _class_view())
