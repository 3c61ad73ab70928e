"""``/espace/eleve/cv``: « Mon CV »."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.file_upload import one_file_upload
from mystage.components.forms import card, notice, primary_button, textarea_field
from mystage.components.layout import page
from mystage.pages.pupils.common import HINT, form_errors, pupil_page
from mystage.services.pupils import CV_SECTION_MAX
from mystage.state.pupils import CV_URL, CVState

# --- « Mon CV » -------------------------------------------------------------------------------

CV_HINTS = {
    "schooling": (
        "Scolarité",
        "Ta classe, ton établissement, les matières que tu préfères.",
    ),
    "interests": (
        "Centres d'intérêt",
        "Sports, loisirs, activités, associations, ce qui te passionne.",
    ),
    "languages": ("Langues", "Les langues que tu parles ou apprends, et ton niveau."),
    "qualities": (
        "Qualités",
        "Ce que tes professeurs ou tes proches disent de toi : curieux, soigneuse, ponctuel…",
    ),
}


def _cv_form() -> rx.Component:
    S = CVState
    return rx.form(
        *[
            textarea_field(
                label,
                key,
                S.errors.get(key, ""),
                S.values[key],
                CV_SECTION_MAX,
                input_id=f"cv-{key}",
                hint=hint,
                rows=4,
            )
            for key, (label, hint) in CV_HINTS.items()
        ],
        rx.cond(S.saved, notice("Ton CV est enregistré.", "success", id="cv-saved")),
        *form_errors(S.errors, "cv", "Corrige les rubriques signalées en rouge."),
        primary_button("Enregistrer mon CV", type="submit", id="cv-submit"),
        on_submit=S.save,
        reset_on_submit=False,
        key=S.form_key,
        width="100%",
    )


def _cv_pdf() -> rx.Component:
    S = CVState
    return rx.vstack(
        rx.heading("Ton CV en PDF (facultatif)", as_="h2", size="5"),
        rx.text(
            "Si tu as déjà un CV au format PDF (2 Mo au maximum), ajoute-le : il sera joint à "
            "tes candidatures avec les rubriques ci-dessus. Seuls les employeurs et ton "
            "établissement concernés par une candidature peuvent le lire.",
            **HINT,
        ),
        rx.cond(
            S.has_pdf,
            rx.flex(
                rx.link(
                    rx.hstack(rx.icon("file-text", size=18), rx.text("Voir mon PDF"), spacing="2"),
                    href="/api/cv",
                    is_external=True,
                    id="cv-pdf-link",
                ),
                rx.button(
                    "Supprimer le PDF",
                    variant="outline",
                    color_scheme="red",
                    cursor="pointer",
                    on_click=S.delete_pdf,
                    id="cv-pdf-delete",
                ),
                gap="1rem",
                align="center",
                wrap="wrap",
            ),
            rx.text("Aucun PDF pour l'instant.", id="cv-no-pdf"),
        ),
        one_file_upload(
            "Fichier PDF de ton CV",
            "cv-pdf",
            {"application/pdf": [".pdf"]},
            rx.vstack(
                rx.button(
                    rx.cond(S.has_pdf, "Remplacer par un autre PDF", "Choisir un fichier PDF"),
                    type="button",
                    variant="soft",
                    cursor="pointer",
                ),
                rx.foreach(rx.selected_files("cv-pdf"), lambda f: rx.text(f, font_size="0.9rem")),
                align="center",
                spacing="2",
            ),
        ),
        rx.button(
            "Enregistrer le PDF",
            size="3",
            cursor="pointer",
            background=theme.BLUE,
            color="white",
            on_click=S.upload_pdf(rx.upload_files(upload_id="cv-pdf")),
            id="cv-pdf-submit",
        ),
        rx.cond(S.pdf_notice != "", notice(S.pdf_notice, "success", id="cv-pdf-ok")),
        rx.cond(S.pdf_error != "", notice(S.pdf_error, "error", id="cv-pdf-error")),
        spacing="3",
        width="100%",
        align="start",
    )


@page("/espace/eleve/cv", "Mon CV", on_load=CVState.load)
def cv_page() -> rx.Component:
    S = CVState
    return pupil_page(
        "Mon CV",
        CV_URL,
        S,
        rx.text(
            "Ton CV est joint à chaque candidature que tu envoies. Tu peux le "
            "préparer en classe avec ton professeur principal.",
        ),
        rx.cond(S.updated != "", rx.text("Dernière mise à jour : ", S.updated, **HINT)),
        card(_cv_form(), max_width="44rem"),
        card(_cv_pdf(), max_width="44rem"),
    )
