"""« Mon espace » (cards by profile) and the logout button (« Mon compte »:
:mod:`mystage.pages.accounts.account`)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import (
    loading_line,
    notice,
    page_title,
)
from mystage.components.layout import page
from mystage.services.accounts import STATS_URL
from mystage.state.accounts import AccountState
from mystage.state.pupils import PupilSpaceState

LOGOUT_JS = (
    "fetch('/api/logout',{method:'POST',credentials:'same-origin'})"
    ".finally(()=>window.location.assign('/'))"
)


def logout_button() -> rx.Component:
    return rx.button(
        rx.icon("log-out", size=16),
        "Se déconnecter",
        variant="outline",
        color_scheme="red",
        on_click=rx.run_script(LOGOUT_JS),
        id="logout",
        cursor="pointer",
    )


def _row(label: str, value: rx.Var) -> rx.Component:
    return rx.cond(
        value != "",
        rx.hstack(
            rx.text(label, font_weight="600", min_width="9rem"),
            rx.text(value),
            wrap="wrap",
            spacing="2",
        ),
    )


def _space_link(title: rx.Var | str, sub: rx.Var | str, href: rx.Var | str, icon: str, id: str):
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=22, color=theme.BLUE, flex_shrink="0"),
            rx.vstack(
                rx.text(title, font_weight="700", color="#161616"),
                rx.text(sub, font_size="0.85rem", color="#555"),
                spacing="0",
            ),
            spacing="3",
            align="center",
        ),
        href=href,
        underline="none",
        id=id,
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        padding="0.85rem 1rem",
        background="white",
        width="100%",
        _hover={"border_color": theme.BLUE},
    )


def _link_grid(*links: rx.Component) -> rx.Component:
    """The space's cards: one column on phones, two from 48em."""
    return rx.box(
        *links,
        display="grid",
        grid_template_columns=rx.breakpoints(initial="1fr", sm="repeat(2, minmax(0, 1fr))"),
        gap="0.75rem",
        width="100%",
    )


def _pupil_section() -> rx.Component:
    P = PupilSpaceState
    c = P.counts
    return rx.vstack(
        rx.cond(
            P.targeted.get("id", "") != "",
            _space_link(
                "Tu voulais postuler : " + P.targeted.get("title", ""),
                "Reprends où tu en étais : voir l'offre et postuler",
                "/offres/" + P.targeted.get("id", ""),
                "arrow-right",
                "space-targeted",
            ),
        ),
        rx.cond(
            P.authorized,
            rx.text(
                "✓ L'autorisation de tes parents est enregistrée",
                rx.cond(P.authorized_on != "", " (le " + P.authorized_on + ")", ""),
                " : tu peux postuler.",
                color=theme.SUCCESS,
                id="space-authorization",
            ),
            notice(
                "Ton établissement n'a pas encore enregistré l'autorisation de tes parents : "
                "parles-en à ton professeur principal. En attendant, tu peux chercher des "
                "offres et les ajouter à tes favoris.",
                "info",
                id="space-authorization",
                width="100%",
            ),
        ),
        _link_grid(
            _space_link(
                "Mes candidatures (" + c.get("total", "0") + ")",
                c.get("pending", "0")
                + " en attente · "
                + c.get("to_confirm", "0")
                + " à confirmer · "
                + c.get("confirmed", "0")
                + " confirmée(s)",
                "/espace/eleve/candidatures",
                "send",
                "space-applications",
            ),
            _space_link(
                "Mon CV",
                rx.cond(P.cv_empty, "À remplir : il est joint à tes candidatures", "Rempli"),
                "/espace/eleve/cv",
                "file-text",
                "space-cv",
            ),
            _space_link(
                "Mes favoris (" + P.favorites + ")",
                "Les offres que tu as mises de côté",
                "/espace/eleve/favoris",
                "star",
                "space-favorites",
            ),
            _space_link(
                "Rechercher une offre",
                "Par métier, lieu et semaine",
                "/offres",
                "search",
                "space-search",
            ),
        ),
        width="100%",
        spacing="3",
        id="space-pupil",
    )


def _stats_section() -> rx.Component:
    """Référents and administrators: « Statistiques et exports » (and their other tools)."""
    A = AccountState
    return rx.vstack(
        rx.cond(
            A.profile.get("territory", "") != "",
            rx.text(
                "Votre territoire : ",
                rx.text.strong(A.profile.get("territory", "")),
                id="space-territory",
            ),
        ),
        _link_grid(
            _space_link(
                "Statistiques et exports",
                rx.cond(
                    A.is_admin,
                    "Chiffres, graphiques et exports de toute la France",
                    "Chiffres, graphiques et exports de votre territoire",
                ),
                STATS_URL,
                "chart-column",
                "link-statistiques",
            ),
            rx.cond(
                A.is_admin,
                _space_link(
                    "Administration",
                    "Comptes et structures à valider",
                    "/espace/admin",
                    "shield-check",
                    "link-admin",
                ),
            ),
            rx.cond(
                A.is_referent,
                _space_link(
                    "Vos offres de stage",
                    "Déposer une offre et suivre ses candidatures",
                    "/espace/employeur",
                    "briefcase",
                    "link-offres",
                ),
            ),
        ),
        width="100%",
        spacing="3",
        id="space-stats",
    )


@page("/espace", "Mon espace", on_load=[AccountState.load, PupilSpaceState.load])
def space_page() -> rx.Component:
    # The frame (title) at once, the account's data into it when it came (issue 16: no
    # page-wide « Chargement… » on every visit).
    return rx.vstack(
        page_title("Mon espace"),
        rx.cond(
            AccountState.profile.get("name", "") != "",
            _space_body(),
            loading_line(),
        ),
        width="100%",
        align="start",
    )


def _space_body() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Bonjour ",
            rx.text.strong(AccountState.profile.get("name", "")),
            " !",
            id="space-hello",
        ),
        rx.text("Profil : ", AccountState.profile.get("role", "")),
        rx.cond(
            PupilSpaceState.is_pupil,
            _pupil_section(),
            rx.cond(
                AccountState.show_stats,
                _stats_section(),
                notice(
                    "Votre espace s'enrichit au fil des étapes : offres, candidatures, suivi "
                    "des classes et statistiques selon votre profil.",
                    "info",
                ),
            ),
        ),
        rx.hstack(
            rx.link(
                rx.button("Mon compte", variant="soft", cursor="pointer"),
                href="/espace/compte",
                id="space-account",
            ),
            logout_button(),
            spacing="3",
            wrap="wrap",
        ),
        spacing="3",
        align="start",
        width="100%",
    )
