"""``/espace/eleve/favoris``: « Mes favoris »."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import notice
from mystage.components.layout import page
from mystage.pages.pupils.common import (
    CARD,
    HINT,
    button_row,
    cards_or_empty,
    link_button,
    pupil_page,
)
from mystage.state.pupils import FAVORITES_URL, FavoritesState

# --- « Mes favoris » --------------------------------------------------------------------------


def _favorite_card(row) -> rx.Component:
    S = FavoritesState
    return rx.box(
        rx.link(
            row["title"],
            href="/offres/" + row["offer_id"],
            font_weight="700",
            font_size="1.05rem",
            color="#161616",
        ),
        rx.text(row["employer_name"], " · ", row["postal_code"], " ", row["city"], **HINT),
        rx.cond(
            row["available"] == "1",
            rx.text(row["places_left"], " place(s) restante(s)", color=theme.SUCCESS),
            rx.text("Plus de candidature possible pour cette offre.", color="#666"),
        ),
        button_row(
            rx.cond(
                row["available"] == "1",
                link_button("Postuler", "/offres/" + row["offer_id"] + "/postuler"),
            ),
            rx.button(
                "Retirer des favoris",
                variant="outline",
                color_scheme="gray",
                size="3",
                cursor="pointer",
                on_click=S.remove(row["offer_id"]),
                id="fav-remove-" + row["offer_id"],
            ),
        ),
        id="fav-" + row["offer_id"],
        class_name="fav-card",
        **CARD,
    )


@page("/espace/eleve/favoris", "Mes favoris", on_load=FavoritesState.load)
def favorites_page() -> rx.Component:
    S = FavoritesState
    return pupil_page(
        "Mes favoris",
        FAVORITES_URL,
        S,
        rx.cond(S.error != "", notice(S.error, "error")),
        cards_or_empty(
            S.rows,
            _favorite_card,
            "Tu n'as pas encore d'offre en favori. Sur la page d'une offre, "
            "clique sur « ☆ Ajouter aux favoris » pour la retrouver ici.",
            "fav-empty",
        ),
    )
