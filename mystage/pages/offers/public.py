"""Public offer page /offres/[offre_id]."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import card, notice
from mystage.components.layout import page
from mystage.components.maps import map_frame
from mystage.components.offer import favorite_button, offer_detail
from mystage.pages.offers.report import report_dialog
from mystage.state.offers import OfferPageState


def _apply_link(href, **props) -> rx.Component:
    """« Postuler » (id ``apply``), to the form or to the login page first."""
    return rx.link(
        rx.button("Postuler", size="4", width="100%", background=theme.BLUE, cursor="pointer"),
        href=href,
        id="apply",
        **props,
    )


def _partner_link() -> rx.Component:
    """« Postuler sur le site du partenaire »: the counting redirect to the operator's page
    (issue 19), opened in a new tab."""
    return rx.vstack(
        rx.link(
            rx.button(
                "Postuler sur le site du partenaire",
                size="4",
                width="100%",
                background=theme.BLUE,
                cursor="pointer",
            ),
            href=OfferPageState.partner_link,
            id="apply-partner",
            is_external=True,
            rel="nofollow noopener noreferrer",
            width="100%",
        ),
        rx.text(
            "La candidature à cette offre se fait sur le site de notre partenaire (nouvel onglet).",
            font_size="0.85rem",
        ),
        width="100%",
        spacing="1",
    )


def _apply_action() -> rx.Component:
    """« Postuler » (or « Postuler sur le site du partenaire »), or why this visitor cannot
    apply (« Candidatures closes », the reason given by ``can_apply``)."""
    S = OfferPageState
    open_ = S.view["application_open"] == "1"
    return rx.cond(
        open_ & (S.partner_link != ""),
        _partner_link(),
        _mystage_apply(open_),
    )


def _mystage_apply(open_) -> rx.Component:
    S = OfferPageState
    return rx.cond(
        open_,
        rx.cond(
            S.is_authenticated,
            rx.cond(
                S.is_pupil & S.eligible,
                _apply_link("/offres/" + S.offer_id.to_string() + "/postuler"),
                rx.cond(S.reason != "", notice(S.reason, "info", id="apply-reason")),
            ),
            rx.vstack(
                _apply_link(
                    "/connexion?suivant=/offres/" + S.offer_id.to_string() + "/postuler",
                    width="100%",
                ),
                rx.text(
                    "Connecte-toi ou ",
                    rx.link(
                        "crée ton compte élève",
                        href="/inscription?role=eleve&offre=" + S.offer_id.to_string(),
                    ),
                    " pour postuler.",
                    font_size="0.85rem",
                ),
                width="100%",
                spacing="1",
            ),
        ),
        rx.cond(
            S.view["applications_closed"] == "1",
            rx.vstack(
                rx.badge("Candidatures closes", color_scheme="gray", variant="soft", size="3"),
                rx.text(
                    "L'employeur ne reçoit plus de candidature pour cette offre.",
                    font_size="0.9rem",
                ),
                id="apply-closed",
                align="start",
                spacing="1",
            ),
            notice(
                "Les candidatures ne sont pas ouvertes pour cette offre en ce moment.",
                "info",
                id="apply-closed",
            ),
        ),
    )


def _apply_box() -> rx.Component:
    """Beside the offer on a computer; after it on a phone, where « Postuler » (or why
    not) is a bar fixed at the bottom of the screen (mystage.css: .apply-bar; the page
    gets a bottom padding so that the bar never hides its end)."""
    S = OfferPageState
    return card(
        rx.box(_apply_action(), id="apply-bar", class_name="apply-bar", width="100%"),
        rx.cond(
            S.is_pupil | ~S.is_authenticated,
            rx.box(
                favorite_button(S.is_favorite, OfferPageState.toggle_favorite, S.favorite_error),
                class_name="apply-favorite",
                width="100%",
            ),
        ),
        rx.text("Offre n° ", S.view["id"], font_size="0.8rem", color="#666", margin_top="0.5rem"),
        report_dialog(),
        position=rx.breakpoints(initial="static", md="sticky"),
        top="1rem",
    )


@page("/offres/[offre_id]", "Offre de stage", on_load=OfferPageState.load)
def offer_page() -> rx.Component:
    S = OfferPageState
    return rx.cond(
        ~S.found,
        rx.vstack(
            notice("Cette offre n'existe pas ou n'est plus visible.", "error", id="offer-missing"),
            rx.link("Rechercher un stage", href="/offres"),
        ),
        rx.vstack(
            rx.link("← Retour aux offres", href="/offres", font_size="0.9rem"),
            # The offer first (title, what it is, weeks), then « Postuler », then the map.
            rx.flex(
                rx.box(
                    card(offer_detail(S.view, S.weeks, S.levels, S.handicaps)),
                    flex="2",
                    min_width="0",
                    width="100%",
                ),
                rx.vstack(
                    _apply_box(),
                    map_frame(
                        S.map_url,
                        "Carte du lieu de stage",
                        "260px",
                        element_id="offer-map",
                        lazy=True,
                    ),
                    flex="1",
                    min_width="0",
                    width="100%",
                ),
                direction=rx.breakpoints(initial="column", md="row"),
                gap="1rem",
                width="100%",
                align="start",
            ),
            width="100%",
            align="start",
        ),
    )
