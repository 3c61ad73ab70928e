"""``/espace/etablissement/parametres``: the school's settings."""

from __future__ import annotations

import reflex as rx

from mystage.components.forms import (
    card,
    field,
    notice,
    radio_field,
)
from mystage.components.layout import page
from mystage.pages.schools.parts import (
    blue_button,
    h2,
    labelled,
    muted,
    space_page,
    text_input,
)
from mystage.services.schools import QPV_LABEL
from mystage.state.schools import (
    SchoolSettingsState,
)


def _qpv_status() -> rx.Component:
    S = SchoolSettingsState
    return rx.text(
        rx.el.strong("Statut : "),
        S.qpv.get("label", ""),
        rx.cond(
            S.qpv.get("status", "") == "pending",
            rx.el.span(" (déclaré le ", S.qpv.get("declared_at", ""), ")"),
        ),
        rx.cond(
            S.qpv.get("status", "") == "confirmed",
            rx.el.span(" (le ", S.qpv.get("confirmed_at", ""), ")"),
        ),
        id="settings-qpv-status",
        margin_bottom="0.75rem",
    )


def _lycee_qpv() -> rx.Component:
    """A lycée's head declares the QPV (confirmed by the MyStage team)."""
    S = SchoolSettingsState
    return rx.box(
        rx.text(
            "Les données nationales n'indiquent pas si un lycée est en quartier prioritaire "
            "de la politique de la ville (QPV). Déclarez-le ici : une fois la déclaration "
            "confirmée par l'équipe MyStage, vos élèves ont accès aux offres réservées aux "
            "établissements en QPV.",
            font_size="0.9rem",
            margin_bottom="0.75rem",
        ),
        _qpv_status(),
        rx.cond(S.qpv_message != "", notice(S.qpv_message, "success", id="settings-qpv-saved")),
        rx.cond(S.qpv_error != "", notice(S.qpv_error, "error", id="settings-qpv-error")),
        rx.form(
            rx.el.fieldset(
                rx.hstack(
                    rx.el.input(
                        type="checkbox",
                        id="settings-qpv",
                        name="qpv_declared",
                        default_checked=S.qpv_declared,
                        style={"width": "1.2rem", "height": "1.2rem", "flex_shrink": "0"},
                    ),
                    rx.el.label(QPV_LABEL, html_for="settings-qpv", font_weight="600"),
                    align="start",
                    spacing="2",
                ),
                disabled=~S.can_edit,
                border="none",
                padding="0",
                margin="0 0 1rem 0",
            ),
            rx.cond(
                S.can_edit,
                blue_button("Enregistrer la déclaration", type="submit", id="settings-qpv-save"),
            ),
            on_submit=S.save_qpv,
            reset_on_submit=False,
            id="settings-qpv-form",
            key=S.form_key.to_string(),
        ),
    )


def _college_qpv() -> rx.Component:
    """A collège's QPV comes from the national data: shown, not declared."""
    return rx.box(
        _qpv_status(),
        muted(
            "Pour les collèges, ce statut vient des données nationales : il n'y a rien à déclarer."
        ),
    )


def _qpv_card() -> rx.Component:
    S = SchoolSettingsState
    return card(
        h2("Quartier prioritaire de la politique de la ville (QPV)", margin_top="0"),
        rx.cond(S.school_kind == "lycee", _lycee_qpv(), _college_qpv()),
        id="settings-qpv-card",
        margin_top="1rem",
    )


