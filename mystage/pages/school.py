"""The school space, part 2 (seeds 000 and 002): « Tableau de bord » (to-do box, the
school-wide tracking table, the application tabs), the class tracking table with the
parents' authorizations, the printable authorization form and a pupil's applications."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import notice, page_title
from mystage.components.layout import page
from mystage.components.school_nav import school_nav
from mystage.components.tabs import tab_bar
from mystage.pages.applications.detail import decision_dialog
from mystage.state.school import (
    FILTER_LABELS,
    FILTERS,
    SPACE_URL,
    TAB_LABELS,
    TABS,
    AuthorizationSheetState,
    SchoolClassState,
    SchoolDashboardState,
    SchoolPupilState,
)

SMALL = "0.85rem"
MUTED = "#666"
COLOURS = ("green", "blue", "orange", "red")


# --- small pieces ---------------------------------------------------------------------------


def _denied(text) -> rx.Component:
    return rx.vstack(
        notice(text, "error", id="school-denied", width="100%"),
        rx.link("← Tableau de bord", href=SPACE_URL, font_size=SMALL),
        width="100%",
        align="start",
    )


def _loading() -> rx.Component:
    return rx.center(rx.spinner(size="3"), width="100%", padding="3rem")


def _colour(value) -> rx.Var:
    return rx.match(value, *[(c, c) for c in COLOURS], "gray")


def _stage_badge(label, colour, **props) -> rx.Component:
    return rx.badge(
        label, color_scheme=_colour(colour), variant="soft", size="2", white_space="normal",
        **props,
    )  # fmt: skip


def _ep_badge(ep) -> rx.Component:
    return rx.cond(
        ep != "",
        rx.badge(ep, color_scheme="purple", variant="solid", size="2", id="school-ep"),
    )


def _section(title, *children, right=None, **props) -> rx.Component:
    head = rx.flex(
        rx.heading(title, as_="h2", size="5", color="#161616"),
        rx.spacer(),
        right if right is not None else rx.fragment(),
        width="100%",
        align="center",
        wrap="wrap",
        gap="0.75rem",
        margin_bottom="0.75rem",
    )
    return rx.box(head, *children, width="100%", min_width="0", **props)


def _scroll(table: rx.Component, **props) -> rx.Component:
    """Tables scroll sideways inside their box; the page itself never does."""
    return rx.box(
        table,
        width="100%",
        max_width="100%",
        overflow_x="auto",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        tab_index=0,
        **props,
    )


def _export_button(href, label: str = "Exporter (xlsx)") -> rx.Component:
    """A plain link (the browser downloads the file sent by the API route)."""
    return rx.el.a(
        rx.icon("download", size=16),
        label,
        href=href,
        download="",
        # A document navigation (the router would otherwise look for a page there).
        custom_attrs={"reloadDocument": True},
        id="export-xlsx",
        style={
            "display": "inline-flex",
            "align_items": "center",
            "gap": "0.4rem",
            "padding": "0.4rem 0.9rem",
            "border": f"1px solid {theme.BLUE}",
            "border_radius": "4px",
            "color": theme.BLUE,
            "font_weight": "600",
            "font_size": "0.9rem",
            "text_decoration": "none",
            "white_space": "nowrap",
            "background": "white",
        },
    )


def _progress(percent) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.box(
                width=percent + "%", height="100%", background=theme.SUCCESS, border_radius="4px"
            ),
            width="6rem",
            height="0.6rem",
            background="#e5e5e5",
            border_radius="4px",
            overflow="hidden",
            role="progressbar",
            aria_valuenow=percent,
            aria_valuemin="0",
            aria_valuemax="100",
            aria_label="Stages confirmés",
            flex_shrink="0",
        ),
        rx.text(percent, " %", font_size=SMALL, white_space="nowrap"),
        align="center",
        spacing="2",
    )


def _head_cells(*labels: str) -> rx.Component:
    return rx.table.row(*[rx.table.column_header_cell(h, white_space="nowrap") for h in labels])


def _pagination(S) -> rx.Component:
    return rx.cond(
        S.pages > 1,
        rx.hstack(
            rx.button(
                "Précédent",
                size="1",
                variant="soft",
                on_click=S.go_page(S.page - 1),
                disabled=S.page <= 1,
                id="apps-prev",
            ),  # fmt: skip
            rx.text("Page ", S.page, " sur ", S.pages, font_size=SMALL),
            rx.button(
                "Suivant",
                size="1",
                variant="soft",
                on_click=S.go_page(S.page + 1),
                disabled=S.page >= S.pages,
                id="apps-next",
            ),  # fmt: skip
            align="center",
            margin_top="0.75rem",
        ),
    )


# --- dashboard ------------------------------------------------------------------------------


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
            rx.cond(
                r["level"] != "",
                rx.text(r["level"], font_size="0.75rem", color=MUTED),
            ),
        ),
        rx.table.cell(r["pupils"]),
        rx.table.cell(r["authorized"]),
        rx.table.cell(r["no_application"]),
        rx.table.cell(r["applied"]),
        rx.table.cell(r["accepted"]),
        rx.table.cell(r["confirmed"]),
        rx.table.cell(r["convention_signed"]),
        rx.table.cell(_progress(r["progress_percent"])),
        id="class-row-" + r["id"],
        class_name="class-row",
    )


def _school_table() -> rx.Component:
    S = SchoolDashboardState
    t = S.total
    return _scroll(
        rx.table.root(
            rx.table.header(
                _head_cells(
                    "Classe",
                    "Élèves",
                    "Autorisés",
                    "Sans candidature",
                    "Ont postulé",
                    "Acceptés",
                    "Confirmés",
                    "Convention signée",
                    "Avancement",
                )  # fmt: skip
            ),
            rx.table.body(
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
                    rx.table.cell(_progress(t.get("progress_percent", "0"))),
                    background=theme.GREY_LIGHT,
                    id="class-row-total",
                ),
            ),
            width="100%",
            size="2",
            id="school-table",
        )
    )


def _app_row(r) -> rx.Component:
    S = SchoolDashboardState
    href = SPACE_URL + "/candidatures/" + r["id"]
    return rx.table.row(
        rx.table.cell(
            rx.link(
                r["offer_title"], href=href, font_weight="600", id="school-app-link-" + r["id"]
            ),
            rx.text(r["employer_name"], " — ", r["city"], font_size="0.8rem", color=MUTED),
            min_width="14rem",
        ),
        rx.table.cell(
            rx.link(r["pupil_name"], href=SPACE_URL + "/eleve/" + r["pupil_id"]),
            rx.cond(
                r["class_name"] != "",
                rx.text(r["class_name"], font_size="0.8rem", color=MUTED),
            ),
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
            _stage_badge(r["state_label"], r["colour"]),
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
        _scroll(
            rx.table.root(
                rx.table.header(_head_cells("Référent", "Candidatures", "À valider", "En attente")),
                rx.table.body(
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
                    )
                ),
                width="100%",
                size="1",
            ),
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
    return _section(
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
                rx.text(
                    "En attente : l'établissement, l'employeur ou l'élève doit encore répondre.",
                    font_size=SMALL,
                    color=MUTED,
                    margin_bottom="0.5rem",
                ),
            ),
            rx.cond(
                S.tab == "traitees",
                rx.text(
                    "Acceptée : l'élève a confirmé son stage. Fermée : la candidature n'a pas abouti "
                    "(refus, annulation, sans réponse, autre stage trouvé).",
                    font_size=SMALL,
                    color=MUTED,
                    margin_bottom="0.5rem",
                ),
            ),
            rx.cond(S.tab == "referents", _referents_summary()),
            rx.cond(
                S.apps_total == 0,
                rx.text(S.empty_text, id="apps-empty", color=MUTED),
                _scroll(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Candidature"),
                                rx.table.column_header_cell("Élève"),
                                rx.table.column_header_cell("Semaine"),
                                rx.cond(
                                    S.tab == "referents", rx.table.column_header_cell("Référent")
                                ),
                                rx.table.column_header_cell("Statut"),
                                rx.table.column_header_cell("Date de candidature"),
                            )
                        ),
                        rx.table.body(rx.foreach(S.rows, _app_row)),
                        width="100%",
                        size="2",
                        id="school-apps",
                    )
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
                    rx.text(
                        "Vous voyez les classes que le chef d'établissement vous a confiées.",
                        font_size=SMALL,
                        color=MUTED,
                        id="school-restricted",
                    ),
                ),
                _todo(),
                _section(
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
                    right=_export_button("/api/etablissement/export/etablissement"),
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
                "Mon profil",
                href="/espace/profil",
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
            _ep_badge(S.school["ep"]),
            gap="0.5rem",
            align="center",
            wrap="wrap",
            margin_top="-0.75rem",
        ),
        rx.cond(
            S.school["function"] != "",
            rx.text(S.school["function"], font_size=SMALL, color=MUTED),
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
        rx.cond(
            ~S.loaded,
            _loading(),
            rx.cond(
                S.denied != "",
                notice(S.denied, "error", id="school-denied"),
                rx.vstack(_school_header(S), _dashboard(), width="100%", spacing="4"),
            ),
        ),
        width="100%",
        id="school-dashboard",
    )


# --- class table --------------------------------------------------------------------------------


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
            _stage_badge(r["stage_label"], r["colour"], id="pupil-state-" + r["id"]),
            rx.cond(
                (r["applications"] != "0") & (r["stage"] != "confirme"),
                rx.text(r["state_label"], font_size="0.75rem", color=MUTED),
            ),
            min_width="10rem",
        ),
        rx.table.cell(
            rx.cond(
                r["offer_title"] != "",
                rx.box(
                    rx.text(r["offer_title"], font_weight="600", font_size=SMALL),
                    rx.text(r["employer_name"], font_size="0.8rem"),
                    rx.text(r["week_label"], font_size="0.8rem", color=MUTED),
                    rx.cond(
                        r["convention_signed"] == "1",
                        rx.text("Convention signée", font_size="0.75rem", color=theme.SUCCESS),
                    ),
                ),
                rx.text("—", color=MUTED),
            ),
            min_width="12rem",
        ),
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
                FILTER_LABELS[key],
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
                rx.el.label(
                    "Date de l'autorisation",
                    html_for="auth-date",
                    font_weight="600",
                    display="block",
                    margin_bottom="0.25rem",
                ),
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
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Enregistrer les autorisations de toute la classe ?"),
            rx.alert_dialog.description(
                "Tous les élèves de la classe ",
                S.cls.get("name", ""),
                " qui n'ont pas encore d'autorisation parentale en recevront une, datée du ",
                S.auth_date_label,
                ". Faites-le seulement après avoir recueilli tous les formulaires signés.",
                id="auth-all-text",
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Annuler",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.cancel_all,
                        id="auth-all-no",
                    )  # fmt: skip
                ),
                rx.alert_dialog.action(
                    rx.button("Enregistrer", on_click=S.record_all, id="auth-all-yes")
                ),
                gap="0.75rem",
                justify="end",
                margin_top="1rem",
            ),
        ),
        open=S.confirm_all,
        on_open_change=S.set_confirm_open,
    )


def _class_table() -> rx.Component:
    S = SchoolClassState
    return _scroll(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    _sort_header("Élève", "name"),
                    _sort_header("Autorisation parentale", "authorization"),
                    _sort_header("Candidatures", "applications"),
                    _sort_header("État le plus avancé", "state"),
                    rx.table.column_header_cell("Stage confirmé", white_space="nowrap"),
                    _sort_header("Dernière activité", "last_activity"),
                )
            ),
            rx.table.body(rx.foreach(S.rows, _pupil_row)),
            width="100%",
            size="2",
            id="class-table",
        )
    )


def _class_view() -> rx.Component:
    S = SchoolClassState
    return rx.vstack(
        rx.link("← Tableau de bord", href=SPACE_URL, font_size=SMALL),
        rx.vstack(
            page_title("Classe " + S.cls.get("name", "")),
            rx.text(
                S.school_name,
                " — année ",
                S.year_label,
                rx.cond(S.cls.get("level", "") != "", " — " + S.cls.get("level", ""), ""),
                color=MUTED,
                margin_top="-0.75rem",
            ),
            spacing="1",
        ),
        school_nav("tableau"),
        rx.cond(S.notice != "", notice(S.notice, "success", id="class-notice", width="100%")),
        rx.cond(S.error != "", notice(S.error, "error", id="class-error", width="100%")),
        _auth_tools(),
        _section(
            "Suivi des élèves",
            _filters(),
            rx.box(height="0.75rem"),
            rx.cond(
                S.rows.length() == 0,
                rx.text("Aucun élève ne correspond à ce filtre.", color=MUTED, id="class-empty"),
                _class_table(),
            ),
            right=_export_button(S.export_url),
        ),
        _confirm_all_dialog(),
        width="100%",
        align="start",
        spacing="4",
        id="class-view",
    )


@page(
    "/espace/etablissement/classe/[classe_id]",
    "Suivi d'une classe",
    on_load=SchoolClassState.load,
)
def school_class_page() -> rx.Component:
    S = SchoolClassState
    return rx.cond(
        ~S.loaded,
        _loading(),
        rx.cond(S.denied != "", _denied(S.denied), _class_view()),
    )


# --- printable authorization form ---------------------------------------------------------------

SHEET_CSS = """
.auth-sheet { max-width: 21cm; }
@media print {
  header, footer, .skip-link, .no-print { display: none !important; }
  html, body { background: white !important; }
  #contenu > div { max-width: none !important; padding: 0 !important; }
  .auth-sheet { border: none !important; padding: 0 !important; margin: 0 !important;
                max-width: none !important; color: black; font-size: 12pt;
                break-after: page; page-break-after: always; }
  .auth-sheet:last-child { break-after: auto; page-break-after: auto; }
}
@page { size: A4; margin: 2cm; }
"""


def _sheet(x) -> rx.Component:
    S = AuthorizationSheetState
    return rx.box(
        rx.text("MyStage — stage d'observation", font_size="0.8rem", color=MUTED),
        rx.text(S.school_name, font_weight="700", margin_top="0.25rem"),
        rx.heading(S.sheet_title, as_="h2", size="5", color="#161616", margin_y="1rem"),
        rx.text("Année scolaire ", S.year_label),
        rx.text(
            "Élève : ",
            rx.text.strong(x["name"]),
            " — classe : ",
            rx.text.strong(S.class_name),
            margin_bottom="1rem",
        ),
        rx.text(x["text"], margin_bottom="0.75rem", line_height="1.6"),
        rx.foreach(
            S.paragraphs,
            lambda p: rx.text(p, margin_bottom="1.25rem", line_height="1.6"),
        ),
        rx.box(height="5rem", border_bottom="1px solid #999", width="60%"),
        rx.text(
            "Formulaire à rendre signé au professeur principal. L'établissement enregistre "
            "ensuite l'autorisation sur MyStage : l'élève peut alors postuler.",
            font_size="0.8rem",
            color=MUTED,
            margin_top="2rem",
        ),
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        padding="2rem",
        margin_bottom="1.5rem",
        width="100%",
        background="white",
        class_name="auth-sheet",
        id="auth-sheet-" + x["id"],
    )


def _sheet_view() -> rx.Component:
    S = AuthorizationSheetState
    return rx.vstack(
        rx.el.style(SHEET_CSS),
        rx.vstack(
            rx.link(
                "← Retour à la classe",
                href=SPACE_URL + "/classe/" + S.class_id.to_string(),
                font_size=SMALL,
            ),
            page_title("Formulaire d'autorisation parentale — " + S.class_name),
            rx.text(
                "Un formulaire par élève, une page par formulaire. Distribuez-les, puis cochez "
                "dans le tableau de la classe les autorisations rendues signées.",
                font_size=SMALL,
            ),
            rx.flex(
                rx.hstack(
                    rx.switch(
                        checked=S.only_missing,
                        on_change=S.set_only_missing,
                        id="sheet-only-missing",
                    ),
                    rx.el.label(
                        "Seulement les élèves sans autorisation", html_for="sheet-only-missing"
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.spacer(),
                rx.button(
                    rx.icon("printer", size=16),
                    "Imprimer",
                    on_click=rx.run_script("window.print()"),
                    id="sheet-print",
                    background=theme.BLUE,
                    cursor="pointer",
                ),
                width="100%",
                wrap="wrap",
                gap="1rem",
                align="center",
            ),
            width="100%",
            class_name="no-print",
        ),
        rx.cond(
            S.shown.length() == 0,
            rx.text("Aucun élève à afficher.", class_name="no-print", color=MUTED),
            rx.box(rx.foreach(S.shown, _sheet), width="100%", id="auth-sheets"),
        ),
        width="100%",
        align="start",
        spacing="4",
    )


@page(
    "/espace/etablissement/classe/[classe_id]/autorisation",
    "Formulaire d'autorisation parentale",
    on_load=AuthorizationSheetState.load,
)
def authorization_sheet_page() -> rx.Component:
    S = AuthorizationSheetState
    return rx.cond(
        ~S.loaded,
        _loading(),
        rx.cond(S.denied != "", _denied(S.denied), _sheet_view()),
    )


# --- a pupil's applications ---------------------------------------------------------------------


def _labelled(label: str, value) -> rx.Component:
    return rx.cond(
        value != "",
        rx.box(
            rx.text(label, font_weight="600", font_size=SMALL),
            rx.text(value, white_space="pre-wrap", overflow_wrap="anywhere", font_size=SMALL),
            margin_top="0.5rem",
        ),
    )


def _pupil_app(a) -> rx.Component:
    S = SchoolPupilState
    href = SPACE_URL + "/candidatures/" + a["id"]
    return rx.box(
        rx.flex(
            rx.box(
                rx.link(
                    a["offer_title"], href=href, font_weight="700", id="pupil-app-link-" + a["id"]
                ),
                rx.text(a["employer_name"], " — ", a["city"], font_size=SMALL, color=MUTED),
                min_width="0",
            ),
            rx.spacer(),
            _stage_badge(a["state_label"], a["colour"], id="pupil-app-state-" + a["id"]),
            width="100%",
            wrap="wrap",
            gap="0.5rem",
            align="start",
        ),
        rx.text(a["week_label"], font_size=SMALL, margin_top="0.5rem", font_weight="600"),
        rx.text(
            "Envoyée le ",
            a["submitted_on"],
            " — mise à jour le ",
            a["updated_on"],
            font_size="0.8rem",
            color=MUTED,
        ),  # fmt: skip
        rx.cond(
            a["referent_email"] != "",
            rx.text("Référent : ", a["referent_email"], font_size="0.8rem", color=MUTED),
        ),
        _labelled("Message de l'établissement", a["school_message"]),
        _labelled("Message de l'employeur", a["employer_message"]),
        rx.flex(
            rx.foreach(
                S.actions,
                lambda x: rx.cond(
                    x["app_id"] == a["id"],
                    rx.button(
                        x["label"],
                        on_click=S.open_dialog(a["id"], x["action"]),
                        id="pupil-action-" + a["id"] + "-" + x["action"],
                        color_scheme=rx.cond(x["action"] == "school_refuse", "red", "indigo"),
                        variant=rx.cond(x["action"] == "school_refuse", "soft", "solid"),
                        cursor="pointer",
                    ),
                ),
            ),
            rx.link("Voir la candidature →", href=href, font_size=SMALL),
            gap="0.75rem",
            wrap="wrap",
            align="center",
            margin_top="0.75rem",
        ),
        border=f"1px solid {theme.GREY_BORDER}",
        border_left=rx.match(
            a["colour"],
            *[(c, f"4px solid var(--{c}-9)") for c in COLOURS],
            "4px solid var(--gray-8)",
        ),
        border_radius="8px",
        padding="1rem 1.25rem",
        width="100%",
        background="white",
        id="pupil-app-" + a["id"],
        class_name="pupil-app",
    )


def _pupil_view() -> rx.Component:
    S = SchoolPupilState
    p = S.pupil
    return rx.vstack(
        rx.link(
            rx.cond(p["class_name"] != "", "← Classe " + p["class_name"], "← Tableau de bord"),
            href=S.class_url,
            font_size=SMALL,
        ),
        rx.vstack(
            page_title(p["name"]),
            rx.text(
                rx.cond(p["class_name"] != "", "Classe " + p["class_name"], "Sans classe"),
                rx.cond(p["level"] != "", " — " + p["level"], ""),
                color=MUTED,
                margin_top="-0.75rem",
            ),
            rx.cond(
                p["authorized"] == "1",
                rx.text(
                    "✓ Autorisation parentale enregistrée le ",
                    p["authorized_on"],
                    color=theme.SUCCESS,
                    font_size=SMALL,
                    id="pupil-authorized",
                ),  # fmt: skip
                rx.text(
                    "Autorisation parentale à recueillir : l'élève ne peut pas encore postuler.",
                    color="#b34000",
                    font_size=SMALL,
                    id="pupil-authorized",
                ),
            ),
            spacing="1",
        ),
        school_nav("tableau"),
        rx.cond(S.notice != "", notice(S.notice, "success", id="app-notice", width="100%")),
        rx.cond(S.error != "", notice(S.error, "error", id="app-error", width="100%")),
        _section(
            "Candidatures (" + S.apps.length().to_string() + ")",
            rx.cond(
                S.apps.length() == 0,
                rx.text("Cet élève n'a encore envoyé aucune candidature.", color=MUTED),
                rx.vstack(rx.foreach(S.apps, _pupil_app), width="100%", spacing="3"),
            ),
        ),
        decision_dialog(S),
        width="100%",
        align="start",
        spacing="4",
        id="pupil-view",
    )


@page(
    "/espace/etablissement/eleve/[eleve_id]",
    "Candidatures d'un élève",
    on_load=SchoolPupilState.load,
)
def school_pupil_page() -> rx.Component:
    S = SchoolPupilState
    return rx.cond(
        ~S.loaded,
        _loading(),
        rx.cond(S.denied != "", _denied(S.denied), _pupil_view()),
    )
