"""The employer's pages of one application: decisions, « Impression PDF » (seed 000), and
``/espace/employeur/candidatures`` (a redirect to the dashboard's « à traiter » tab)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.controls import print_button
from mystage.components.forms import page_title
from mystage.components.layout import page
from mystage.pages.applications.blocks import (
    CONTACT_HIDDEN,
    SMALL,
    contact_block,
    cv_block,
    cv_section,
    history_block,
    motivation_block,
    pre,
    pupil_block,
    week_block,
)
from mystage.pages.applications.detail import back_link, detail, guarded, title_block
from mystage.state.applications import ApplicationsRedirectState, EmployerApplicationState

DASHBOARD_URL = "/espace/employeur?onglet=a_traiter"

# Printing: only the application (no header, menu, footer or buttons), black on white.
PRINT_CSS = """
@media print {
  header, footer, .skip-link, .no-print { display: none !important; }
  html, body { background: white !important; }
  #contenu > div { max-width: none !important; padding: 0 !important; }
  .print-block { break-inside: avoid; page-break-inside: avoid; }
  #app-print-view { font-size: 11pt; color: black; }
  a { color: black !important; text-decoration: none !important; }
}
@page { margin: 1.5cm; }
"""


def _employer_detail() -> rx.Component:
    S = EmployerApplicationState
    v = S.view
    return detail(
        S,
        back_link("← Candidatures à traiter", DASHBOARD_URL),
        rx.flex(
            title_block(v),
            rx.spacer(),
            rx.link(
                rx.button(rx.icon("printer", size=16), "Impression PDF", variant="outline"),
                href="/espace/employeur/candidatures/" + v["id"] + "/impression",
                id="app-print-link",
            ),
            width="100%",
            wrap="wrap",
            gap="1rem",
            align="start",
        ),
        week_block(v),
        pupil_block(v),
        motivation_block(v),
        contact_block(S),
        cv_block(S),
        history_block(S),
    )


@page(
    "/espace/employeur/candidatures/[cand_id]",
    "Candidature",
    on_load=EmployerApplicationState.load,
)
def employer_application_page() -> rx.Component:
    return guarded(EmployerApplicationState, _employer_detail())


def _print_row(label: str, *children) -> rx.Component:
    return rx.box(
        rx.text(label.upper(), font_weight="700", font_size="0.8rem", color=theme.BLUE),
        *children,
        padding_y="0.6rem",
        border_bottom=f"1px solid {theme.GREY_BORDER}",
        width="100%",
        class_name="print-block",
    )


def _print_view() -> rx.Component:
    S = EmployerApplicationState
    v = S.view
    return rx.vstack(
        rx.el.style(PRINT_CSS),
        rx.flex(
            rx.link(
                "← Retour à la candidature",
                href="/espace/employeur/candidatures/" + v["id"],
                font_size=SMALL,
            ),
            rx.spacer(),
            print_button("Imprimer / enregistrer en PDF", "app-print"),
            width="100%",
            wrap="wrap",
            gap="1rem",
            align="center",
            class_name="no-print",
        ),
        rx.box(
            rx.text("MyStage — stage d'observation", font_size="0.8rem", color="#666"),
            rx.heading(
                "Candidature d'un(e) élève intéressé(e) par votre offre",
                as_="h1",
                size="6",
                color="#161616",
            ),
            rx.text(
                "Candidature n° ", v["id"], " — état : ", v["state_label"], id="app-print-state"
            ),
            width="100%",
        ),
        _print_row("Semaine demandée", rx.text(v["week_label"], font_weight="600")),
        _print_row(
            "Coordonnées de l'élève",
            rx.text(v["pupil_first_name"], " ", v["pupil_last_name"], font_weight="600"),
            rx.text(
                v["level_label"],
                rx.cond(v["class_name"] != "", rx.text.span(" — classe ", v["class_name"])),
            ),
            rx.cond(
                v["contact_visible"] == "1",
                rx.box(
                    rx.cond(v["contact_email"] != "", rx.text("E-mail : ", v["contact_email"])),
                    rx.cond(v["contact_phone"] != "", rx.text("Téléphone : ", v["contact_phone"])),
                ),
                rx.text(CONTACT_HIDDEN, font_size=SMALL, color="#666"),
            ),
        ),
        _print_row("Motivations", pre(v["motivation"])),
        rx.cond(
            S.cv.length() > 0,
            _print_row("CV", rx.foreach(S.cv, lambda c: cv_section(c, "0.4rem"))),
        ),
        _print_row(
            "Établissement",
            rx.text(
                v["school_name"],
                rx.cond(v["school_city"] != "", rx.text.span(" — ", v["school_city"])),
                rx.cond(
                    v["rep"] != "",
                    rx.text.span(" — ", rx.text.span(v["rep"], font_weight="700")),
                ),
                rx.cond(v["qpv"] == "1", rx.text.span(" — QPV")),
            ),
        ),
        _print_row(
            "L'employeur",
            rx.text(v["employer_name"], font_weight="600"),
            rx.text("Offre n° ", v["offer_id"], " : ", v["offer_title"]),
        ),
        rx.cond(
            v["offer_place"] != "", _print_row("Localisation du stage", rx.text(v["offer_place"]))
        ),
        rx.text(
            "Imprimé depuis MyStage. Candidature envoyée le ",
            v["applied_on"],
            ".",
            font_size="0.75rem",
            color="#666",
        ),
        width="100%",
        align="start",
        spacing="2",
        id="app-print-view",
    )


@page(
    "/espace/employeur/candidatures/[cand_id]/impression",
    "Impression de la candidature",
    on_load=EmployerApplicationState.load_print,
)
def employer_application_print_page() -> rx.Component:
    return guarded(EmployerApplicationState, _print_view())


@page(
    "/espace/employeur/candidatures",
    "Candidatures",
    on_load=ApplicationsRedirectState.to_dashboard,
)
def employer_applications_redirect_page() -> rx.Component:
    return rx.box(
        page_title("Candidatures"),
        rx.link("Voir les candidatures à traiter", href=DASHBOARD_URL),
    )
