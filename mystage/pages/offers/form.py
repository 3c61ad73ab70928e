"""« Déposer une offre »: the steps bar and the form page (one step at a time)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.browser import scroll_into_view
from mystage.components.forms import card, notice, page_title
from mystage.components.layout import page
from mystage.pages.offers.form_steps import step1, step2, step3, step4
from mystage.state.offers import STEP_TITLES, OfferFormState


def _stepper() -> rx.Component:
    S = OfferFormState
    return rx.flex(
        *[
            rx.cond(
                S.draft_step >= i,
                rx.link(
                    rx.box(
                        rx.text(f"{i}. {title}", font_weight=rx.cond(S.step == i, "700", "400")),
                        border_bottom=rx.cond(
                            S.step == i, f"4px solid {theme.BLUE}", f"4px solid {theme.BLUE_LIGHT}"
                        ),
                        padding_bottom="0.25rem",
                    ),
                    href=f"/espace/employeur/offre?id={S.offer_id}&etape={i}",
                    color="#161616",
                    underline="none",
                    flex="1",
                ),
                rx.box(
                    rx.text(f"{i}. {title}", color="#888"),
                    border_bottom=f"4px solid {theme.GREY_BORDER}",
                    padding_bottom="0.25rem",
                    flex="1",
                ),
            )
            for i, title in enumerate(STEP_TITLES, start=1)
        ],
        gap="0.5rem",
        width="100%",
        margin_bottom="1rem",
        font_size=["0.8rem", "1rem"],
    )


@page("/espace/employeur/offre", "Déposer une offre", on_load=OfferFormState.load)
def offer_form_page() -> rx.Component:
    S = OfferFormState
    return rx.box(
        scroll_into_view(S.scroll_to_id),
        rx.cond(
            S.denied != "",
            rx.fragment(
                page_title("Déposer une offre"), notice(S.denied, "error", id="offer-denied")
            ),
            rx.cond(
                S.loaded,
                rx.box(
                    page_title(S.heading, id="offer-form-title"),
                    rx.text(
                        "Offre n° ",
                        S.offer_id,
                        " — chaque étape est enregistrée comme brouillon.",
                        color="#666",
                        margin_bottom="0.5rem",
                    ),
                    rx.cond(
                        S.moderation_note != "",
                        notice(
                            "L'équipe MyStage n'a pas publié cette offre. "
                            + S.moderation_note
                            + " Corrigez-la puis cliquez sur « Publier » depuis l'aperçu.",
                            "error",
                            id="offer-moderation-note",
                        ),
                    ),
                    _stepper(),
                    card(
                        rx.heading(
                            S.step, ". ", S.step_title, as_="h2", size="5", margin_bottom="1rem"
                        ),
                        rx.box(id="form-errors"),
                        rx.cond(
                            S.errors.length() > 0,
                            notice(
                                "Certaines informations sont à corriger : voir les messages "
                                "sous les champs.",
                                "error",
                                id="step-has-errors",
                            ),
                        ),
                        rx.form(
                            rx.match(S.step, (1, step1()), (2, step2()), (3, step3()), step4()),
                            rx.flex(
                                rx.cond(
                                    S.step > 1,
                                    rx.link(
                                        rx.button(
                                            "Précédent", variant="outline", size="3", type="button"
                                        ),
                                        href=f"/espace/employeur/offre?id={S.offer_id}"
                                        f"&etape={S.step - 1}",
                                    ),
                                ),
                                rx.spacer(),
                                rx.button(
                                    rx.cond(
                                        S.step == 4,
                                        "Enregistrer et prévisualiser",
                                        rx.cond(
                                            (S.step == 3) & (S.window_warning != ""),
                                            "Enregistrer et continuer quand même",
                                            "Enregistrer et continuer",
                                        ),
                                    ),
                                    type="submit",
                                    size="3",
                                    background=theme.BLUE,
                                    id="step-submit",
                                    cursor="pointer",
                                    white_space="normal",
                                    height="auto",
                                    min_height="2.5rem",
                                ),
                                width="100%",
                                gap="1rem",
                                margin_top="1rem",
                                wrap="wrap",
                            ),
                            on_submit=S.submit,
                            reset_on_submit=False,
                            key=S.form_key,
                            id="offer-form",
                        ),
                    ),
                    max_width="48rem",
                    margin_x="auto",
                ),
                rx.text("Chargement…"),
            ),
        ),
        width="100%",
    )
