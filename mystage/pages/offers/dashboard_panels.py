"""Two pieces of the employer dashboard: an offer's statistics panel and the confirmation
of « Désactiver » / « Supprimer » (how many pending applications will be refused)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.dialogs import confirm_dialog
from mystage.components.forms import card
from mystage.state.offers import EmployerDashboardState


def stats_panel() -> rx.Component:
    S = EmployerDashboardState
    tile = lambda label, key: rx.box(  # noqa: E731
        rx.text(S.stats.get(key, "0"), font_size="1.5rem", font_weight="800", color=theme.BLUE),
        rx.text(label, font_size="0.8rem"),
        padding="0.5rem",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="6px",
        text_align="center",
    )
    return rx.cond(
        S.stats_offer != 0,
        card(
            rx.hstack(
                rx.heading("Statistiques : ", S.stats_title, as_="h3", size="4"),
                rx.spacer(),
                rx.button("Fermer", size="1", variant="ghost", on_click=S.close_stats),
            ),
            rx.grid(
                tile("places offertes", "places_offered"),
                tile("places restantes", "places_left"),
                tile("candidatures reçues", "received"),
                tile("acceptées", "accepted"),
                tile("confirmées", "confirmed"),
                tile("en attente", "pending"),
                tile("refusées", "refused"),
                tile("vues", "views"),
                columns=rx.breakpoints(initial="2", sm="4"),
                gap="0.5rem",
                margin_top="0.5rem",
            ),
            id="stats-panel",
            margin_bottom="1rem",
        ),
    )


def confirm_offer_dialog() -> rx.Component:
    S = EmployerDashboardState
    return confirm_dialog(
        rx.cond(S.confirm_action == "deactivate", "Désactiver l'offre ?", "Supprimer l'offre ?"),
        rx.cond(
            S.confirm_action == "deactivate",
            rx.text("L'offre n° ", S.confirm_offer, " ne sera plus visible. ", as_="span"),
            rx.text(
                "L'offre n° ",
                S.confirm_offer,
                " sera retirée de votre espace et du site. ",
                as_="span",
            ),  # fmt: skip
        ),
        rx.text(
            S.confirm_pending,
            " candidature(s) en cours (en attente, ou acceptées et pas encore confirmées) "
            "seront refusées et chaque élève en sera prévenu.",
            as_="span",
        ),
        description_id="confirm-text",
        cancel=rx.button("Annuler", variant="soft", color_scheme="gray", on_click=S.cancel_confirm),
        confirm=rx.button("Confirmer", color_scheme="red", on_click=S.confirm, id="confirm-yes"),
        open=S.confirm_action != "",
    )
