"""``/espace/etablissement``: « Tableau de bord » (seeds 000 and 002): the to-do box, the
school-wide tracking table and the application tabs."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.controls import pager
from mystage.components.forms import (
    notice,
    page_title,
)
from mystage.components.layout import page
from mystage.components.school_nav import school_nav
from mystage.components.tabs import tab_bar
from mystage.pages.schools.parts import (
    MUTED,
    SMALL,
    ep_badge,
    export_button,
    head_cells,
    loaded_view,
    muted,
    progress_bar,
    scroll_table,
    section,
    stage_badge,
)
from mystage.state.schools import (
    SPACE_URL,
    TAB_LABELS,
    TABS,
    SchoolDashboardState,
)


def _pagination(S) -> rx.Component:
    return rx.cond(S.pages > 1, pager(S, font_size=SMALL, prev_id="apps-prev", next_id="apps-next"))


def _todo_link(text, on_click=None, href=None, id: str = "") -> rx.Component:
    props = {"on_click": on_click} if on_click is not None else {"href": href}
    return rx.link(text, id=id, font_weight="600", cursor="pointer", **props)


def _todo() -> rx.Component:
    S = SchoolDashboardState
    return rx.box(
        rx.heading("À faire", as_="h2", size="4", color="#161616", margin_bottom="0.5rem"),
        rx.cond(
            S.nothing_to_do,
            rx.text("✓ Rien à faire pour l'instant.", color=theme.SUCCESS, id="todo-none"),
            rx.el.ul(
                rx.cond(
                    S.awaiting > 0,
                    rx.el.li(
                        _todo_link(
                            rx.text.span(S.awaiting, " candidature(s) à valider"),
                            on_click=S.set_tab("valider"),
                            id="todo-validate",
                        ),
                        " : elles n'iront à l'employeur qu'après votre validation.",
                    ),
                ),
                rx.cond(
                    S.missing_auth.length() > 0,
                    rx.el.li(
                        rx.text.span(
                            S.missing_total,
                            " élève(s) sans autorisation parentale (ils ne peuvent pas "
                            "encore postuler) : ",
                        ),
                        rx.foreach(
                            S.missing_auth,
                            lambda c: rx.link(
                                c["name"] + " (" + c["missing"] + ")",
                                href=SPACE_URL + "/classe/" + c["id"] + "?filtre=sans_autorisation",
                                margin_right="0.75rem",
                                white_space="nowrap",
                                id="todo-auth-" + c["id"],
                            ),
                        ),
                        id="todo-auth",
                    ),
                ),
                rx.cond(
                    S.empty_classes.length() > 0,
                    rx.el.li(
                        "Aucun élève inscrit pour l'instant : ajoutez la liste de la classe ou "
                        "donnez-lui son code : ",
                        rx.foreach(
                            S.empty_classes,
                            lambda c: rx.link(
                                c["name"],
                                href=SPACE_URL + "/classe/" + c["id"],
                                margin_right="0.75rem",
                                white_space="nowrap",
                                id="todo-empty-" + c["id"],
                            ),
                        ),
                        id="todo-empty",
                    ),
                ),
                rx.cond(
                    S.conventions_to_validate > 0,
                    rx.el.li(
                        _todo_link(
                            rx.text.span(
                                S.conventions_to_validate, " convention(s) de stage à valider"
                            ),
                            href=SPACE_URL + "/conventions",
                            id="todo-conventions-validate",
                        ),
                        " : l'employeur a complété sa partie, complétez la vôtre.",
                    ),
                ),
                rx.cond(
                    S.conventions_to_sign > 0,
                    rx.el.li(
                        _todo_link(
                            rx.text.span(S.conventions_to_sign, " convention(s) à signer"),
                            href=SPACE_URL + "/conventions",
                            id="todo-conventions-sign",
                        ),
                        " : cochez-les et « Signer en groupe ».",
                    ),
                ),
                rx.cond(
                    ~S.weeks_set,
                    rx.el.li(
                        "Les semaines de stage ne sont pas encore choisies : ",
                        rx.cond(
                            S.is_head,
                            _todo_link(
                                "choisir les semaines",
                                href=SPACE_URL + "/semaines",
                                id="todo-weeks",
                            ),
                            rx.text.span("le chef d'établissement doit les choisir."),
                        ),
                        id="todo-weeks-item",
                    ),
                ),
                style={"padding_left": "1.2rem", "margin": "0", "line_height": "1.8"},
            ),
        ),
        background=theme.INFO_BG,
        border_left=f"4px solid {theme.BLUE}",
        border_radius="4px",
        padding="1rem 1.25rem",
        width="100%",
        id="school-todo",
    )


def _class_row(r) -> rx.Component:
    href = SPACE_URL + "/classe/" + r["id"]
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(r["name"], href=href, id="class-link-" + r["id"], font_weight="700"),
            rx.cond(r["level"] != "", muted(r["level"], size="0.75rem")),
        ),
        rx.table.cell(r["pupils"]),
        rx.table.cell(r["authorized"]),
        rx.table.cell(r["no_application"]),
        rx.table.cell(r["applied"]),
        rx.table.cell(r["accepted"]),
        rx.table.cell(r["confirmed"]),
        rx.table.cell(r["convention_signed"]),
        rx.table.cell(progress_bar(r["progress_percent"])),
        id="class-row-" + r["id"],
        class_name="class-row",
    )


def _school_table() -> rx.Component:
    S = SchoolDashboardState
    t = S.total
    return scroll_table(
        head_cells(
            "Classe",
            "Élèves",
            "Autorisés",
            "Sans candidature",
            "Ont postulé",
            "Acceptés",
            "Confirmés",
            "Convention signée",
            "Avancement",
        ),  # fmt: skip
        rx.foreach(S.classes, _class_row),
        rx.table.row(
            rx.table.row_header_cell("Total", font_weight="700"),
            *[
                rx.table.cell(t.get(k, "0"), font_weight="700")
                for k in (
                    "pupils",
                    "authorized",
                    "no_application",
                    "applied",
                    "accepted",
                    "confirmed",
                    "convention_signed",
                )  # fmt: skip
            ],
            rx.table.cell(progress_bar(t.get("progress_percent", "0"))),
            background=theme.GREY_LIGHT,
            id="class-row-total",
        ),
        table_id="school-table",
    )


def _app_row(r) -> rx.Component:
    S = SchoolDashboardState
    href = SPACE_URL + "/candidatures/" + r["id"]
    return rx.table.row(
        rx.table.cell(
            rx.link(
                r["offer_title"], href=href, font_weight="600", id="school-app-link-" + r["id"]
            ),
            muted(r["employer_name"], " — ", r["city"], size="0.8rem"),
            min_width="14rem",
        ),
        rx.table.cell(
            rx.link(r["pupil_name"], href=SPACE_URL + "/eleve/" + r["pupil_id"]),
            rx.cond(r["class_name"] != "", muted(r["class_name"], size="0.8rem")),
            min_width="9rem",
        ),
        rx.table.cell(r["week_label"], min_width="9rem", font_size=SMALL),
        rx.cond(
            S.tab == "referents",
            rx.table.cell(r["referent_email"], font_size=SMALL, overflow_wrap="anywhere"),
        ),
        rx.table.cell(
            rx.cond(
                r["status"] != "",
                rx.text(
                    rx.cond(r["status"] == "Acceptée", "✓ ", "✕ "),
                    r["status"],
                    font_weight="700",
                    font_size=SMALL,
                    color=rx.cond(r["status"] == "Acceptée", theme.SUCCESS, "#555"),
                ),
            ),
            stage_badge(r["state_label"], r["colour"]),
            rx.cond(
                r["can_validate"] == "1",
                rx.link(
                    "Valider ou refuser →",
                    href=href,
                    display="block",
                    font_size=SMALL,
                    margin_top="0.25rem",
                ),
            ),
            min_width="11rem",
        ),
        rx.table.cell(r["date"], white_space="nowrap"),
        id="school-app-row-" + r["id"],
        class_name="school-app-row",
    )


def _referents_summary() -> rx.Component:
    S = SchoolDashboardState
    return rx.cond(
        S.referents.length() > 0,
        scroll_table(
            head_cells("Référent", "Candidatures", "À valider", "En attente"),
            rx.foreach(
                S.referents,
                lambda x: rx.table.row(
                    rx.table.row_header_cell(
                        rx.cond(x["email"] != "", x["email"], "(sans référent)"),
                        overflow_wrap="anywhere",
                    ),
                    rx.table.cell(x["applications"]),
                    rx.table.cell(x["awaiting_school"]),
                    rx.table.cell(x["pending"]),
                ),
            ),
            size="1",
            margin_bottom="1rem",
            id="referents-summary",
        ),
    )


def _tab_label(key: str) -> rx.Component:
    S = SchoolDashboardState
    return rx.fragment(
        TAB_LABELS[key],
        " ",
        rx.badge(S.counts.get(key, 0), variant="soft", radius="full", margin_left="0.35rem"),
    )


def _applications() -> rx.Component:
    S = SchoolDashboardState
    return section(
        "Candidatures des élèves",
        tab_bar(
            "Candidatures des élèves",
            [
                (key, _tab_label(key), S.show_validation_tab if key == "valider" else None)
                for key in TABS
            ],
            S.tab,
            S.set_tab,
            rx.cond(
                S.tab == "attente",
                muted(
                    "En attente : l'établissement, l'employeur ou l'élève doit encore répondre.",
                    margin_bottom="0.5rem",
                ),
            ),
            rx.cond(
                S.tab == "traitees",
                muted(
                    "Acceptée : l'élève a confirmé son stage. Fermée : la candidature n'a pas abouti "
                    "(refus, annulation, sans réponse, autre stage trouvé).",
                    margin_bottom="0.5rem",
                ),
            ),
            rx.cond(S.tab == "referents", _referents_summary()),
            rx.cond(
                S.apps_total == 0,
                rx.text(S.empty_text, id="apps-empty", color=MUTED),
                scroll_table(
                    rx.table.row(
                        rx.table.column_header_cell("Candidature"),
                        rx.table.column_header_cell("Élève"),
                        rx.table.column_header_cell("Semaine"),
                        rx.cond(S.tab == "referents", rx.table.column_header_cell("Référent")),
                        rx.table.column_header_cell("Statut"),
                        rx.table.column_header_cell("Date de candidature"),
                    ),
                    rx.foreach(S.rows, _app_row),
                    table_id="school-apps",
                ),
            ),
            _pagination(S),
        ),
        id="candidatures",
    )


def _dashboard() -> rx.Component:
    S = SchoolDashboardState
    return rx.vstack(
        rx.cond(
            S.member_message != "",
            notice(S.member_message, "info", id="school-member-status", width="100%"),
            rx.vstack(
                school_nav("tableau"),
                rx.cond(
                    S.restricted,
                    muted(
                        "Vous voyez les classes que le chef d'établissement vous a confiées.",
                        id="school-restricted",
                    ),
                ),
                _todo(),
                section(
                    "Suivi des classes — année " + S.year_label,
                    rx.cond(
                        S.classes.length() == 0,
                        rx.text(
                            "Aucune classe pour l'instant.",
                            rx.cond(
                                S.is_head,
                                rx.text.span(
                                    " ",
                                    rx.link("Créer les classes", href=SPACE_URL + "/classes"),
                                ),
                            ),
                            color=MUTED,
                        ),
                        _school_table(),
                    ),
                    right=export_button("/api/etablissement/export/etablissement"),
                ),
                _applications(),
                width="100%",
                align="start",
                spacing="5",
            ),
        ),
        width="100%",
        align="start",
        spacing="4",
    )


def _school_header(S) -> rx.Component:
    return rx.vstack(
        rx.flex(
            page_title("Tableau de bord"),
            rx.spacer(),
            rx.link(
                "Mon compte",
                href="/espace/compte",
                font_size=SMALL,
                id="school-profile",
                white_space="nowrap",
            ),  # fmt: skip
            width="100%",
            align="baseline",
            gap="1rem",
        ),
        rx.flex(
            rx.text(S.school["name"], font_weight="700", color="#161616", id="school-name"),
            rx.cond(S.school["commune"] != "", rx.text("— ", S.school["commune"], color=MUTED)),
            ep_badge(S.school["ep"]),
            gap="0.5rem",
            align="center",
            wrap="wrap",
            margin_top="-0.75rem",
        ),
        rx.cond(
            S.school["function"] != "",
            muted(S.school["function"]),
        ),
        rx.cond(
            S.school["no_seconde"] != "",
            notice(S.school["no_seconde"], "info", id="school-no-seconde"),
        ),
        spacing="1",
        width="100%",
    )


@page(
    "/espace/etablissement", "Tableau de bord de l'établissement", on_load=SchoolDashboardState.load
)
def school_dashboard_page() -> rx.Component:
    S = SchoolDashboardState
    return rx.box(
        loaded_view(
            S,
            rx.vstack(_school_header(S), _dashboard(), width="100%", spacing="4"),
            denied=notice(S.denied, "error", id="school-denied"),
        ),
        width="100%",
        id="school-dashboard",
    )
