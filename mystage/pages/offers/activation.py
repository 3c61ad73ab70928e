"""/espace/employeur/offre/activation?jeton=… — publish an offer from the mailed link."""

from __future__ import annotations

import reflex as rx

from mystage.components.forms import card, notice, page_title, primary_button
from mystage.components.layout import page
from mystage.state.offers.activation import OfferActivationState

A = OfferActivationState


@page("/espace/employeur/offre/activation", "Publier mon offre", on_load=A.load, narrow=True)
def offer_activation_page() -> rx.Component:
    return card(
        page_title("Publier mon offre"),
        rx.cond(
            A.done_offer > 0,
            rx.vstack(
                notice(
                    "Votre offre est publiée : les élèves la voient dans la recherche.",
                    "success",
                    id="activation-done",
                ),
                rx.link("Voir l'offre", href="/offres/" + A.done_offer.to_string()),
                rx.link("Mon espace employeur", href="/espace/employeur?onglet=offres"),
                align="start",
            ),
            rx.vstack(
                rx.cond(A.error != "", notice(A.error, "error", id="activation-error")),
                rx.cond(
                    A.has_token,
                    rx.vstack(
                        rx.text(
                            "Vous avez demandé la publication d'une offre de stage. Confirmez-"
                            "la : l'offre apparaîtra aussitôt dans la recherche des élèves."
                        ),
                        primary_button(
                            "Publier mon offre", on_click=A.activate, id="activation-confirm"
                        ),
                        width="100%",
                    ),
                    rx.cond(
                        A.error == "",
                        notice(
                            "Ce lien est incomplet : ouvrez le lien reçu par courriel.",
                            "error",
                            id="activation-error",
                        ),
                    ),
                ),
                width="100%",
            ),
        ),
    )
