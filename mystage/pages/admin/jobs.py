"""« Tâches » (/espace/admin/taches): each scheduled job, its last runs (start, duration,
rows, error) and « Lancer maintenant ».  Admins only."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.admin_nav import admin_nav
from mystage.components.dialogs import confirm_dialog
from mystage.components.forms import page_title
from mystage.components.layout import page
from mystage.pages.admin.ops_parts import admin_only, cell, header_row, messages, table
from mystage.state.admin.ops import JobsState as S


def _run(r) -> rx.Component:
    return rx.el.tr(
        cell(r["started_at"]),
        cell(r["duration"]),
        cell(r["count"]),
        cell(
            rx.text.span(
                r["status_label"], color=rx.cond(r["status"] == "error", theme.ERROR, "inherit")
            )
        ),
        cell(r["trigger"]),
        cell(r["error"], max_width="24rem", word_break="break-word"),
        border_top=f"1px solid {theme.GREY_BORDER}",
    )


def _job(j) -> rx.Component:
    runs = S.runs[j["name"]]
    return rx.box(
        rx.hstack(
            rx.vstack(
                rx.heading(j["label"], as_="h2", size="3"),
                rx.text(
                    rx.code(j["name"]),
                    " — ",
                    j["every"],
                    " — dernier état : ",
                    rx.text.span(
                        j["last_status_label"],
                        font_weight="600",
                        color=rx.cond(j["last_status"] == "error", theme.ERROR, "inherit"),
                        class_name="job-status",
                    ),
                    rx.cond(
                        j["last_started_at"] != "", rx.text.span(" (", j["last_started_at"], ")")
                    ),
                    font_size="0.85rem",
                ),  # fmt: skip
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            rx.button(
                rx.cond(S.starting.contains(j["name"]), "En cours…", "Lancer maintenant"),
                size="2",
                disabled=S.starting.contains(j["name"]) | (j["running"] == "1"),
                on_click=S.ask_run(j["name"]),
                id="run-" + j["name"],
                aria_label="Lancer maintenant : " + j["label"],
                cursor="pointer",
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.el.details(
            rx.el.summary(
                "Dernières exécutions (", runs.length(), ")", cursor="pointer", color=theme.BLUE
            ),
            rx.cond(
                runs.length() == 0,
                rx.text(
                    "Jamais lancée depuis la mise en service de l'historique.", font_size="0.85rem"
                ),
                table(
                    header_row("Début", "Durée", "Lignes", "État", "Lancement", "Erreur"),
                    rx.el.tbody(rx.foreach(runs, _run)),
                    label="Dernières exécutions : " + j["label"],
                ),
            ),
            margin_top="0.5rem",
        ),
        id="job-" + j["name"],
        class_name="job",
        width="100%",
        padding="0.75rem 1rem",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="6px",
    )


def _dialog() -> rx.Component:
    return confirm_dialog(
        "Lancer cette tâche maintenant ?",
        rx.text(
            "La tâche « ",
            S.confirm_name,
            " » s'exécute tout de suite, en plus de son passage planifié. Si une autre "
            "exécution est en cours, elle attend jusqu'à une minute.",
        ),
        description_id="run-desc",
        cancel=rx.button("Annuler", variant="soft", color_scheme="gray", on_click=S.cancel_run),
        confirm=rx.button(
            "Lancer", on_click=S.run_now(S.confirm_name), id="run-confirm", cursor="pointer"
        ),
        open=S.confirm_name != "",
    )


@page("/espace/admin/taches", "Tâches planifiées", on_load=S.load)
def jobs_page() -> rx.Component:
    return rx.vstack(
        page_title("Tâches planifiées"),
        admin_nav("taches"),
        admin_only(
            S,
            messages(S),
            rx.hstack(
                rx.text(
                    "Les tâches tournent en arrière-plan (envoi des messages, relances, "
                    "expirations, exports). Les 50 dernières exécutions de chacune sont "
                    "conservées.",
                    font_size="0.9rem",
                ),
                rx.button(
                    "Actualiser", variant="soft", size="1", on_click=S.refresh, id="jobs-refresh"
                ),
                align="center",
                wrap="wrap",
            ),
            rx.foreach(S.jobs, _job),
            _dialog(),
        ),
        width="100%",
        align="start",
    )
