"""« Supprimer mon compte » (/espace/compte/suppression) and the page shown afterwards
(/compte-supprime).  « tu » for pupils, « vous » for adults."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import (
    card,
    checkbox_field,
    field,
    loading_line,
    notice,
    page_title,
    shown_error,
)
from mystage.components.layout import page
from mystage.state.accounts.erasure import ErasureState

E = ErasureState


def _both(pupil: str, adult: str) -> rx.Component:
    return rx.cond(E.is_pupil, rx.text(pupil), rx.text(adult))


def _items(pupil: list[str], adult: list[str]) -> rx.Component:
    return rx.cond(
        E.is_pupil,
        rx.el.ul(*[rx.el.li(t) for t in pupil], padding_left="1.25rem"),
        rx.el.ul(*[rx.el.li(t) for t in adult], padding_left="1.25rem"),
    )


def _what_happens() -> rx.Component:
    return card(
        rx.heading("Ce qui est supprimé", as_="h2", size="4", margin_bottom="0.5rem"),
        _items(
            [
                "ton nom, ton adresse électronique, ton téléphone et ton mot de passe ;",
                "ton CV (et son fichier PDF), tes lettres de motivation, tes favoris ;",
                "tes candidatures en cours : elles sont annulées et les employeurs prévenus ;",
                "tes sessions : tu es déconnecté partout.",
            ],
            [
                "vos nom, adresse électronique, téléphone et mot de passe ;",
                "vos sessions : vous êtes déconnecté partout ;",
                "votre place dans l'équipe de votre structure ou de votre établissement.",
            ],
        ),
        rx.heading("Ce qui est gardé", as_="h2", size="4", margin="1rem 0 0.5rem"),
        _items(
            [
                "tes candidatures, sans ton nom ni ce que tu as écrit : les employeurs et "
                "ton établissement voient « Élève (compte supprimé) », et les chiffres "
                "(nombre de candidatures, de stages) restent justes ;",
                "les conventions de stage signées : la loi demande de les garder (voir "
                "« Données personnelles ») ; elles gardent ce qui y est écrit.",
            ],
            [
                "les offres de votre structure, qui appartiennent à la structure ;",
                "les conventions signées, gardées pour leur durée légale (voir « Données "
                "personnelles ») ;",
                "l'historique des actions, sans votre nom.",
            ],
        ),
        rx.cond(
            E.is_school_head,
            notice(
                "L'espace de l'établissement reste ouvert : ses classes, ses semaines de "
                "stage et ses réglages appartiennent à l'établissement. Votre successeur "
                "crée son compte avec l'adresse officielle de l'établissement "
                "(ce.<UAI>@…), qui reçoit les messages de l'établissement en attendant.",
                "info",
                id="erasure-school",
            ),
        ),
        rx.link(
            "Durées de conservation (Données personnelles)",
            href="/donnees-personnelles#conservation",
            margin_top="0.75rem",
            display="inline-block",
        ),
        max_width="40rem",
    )


def _blockers() -> rx.Component:
    return rx.cond(
        E.blockers.length() > 0,
        rx.box(
            rx.heading(
                rx.cond(E.is_pupil, "Avant de supprimer ton compte", "Avant de supprimer"),
                as_="h2",
                size="4",
                margin_bottom="0.5rem",
            ),
            rx.foreach(
                E.blockers,
                lambda b: rx.box(
                    rx.text(b["text"]),
                    rx.cond(b["href"] != "", rx.link(b["label"], href=b["href"])),
                    margin_bottom="0.5rem",
                ),
            ),
            border=f"2px solid {theme.ERROR}",
            border_radius="8px",
            padding="1rem",
            id="erasure-blockers",
            max_width="40rem",
            width="100%",
        ),
    )


def _form() -> rx.Component:
    return card(
        rx.heading("Confirmer la suppression", as_="h2", size="4", margin_bottom="0.75rem"),
        _both(
            "C'est définitif : tu ne pourras plus te connecter avec ce compte.",
            "C'est définitif : vous ne pourrez plus vous connecter avec ce compte.",
        ),
        rx.form(
            rx.box(
                field(
                    "Mot de passe",
                    "password",
                    error=E.errors.get("password", ""),
                    type="password",
                    autocomplete="current-password",
                    required=True,
                ),
                checkbox_field(
                    "Je comprends que la suppression est définitive.",
                    "confirm",
                    error=E.errors.get("confirm", ""),
                ),
                margin_top="0.75rem",
            ),
            shown_error(E.errors.get("form", ""), "erasure-form-err"),
            rx.button(
                rx.cond(E.busy, "Suppression…", "Supprimer mon compte"),
                type="submit",
                color_scheme="red",
                size="3",
                disabled=E.busy,
                id="erasure-submit",
                cursor="pointer",
                margin_top="0.5rem",
            ),
            on_submit=E.delete_account,
            reset_on_submit=False,
        ),
        max_width="40rem",
    )


@page("/espace/compte/suppression", "Supprimer mon compte", on_load=E.load, narrow=True)
def erasure_page() -> rx.Component:
    return rx.vstack(
        page_title("Supprimer mon compte"),
        rx.cond(
            E.loaded,
            rx.vstack(_what_happens(), _blockers(), _form(), spacing="4", width="100%"),
            loading_line(),
        ),
        width="100%",
        align="start",
    )


@page("/compte-supprime", "Compte supprimé", narrow=True)
def account_deleted_page() -> rx.Component:
    return rx.vstack(
        page_title("Compte supprimé"),
        notice(
            "Le compte a été supprimé et toutes ses sessions fermées. Merci d'avoir utilisé "
            "MyStage.",
            "success",
            id="account-deleted",
        ),
        rx.link("Retour à l'accueil", href="/"),
        width="100%",
        align="start",
    )
