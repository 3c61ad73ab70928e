"""The join requests of the structure, decided by its owner."""

from __future__ import annotations

import reflex as rx

from mystage.components.forms import card, notice, page_title
from mystage.components.layout import page
from mystage.state.structures import TeamState


@page("/espace/employeur/equipe", "Mon équipe", on_load=TeamState.load)
def team_page() -> rx.Component:
    S = TeamState
    return rx.vstack(
        page_title("Demandes pour rejoindre ma structure"),
        rx.cond(S.message != "", notice(S.message, "info")),
        rx.cond(
            ~S.allowed,
            notice("Réservé au responsable de la structure.", "error"),
            rx.cond(
                S.requests.length() == 0,
                rx.text("Aucune demande en attente."),
                rx.foreach(
                    S.requests,
                    lambda r: card(
                        rx.text(r["name"], font_weight="600"),
                        rx.text(r["email"]),
                        rx.hstack(
                            rx.button("Accepter", on_click=S.decide(r["id"].to(int), True)),
                            rx.button(
                                "Refuser",
                                color_scheme="red",
                                variant="soft",
                                on_click=S.decide(r["id"].to(int), False),
                            ),
                            margin_top="0.5rem",
                        ),
                    ),
                ),
            ),
        ),
        width="100%",
        align="start",
    )
