"""The preview of an offer by its editor, with « Publier »."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.controls import state_badge
from mystage.components.forms import card, notice, page_title
from mystage.components.layout import page
from mystage.components.offer import offer_detail
from mystage.pages.offers.dashboard import STATE_COLORS
from mystage.state.offers import OfferPreviewState


@page("/espace/employeur/offre/apercu", "Aperçu de l'offre", on_load=OfferPreviewState.load)
def offer_preview_page() -> rx.Component:
    S = OfferPreviewState
    return rx.cond(
        S.denied != "",
        rx.fragment(page_title("Aperçu de l'offre"), notice(S.denied, "error", id="offer-denied")),
        rx.vstack(
            notice("Aperçu : voici l'offre telle qu'un élève la verra.", "info"),
            rx.cond(S.error != "", notice(S.error, "error", id="publish-error")),
            rx.flex(
                rx.text("État de l'offre :", font_weight="600"),
                state_badge(
                    rx.cond(S.view["badge"] != "", S.view["badge"], S.view["state"]),
                    S.view["state_label"],
                    STATE_COLORS,
                    id="offer-state",
                ),
                rx.cond(
                    S.view["state_note"] != "",
                    rx.text(S.view["state_note"], color="#666", id="offer-state-note"),
                ),
                gap="0.5rem",
                align="center",
                wrap="wrap",
            ),
            rx.cond(~S.can_publish, notice(S.publish_block_reason, "info")),
            card(offer_detail(S.view, S.weeks, S.levels, S.handicaps), id="offer-preview"),
            rx.flex(
                rx.link(
                    rx.button("Modifier", variant="outline", size="3"),
                    href=f"/espace/employeur/offre?id={S.offer_id}&etape=1",
                ),
                rx.cond(
                    S.view["state"] != "published",
                    rx.button(
                        "Publier",
                        size="3",
                        background=theme.BLUE,
                        cursor="pointer",
                        on_click=S.publish,
                        id="publish",
                        disabled=~S.can_publish,
                    ),
                ),
                rx.link(
                    rx.button("Retour à mon espace", variant="ghost", size="3"),
                    href="/espace/employeur?onglet=offres",
                ),
                gap="1rem",
                wrap="wrap",
            ),
            width="100%",
            max_width="48rem",
            margin_x="auto",
            align="start",
        ),
    )
