"""The printable parents' authorization form of a class: one A4 page per pupil."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.controls import print_button
from mystage.components.forms import page_title
from mystage.components.layout import page
from mystage.pages.schools.parts import MUTED, SMALL, h2, loaded_view, muted
from mystage.state.schools import SPACE_URL, AuthorizationSheetState

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
        muted("MyStage — stage d'observation", size="0.8rem"),
        rx.text(S.school_name, font_weight="700", margin_top="0.25rem"),
        h2(S.sheet_title),
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
        muted(
            "Formulaire à rendre signé au professeur principal. L'établissement enregistre "
            "ensuite l'autorisation sur MyStage : l'élève peut alors postuler.",
            size="0.8rem",
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
                print_button("Imprimer", "sheet-print"),
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
    return loaded_view(S, _sheet_view())