@page("/espace/etablissement/parametres", "Paramètres", on_load=SchoolSettingsState.load)
def school_settings_page() -> rx.Component:
    S = SchoolSettingsState
    return space_page(
        S,
        "parametres",
        "Paramètres de l'établissement",
        rx.cond(
            ~S.can_edit,
            notice(
                "Seul le chef d'établissement peut modifier ces paramètres.",
                "info",
                id="settings-read-only",
            ),
        ),
        rx.cond(S.no_seconde != "", notice(S.no_seconde, "info", id="settings-no-seconde")),
        rx.cond(S.saved, notice("Paramètres enregistrés.", "success", id="settings-saved")),
        rx.cond(
            S.errors.get("form", "") != "",
            notice(S.errors.get("form", ""), "error", id="settings-error"),
        ),
        card(
            rx.form(
                rx.el.fieldset(
                    h2("Recherche des élèves", margin_top="0"),
                    radio_field(
                        "Les élèves cherchent des offres :",
                        "search_scope",
                        [
                            ("radius", "Autour de l'établissement (60 km par défaut)"),
                            ("national", "Dans toute la France"),
                        ],
                        S.values.get("search_scope", "radius"),
                        S.errors.get("search_scope", ""),
                    ),
                    rx.box(
                        field(
                            "Rayon autour de l'établissement (km)",
                            "search_radius_km",
                            error=S.errors.get("search_radius_km", ""),
                            default=S.values.get("search_radius_km", ""),
                            type="number",
                            input_mode="numeric",
                            hint="Entre 1 et 60 km. Utilisé quand la recherche est limitée "
                            "autour de l'établissement.",
                        ),
                        max_width="28rem",
                    ),
                    h2("Validation des candidatures"),
                    rx.box(
                        rx.hstack(
                            rx.el.input(
                                type="checkbox",
                                id="settings-validation",
                                name="validation_required",
                                default_checked=S.validation_required,
                                disabled=S.validation_locked,
                                aria_describedby=rx.cond(
                                    S.validation_locked, "settings-validation-locked", ""
                                ),
                                style={"width": "1.2rem", "height": "1.2rem", "flex_shrink": "0"},
                            ),
                            rx.el.label(
                                "Les candidatures sont validées par l'établissement avant "
                                "d'être envoyées aux employeurs",
                                html_for="settings-validation",
                                font_weight="600",
                            ),
                            align="start",
                            spacing="2",
                        ),
                        rx.text(
                            "Avec cette option, chaque candidature d'un élève arrive d'abord "
                            "chez le référent indiqué par l'élève (par défaut l'adresse "
                            "ci-dessous) : il la valide, et elle part chez l'employeur, ou la "
                            "refuse en expliquant pourquoi. Sans elle, les candidatures partent "
                            "directement chez l'employeur et vous les suivez dans vos tableaux.",
                            font_size="0.9rem",
                            color="#555",
                            margin_top="0.25rem",
                        ),
                        rx.cond(
                            S.validation_locked,
                            rx.text(
                                rx.icon("lock", size=14, display="inline", margin_right="0.3rem"),
                                "Sur cette plateforme, tous les établissements valident les "
                                "candidatures de leurs élèves avant l'envoi aux employeurs : "
                                "ce choix est fixé pour tout le territoire et ne peut pas être "
                                "modifié ici.",
                                id="settings-validation-locked",
                                font_size="0.9rem",
                                font_weight="500",
                                margin_top="0.5rem",
                            ),
                        ),
                        margin_bottom="1rem",
                    ),
                    labelled(
                        "Adresse du référent stages (facultatif)",
                        "f-referent_email",
                        text_input(
                            "f-referent_email",
                            "referent_email",
                            S.values.get("referent_email", ""),
                            type="email",
                            max_width="28rem",
                        ),
                        S.errors,
                        "referent_email",
                        hint=rx.cond(
                            S.values.get("official_email", "") != "",
                            "Elle reçoit les demandes de validation. Laissée vide : "
                            "l'adresse de l'établissement, "
                            + S.values.get("official_email", "").to(str)
                            + ".",
                            "Elle reçoit les demandes de validation. Laissée vide : "
                            "l'adresse de l'établissement.",
                        ),
                        margin_bottom="1rem",
                    ),
                    disabled=~S.can_edit,
                    border="none",
                    padding="0",
                    margin="0",
                ),
                rx.cond(
                    S.can_edit,
                    blue_button("Enregistrer les paramètres", type="submit", id="settings-save"),
                ),
                on_submit=S.save,
                reset_on_submit=False,
                id="settings-form",
                key=S.form_key.to_string(),
            ),
        ),
        _qpv_card(),
    )
