"""« Administration »: structures and accounts awaiting validation (administrators only)."""

from __future__ import annotations

import reflex as rx

from mystage.components.admin_nav import admin_nav
from mystage.components.forms import notice, page_title
from mystage.components.layout import page
from mystage.state.accounts import AdminState


def _decision_buttons(decide, item_id, accept=None, refuse=None) -> tuple:
    """« Valider » and « Refuser » one item awaiting validation (``accept`` / ``refuse``:
    more props of each button)."""
    return (
        rx.button("Valider", size="1", on_click=decide(item_id, True), **(accept or {})),
        rx.button(
            "Refuser",
            size="1",
            color_scheme="red",
            variant="soft",
            on_click=decide(item_id, False),
            **(refuse or {}),
        ),
    )


def _pending_row(u) -> rx.Component:
    return rx.table.row(
        rx.table.cell(u["name"]),
        rx.table.cell(u["email"]),
        rx.table.cell(u["role"]),
        rx.table.cell(u["territory"]),
        rx.table.cell(u["job_title"]),
        rx.table.cell(u["created_at"]),
        rx.table.cell(
            rx.hstack(
                *_decision_buttons(
                    AdminState.decide,
                    u["id"],
                    accept={"class_name": "pending-validate", "cursor": "pointer"},
                    refuse={"class_name": "pending-refuse", "cursor": "pointer"},
                )
            )
        ),
        class_name="pending-account",
    )


def _qpv_row(r) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(r["name"]),
        rx.table.cell(r["commune"], " (", r["department_code"], ")"),
        rx.table.cell(r["uai"]),
        rx.table.cell(r["head"]),
        rx.table.cell(r["declared_at"]),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Confirmer",
                    size="1",
                    on_click=AdminState.decide_qpv(r["id"], True),
                    class_name="qpv-confirm",
                    cursor="pointer",
                    aria_label="Confirmer le statut QPV : " + r["name"].to(str),
                ),
                rx.button(
                    "Refuser",
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=AdminState.decide_qpv(r["id"], False),
                    class_name="qpv-refuse",
                    cursor="pointer",
                    aria_label="Refuser la déclaration QPV : " + r["name"].to(str),
                ),
            )
        ),
        class_name="pending-qpv",
    )


def _qpv_section() -> rx.Component:
    """Lycées declared « en QPV ou à moins de 300 m d'un QPV » by their head."""
    return rx.fragment(
        rx.heading("Lycées : déclarations QPV à confirmer", as_="h2", size="5", margin_top="1rem"),
        rx.text(
            "Le chef d'établissement déclare son lycée en quartier prioritaire de la "
            "politique de la ville ou à moins de 300 m d'un QPV. Vérifiez-le (par exemple sur "
            "sig.ville.gouv.fr) avant de confirmer : ses élèves auront alors accès aux offres "
            "réservées aux établissements en QPV. Le chef d'établissement est prévenu par "
            "courriel.",
            font_size="0.9rem",
        ),
        rx.cond(
            AdminState.qpv.length() == 0,
            rx.text("Aucune déclaration en attente.", id="qpv-none"),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in (
                                    "Lycée",
                                    "Commune",
                                    "UAI",
                                    "Chef d'établissement",
                                    "Déclaré le",
                                    "Décision",
                                )
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(AdminState.qpv, _qpv_row)),
                    width="100%",
                ),
                id="pending-qpv",
                overflow_x="auto",
                width="100%",
            ),
        ),
    )


@page("/espace/admin", "Administration", on_load=AdminState.load)
def admin_page() -> rx.Component:
    return rx.vstack(
        page_title("Administration : comptes à valider"),
        admin_nav("accueil"),
        rx.cond(
            AdminState.allowed,
            rx.vstack(
                rx.cond(
                    AdminState.message != "", notice(AdminState.message, "info", id="admin-message")
                ),
                rx.hstack(
                    rx.switch(
                        checked=AdminState.validation_required,
                        on_change=AdminState.set_validation_required,
                        id="validation-switch",
                        aria_labelledby="validation-switch-label",
                    ),
                    rx.text(
                        "Valider les nouvelles structures d'accueil avant publication",
                        id="validation-switch-label",
                    ),
                    align="center",
                ),
                rx.heading("Structures à valider", as_="h2", size="5", margin_top="1rem"),
                rx.cond(
                    AdminState.structures.length() == 0,
                    rx.text("Aucune structure en attente."),
                    rx.foreach(
                        AdminState.structures,
                        lambda st: rx.hstack(
                            rx.text(st["name"], font_weight="600"),
                            rx.text(
                                st["siret"],
                                " — ",
                                st["city"],
                                " — ",
                                st["owner"],
                                font_size="0.85rem",
                            ),
                            rx.spacer(),
                            *_decision_buttons(AdminState.decide_structure, st["id"].to(int)),
                            width="100%",
                            wrap="wrap",
                            class_name="pending-structure",
                        ),
                    ),
                ),
                _qpv_section(),
                rx.heading("Comptes à valider", as_="h2", size="5", margin_top="1rem"),
                rx.text(
                    "Référents départementaux, académiques et centraux (accès aux statistiques "
                    "et aux exports de leur territoire), chefs d'établissement inscrits avec "
                    "une adresse académique : vérifiez la fonction avant de valider. La "
                    "personne est prévenue par courriel.",
                    font_size="0.9rem",
                ),
                rx.cond(
                    AdminState.pending.length() == 0,
                    rx.text("Aucun compte en attente de validation."),
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(h)
                                    for h in (
                                        "Nom",
                                        "Identifiant",
                                        "Profil",
                                        "Territoire ou établissement",
                                        "Fonction",
                                        "Demande",
                                        "",
                                    )
                                ]
                            )
                        ),
                        rx.table.body(rx.foreach(AdminState.pending, _pending_row)),
                        width="100%",
                        id="pending-accounts",
                    ),
                ),
                width="100%",
            ),
            notice("Page réservée aux administrateurs.", "error"),
        ),
        width="100%",
        align="start",
    )
