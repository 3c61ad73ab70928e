"""``/offres/<id>/postuler``: « Postuler »."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.bound_fields import bound_error
from mystage.components.browser import scroll_into_view
from mystage.components.forms import card, field, notice, page_title, primary_button, textarea_field
from mystage.components.layout import page
from mystage.components.offer import favorite_button, place_line
from mystage.pages.pupils.common import (
    HINT,
    button_row,
    form_errors,
    link_button,
    loading,
    status_box,
)
from mystage.services.applications import MOTIVATION_MAX, MOTIVATION_MIN
from mystage.state.pupils import APPLICATIONS_URL, CV_URL, ApplyState

# --- « Postuler » -----------------------------------------------------------------------------


def _offer_summary() -> rx.Component:
    S = ApplyState
    return rx.box(
        rx.text(S.offer["title"], font_weight="700", font_size="1.15rem", id="apply-offer-title"),
        rx.text(S.offer["employer_name"], font_weight="600"),
        place_line(S.offer),
        rx.link("Revoir l'offre", href="/offres/" + S.offer_id.to_string(), font_size="0.9rem"),
        border_left=f"4px solid {theme.BLUE}",
        padding="0.5rem 0 0.5rem 0.75rem",
        margin_bottom="1rem",
        width="100%",
    )


def _week_choice(w) -> rx.Component:
    S = ApplyState
    disabled = w["disabled"] == "1"
    return rx.el.label(
        rx.el.input(
            type="radio",
            name="week",
            value=w["iso"],
            id="apply-week-" + w["key"],
            disabled=disabled,
            default_checked=S.values["week"] == w["iso"],
            style={"width": "1.2rem", "height": "1.2rem", "flex_shrink": "0", "margin": "0"},
        ),
        rx.box(
            rx.text(w["label"], font_weight="600"),
            rx.cond(
                disabled,
                rx.text(w["note"], color=theme.ERROR, font_size="0.85rem"),
                rx.text(w["places_left"], " place(s) libre(s)", **HINT),
            ),
        ),
        html_for="apply-week-" + w["key"],
        display="flex",
        gap="0.75rem",
        align_items="center",
        padding="0.6rem 0.75rem",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="6px",
        margin_bottom="0.5rem",
        cursor=rx.cond(disabled, "not-allowed", "pointer"),
        opacity=rx.cond(disabled, "0.6", "1"),
        background="white",
        class_name="apply-week",
    )


def _weeks_field() -> rx.Component:
    S = ApplyState
    return rx.el.fieldset(
        rx.el.legend(
            rx.cond(S.seconde, "La période de stage *", "La semaine de stage *"),
            font_weight="600",
            margin_bottom="0.25rem",
        ),
        rx.cond(
            S.seconde & (S.weeks.length() > 0),
            rx.text(
                "Les stages de seconde ont lieu pendant les deux semaines nationales de juin : "
                "choisis les deux semaines ou une seule.",
                id="apply-seconde-hint",
                **HINT,
            ),
        ),
        rx.cond(
            S.weeks.length() == 0,
            notice(
                "Aucune semaine de cette offre ne correspond aux semaines de stage de ton "
                "établissement. Cherche une autre offre.",
                "info",
                id="apply-no-week",
            ),
            rx.box(rx.foreach(S.weeks, _week_choice), role="radiogroup", width="100%"),
        ),
        bound_error(S, "week", id="apply-week-err", font_size="0.85rem"),
        border="none",
        padding="0",
        margin="0 0 1rem 0",
        min_width="0",
        width="100%",
    )


def _cv_box() -> rx.Component:
    S = ApplyState
    return rx.box(
        rx.text("Mon CV", font_weight="600"),
        rx.cond(
            S.cv_empty,
            rx.text(
                "Ton CV est vide : tu peux postuler sans, mais un CV aide l'employeur à te "
                "connaître.",
                id="apply-cv-empty",
            ),
            rx.text(
                "Ton CV",
                rx.cond(S.cv_has_pdf, " (avec ton PDF)", ""),
                " sera joint à ta candidature.",
                id="apply-cv",
            ),
        ),
        rx.link(
            rx.cond(S.cv_empty, "Remplir mon CV", "Modifier mon CV"),
            " (nouvel onglet)",
            href=CV_URL,
            is_external=True,
            id="apply-cv-link",
        ),
        background=theme.INFO_BG,
        padding="0.75rem 1rem",
        border_radius="6px",
        margin_bottom="1rem",
        width="100%",
    )


def _apply_form() -> rx.Component:
    S = ApplyState
    E = S.errors
    V = S.values
    return rx.form(
        _weeks_field(),
        textarea_field(
            "Ta motivation pour cette offre",
            "motivation",
            E.get("motivation", ""),
            V["motivation"],
            MOTIVATION_MAX,
            input_id="apply-motivation",
            hint=f"Explique en quelques lignes pourquoi ce stage t'intéresse "
            f"({MOTIVATION_MIN} caractères au moins).",
            rows=7,
            required=True,
        ),
        rx.heading("Pour te répondre", as_="h2", size="4", margin_bottom="0.5rem"),
        field(
            "Ton téléphone portable",
            "contact_phone",
            E.get("contact_phone", ""),
            V["contact_phone"],
            input_id="apply-phone",
            type="tel",
            autocomplete="tel",
            input_mode="tel",
            hint="Facultatif. Par exemple 06 12 34 56 78.",
        ),
        field(
            "Ton adresse électronique",
            "contact_email",
            E.get("contact_email", ""),
            V["contact_email"],
            input_id="apply-email",
            type="email",
            autocomplete="email",
        ),
        _cv_box(),
        field(
            "L'adresse électronique de ton référent",
            "referent_email",
            E.get("referent_email", ""),
            V["referent_email"],
            input_id="apply-referent",
            type="email",
            hint="Par défaut, celle de ton établissement. Tu peux mettre celle d'un "
            "professeur qui suit ton projet de stage.",
        ),
        rx.cond(
            S.to_school,
            notice(
                "Ton établissement validera ta candidature avant qu'elle soit transmise à "
                "l'employeur.",
                "info",
            ),
        ),
        rx.box(id="apply-errors"),
        *form_errors(E, "apply", "Corrige les champs signalés en rouge."),
        primary_button(
            rx.cond(
                S.sending,
                rx.hstack(rx.spinner(size="2"), rx.text("Envoi…"), align="center", spacing="2"),
                rx.text("Envoyer ma candidature"),
            ),
            type="submit",
            id="apply-submit",
            disabled=S.sending,
            aria_busy=S.sending,
        ),
        on_submit=S.submit,
        reset_on_submit=False,
        key=S.form_key,
        id="apply-form",
        width="100%",
    )


def _blocked() -> rx.Component:
    S = ApplyState
    return status_box(
        rx.heading("Tu ne peux pas postuler", as_="h2", size="5", margin_bottom="0.5rem"),
        rx.match(
            S.blocked,
            (
                "login",
                rx.vstack(
                    rx.text("Connecte-toi avec ton compte élève pour postuler à cette offre."),
                    button_row(
                        link_button(
                            "Se connecter",
                            "/connexion?suivant=" + S.back_path,
                            id="apply-login",
                        ),
                        link_button(
                            "Créer mon compte élève",
                            S.signup_url,
                            variant="outline",
                            id="apply-signup",
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
            ),
            (
                "authorization",
                rx.vstack(
                    rx.text(
                        "Ton établissement doit enregistrer l'autorisation de tes parents ; "
                        "parles-en à ton professeur principal."
                    ),
                    rx.text(
                        "En attendant, ajoute cette offre à tes favoris pour la retrouver "
                        "facilement.",
                        **HINT,
                    ),
                    favorite_button(S.is_favorite, ApplyState.toggle_favorite, S.favorite_error),
                    spacing="3",
                    width="100%",
                ),
            ),
            rx.vstack(
                rx.text(S.reason),
                rx.link("Rechercher d'autres offres", href="/offres"),
                spacing="2",
            ),
        ),
        id="apply-blocked",
        color=theme.BLUE,
        background=theme.INFO_BG,
    )


def _done() -> rx.Component:
    S = ApplyState
    return status_box(
        rx.heading(
            rx.cond(
                S.done_to_school,
                "Ta candidature est transmise à ton établissement pour validation",
                "Ta candidature est envoyée",
            ),
            as_="h2",
            size="5",
            color=theme.SUCCESS,
            margin_bottom="0.5rem",
        ),
        rx.text(
            rx.cond(
                S.done_to_school,
                "Dès que ton établissement l'aura validée, elle partira chez l'employeur. "
                "Tu recevras un message à chaque étape.",
                "L'employeur a 15 jours pour te répondre. Tu recevras un message dès qu'il "
                "aura répondu.",
            ),
            margin_bottom="1rem",
        ),
        button_row(
            link_button("Voir mes candidatures", APPLICATIONS_URL, id="apply-done-link"),
            link_button("Chercher d'autres offres", "/offres", variant="outline"),
        ),
        id="apply-done",
        color=theme.SUCCESS,
        background=theme.SUCCESS_BG,
    )


@page("/offres/[offre_id]/postuler", "Postuler à cette offre", on_load=ApplyState.load, narrow=True)
def apply_page() -> rx.Component:
    S = ApplyState
    return card(
        page_title("Postuler à cette offre"),
        scroll_into_view(S.scroll_to_id),
        rx.cond(
            ~S.loaded,
            loading(),
            rx.cond(
                ~S.found,
                rx.vstack(
                    notice("Cette offre n'existe pas ou n'est plus visible.", "error"),
                    rx.link("Rechercher une offre", href="/offres"),
                    id="apply-missing",
                ),
                rx.box(
                    _offer_summary(),
                    rx.cond(
                        S.done,
                        _done(),
                        rx.cond(S.allowed, _apply_form(), _blocked()),
                    ),
                    width="100%",
                ),
            ),
        ),
    )
