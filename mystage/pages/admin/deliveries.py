"""« Courriels et SMS » (/espace/admin/envois): the outbox by state, search by recipient,
failure reasons, « Renvoyer » for a failed message, deliveries per hour.  Admins only."""

from __future__ import annotations

import reflex as rx

from mystage.components import charts, theme
from mystage.components.admin_nav import admin_nav
from mystage.components.dialogs import confirm_dialog
from mystage.components.forms import page_title
from mystage.components.layout import page
from mystage.pages.admin.ops_parts import admin_only, cell, header_row, messages, pager, table
from mystage.state.admin.ops import DeliveriesState as S

TABS = [
    ("", "Tous"),
    ("pending", "En attente"),
    ("sending", "En cours d'envoi"),
    ("sent", "Envoyés"),
    ("failed", "Échecs"),
]


def _tab(status: str, label: str) -> rx.Component:
    count = rx.text.span(" (", S.counts.get(status, "0"), ")") if status else rx.fragment()
    return rx.button(
        label,
        count,
        size="2",
        variant=rx.cond(S.status == status, "solid", "soft"),
        on_click=S.show_status(status),
        aria_pressed=rx.cond(S.status == status, "true", "false"),
        id=f"outbox-tab-{status or 'all'}",
        cursor="pointer",
    )


def _search() -> rx.Component:
    return rx.el.form(
        rx.el.input(type="hidden", name="status", value=S.status),
        rx.hstack(
            rx.box(
                rx.el.label("Destinataire (adresse e-mail ou téléphone)", html_for="outbox-q"),
                rx.input(
                    id="outbox-q",
                    name="recipient",
                    default_value=S.recipient,
                    placeholder="ex. : jean.dupont@exemple.fr, 06 12 34 56 78",
                    width="22rem",
                ),
            ),
            rx.button("Rechercher", type="submit", id="outbox-search", cursor="pointer"),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        on_submit=S.filter,
        width="100%",
    )


def _row(r) -> rx.Component:
    return rx.el.tr(
        cell(r["id"]),
        cell(r["channel"]),
        cell(r["recipient"]),
        cell(r["subject"]),
        cell(
            rx.text.span(
                r["status_label"],
                color=rx.cond(r["status"] == "failed", theme.ERROR, "inherit"),
                font_weight=rx.cond(r["status"] == "failed", "700", "400"),
            )
        ),
        cell(r["attempts"]),
        cell(r["created_at"]),
        cell(rx.cond(r["sent_at"] != "", r["sent_at"], r["next_attempt_at"])),
        cell(r["error"], max_width="18rem", word_break="break-word"),
        cell(
            rx.cond(
                r["can_resend"],
                rx.button(
                    "Renvoyer",
                    size="1",
                    on_click=S.ask_resend(r["id"]),
                    id="resend-" + r["id"].to(str),
                    class_name="outbox-resend",
                    aria_label="Renvoyer le message n° " + r["id"].to(str),
                    cursor="pointer",
                ),
            )
        ),
        border_top=f"1px solid {theme.GREY_BORDER}",
        class_name="outbox-row",
        data_status=r["status"],
    )


def _dialog() -> rx.Component:
    return confirm_dialog(
        "Renvoyer ce message ?",
        rx.text(
            "Le message n° ",
            S.confirm_id,
            " à ",
            S.confirm_recipient,
            " est remis en file d'envoi : il partira au prochain passage de l'envoi "
            "(quelques secondes). Ses tentatives repartent de zéro.",
        ),
        description_id="resend-desc",
        cancel=rx.button("Annuler", variant="soft", color_scheme="gray", on_click=S.cancel_resend),
        confirm=rx.button(
            "Renvoyer", on_click=S.resend(S.confirm_id), id="resend-confirm", cursor="pointer"
        ),
        open=S.confirm_id != 0,
    )


@page("/espace/admin/envois", "Courriels et SMS", on_load=S.load)
def deliveries_page() -> rx.Component:
    return rx.vstack(
        page_title("Courriels et SMS envoyés par la plateforme"),
        admin_nav("envois"),
        admin_only(
            S,
            messages(S),
            rx.text(
                "Chaque message passe par la file d'envoi : « En attente » puis « Envoyé ». "
                "Après plusieurs échecs (serveur de messagerie injoignable, adresse refusée), "
                "il passe en « Échec » avec la raison donnée par le serveur. Une fois le "
                "problème réglé, « Renvoyer » le remet en file.",
                font_size="0.9rem",
            ),
            rx.hstack(*[_tab(k, lbl) for k, lbl in TABS], wrap="wrap", spacing="2"),
            _search(),
            rx.cond(
                S.rows.length() == 0,
                rx.text("Aucun message pour ces critères.", id="outbox-none"),
                table(
                    header_row(
                        "N°",
                        "Canal",
                        "Destinataire",
                        "Objet",
                        "État",
                        "Tentatives",
                        "Créé le",
                        "Envoyé le / prochain essai",
                        "Raison de l'échec",
                        "Action",
                    ),
                    rx.el.tbody(rx.foreach(S.rows, _row)),
                    label="Messages",
                    id="outbox-table",
                ),
            ),
            pager(S, "outbox"),
            rx.heading("Activité des envois", as_="h2", size="5", margin_top="1rem"),
            rx.box(
                charts.bar_chart(
                    "deliveries",
                    "Envois par heure, trois derniers jours (heure de Paris)",
                    S.hourly,
                    "hour",
                    [("sent", "Envoyés", charts.GREEN), ("failed", "Échecs", charts.RED)],
                    height=260,
                ),
                width="100%",
                margin_top="1rem",
            ),
            _dialog(),
        ),
        width="100%",
        align="start",
    )
