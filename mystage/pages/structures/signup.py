"""« Employeur, créez votre compte »: the structure, the contact person, the consents."""

from __future__ import annotations

import csv
from pathlib import Path

import reflex as rx

from mystage.components import theme
from mystage.components.account_fields import errors_summary, name_fields, new_password_fields
from mystage.components.bound_fields import (
    bound_error,
    bound_field,
    bound_radio,
    bound_select,
    error_of,
    postal_code_and_city,
    public_structure_fields,
    value_of,
)
from mystage.components.forms import card, checkbox_field, notice, page_title, primary_button
from mystage.components.layout import page
from mystage.state.structures import EmployerSignupState

STATUTS = [
    ("entreprise", "Entreprise"),
    ("association", "Association"),
    ("administration", "Administration"),
    ("collectivite", "Collectivité territoriale"),
]
CHARTER = (
    "Je certifie avoir lu les principes d'engagement des structures accueillant un élève en "
    "stage d'observation et m'y conformer : accueillir l'élève dans de bonnes conditions de "
    "sécurité, lui confier des tâches d'observation adaptées à son âge, désigner un tuteur."
)


def _naf_options() -> list[tuple[str, str]]:
    path = Path(__file__).resolve().parents[2] / "data" / "naf.csv"
    with path.open(encoding="utf-8") as f:
        return [(r["code"], f"{r['code']} — {r['label']}") for r in csv.DictReader(f)]


def _signup_form() -> rx.Component:
    S = EmployerSignupState
    return rx.form(
        rx.heading("La structure", as_="h2", size="5", margin_y="1rem"),
        bound_field(S, "Raison sociale", "name", required=True, autocomplete="organization"),
        bound_field(
            S,
            "Activité",
            "activity",
            required=True,
            hint="Une courte description du secteur de votre structure.",
        ),
        bound_field(
            S,
            "N° SIRET",
            "siret",
            required=True,
            input_mode="numeric",
            hint="14 chiffres, par exemple 732 829 320 00074.",
        ),
        rx.box(
            rx.el.label(
                "Code NAF (APE) *",
                html_for="f-naf_code",
                font_weight="600",
                display="block",
                margin_bottom="0.25rem",
            ),
            rx.text(
                "Tapez le code ou un mot de l'activité, puis choisissez dans la liste.",
                font_size="0.8rem",
                color="#666",
            ),
            rx.el.input(
                id="f-naf_code",
                name="naf_code",
                list="naf-list",
                default_value=value_of(S, "naf_code"),
                style={
                    "width": "100%",
                    "padding": "0.6rem",
                    "font_size": "1rem",
                    "border": f"1px solid {theme.GREY_BORDER}",
                    "border_radius": "4px",
                    "box_sizing": "border-box",
                },
            ),
            rx.el.datalist(
                *[rx.el.option(label, value=code) for code, label in _naf_options()], id="naf-list"
            ),
            bound_error(S, "naf_code", id="f-naf_code-err", font_size="0.85rem"),
            margin_bottom="1rem",
        ),
        bound_select(S, "Statut", "statut", STATUTS, required=True),
        public_structure_fields(S, S.is_public),
        bound_field(S, "Adresse", "address", required=True, autocomplete="street-address"),
        postal_code_and_city(S, autocomplete=True),
        bound_field(S, "Site web (facultatif)", "website", type="url"),
        rx.heading("La personne à contacter", as_="h2", size="5", margin_y="1rem"),
        bound_radio(S, "Civilité", "civility", [("Mme", "Madame"), ("M.", "Monsieur")]),
        *name_fields(S.errors, S.values),
        bound_field(S, "Fonction", "job_title"),
        bound_field(
            S,
            "Téléphone portable",
            "phone_mobile",
            type="tel",
            autocomplete="tel",
            hint="Au moins un numéro de téléphone.",
        ),
        bound_field(S, "Téléphone fixe", "phone_landline", type="tel"),
        rx.heading("Vos identifiants", as_="h2", size="5", margin_y="1rem"),
        bound_field(
            S,
            "Adresse électronique",
            "email",
            type="email",
            required=True,
            autocomplete="email",
            hint="Elle sert à vous connecter et à recevoir les candidatures.",
        ),
        *new_password_fields(S.errors, "Mot de passe"),
        rx.heading("Échanges avec les élèves et les collèges", as_="h2", size="5", margin_y="1rem"),
        rx.text("J'accepte d'être contacté(e) :", margin_bottom="0.5rem"),
        checkbox_field(
            "dès le dépôt de la candidature d'un élève, pour toute question",
            "consent_contact_on_application",
        ),
        checkbox_field(
            "pour organiser des actions de mobilisation dans un collège, du type bourse aux stages",
            "consent_mobilisation",
        ),
        checkbox_field(
            "pour étudier des solutions d'accueil de dernière minute pour les élèves "
            "qui n'auraient pas trouvé de stage",
            "consent_last_minute",
        ),
        checkbox_field(CHARTER, "accept_charter", error_of(S, "accept_charter")),
        checkbox_field(
            "J'ai lu la politique de données personnelles de MyStage.",
            "accept_privacy",
            error_of(S, "accept_privacy"),
        ),
        *errors_summary(
            S.errors,
            "signup-has-errors",
            "Le formulaire contient des erreurs : corrigez les champs signalés.",
        ),
        primary_button("Créer mon compte employeur", type="submit", id="employer-submit"),
        on_submit=S.submit,
        id="employer-signup",
    )


@page(
    "/inscription/employeur",
    "Créer un compte employeur",
    on_load=EmployerSignupState.load,
    narrow=True,
)
def employer_signup_page() -> rx.Component:
    S = EmployerSignupState
    return card(
        page_title("Employeur, créez votre compte"),
        rx.cond(
            S.done,
            notice(
                rx.text(
                    rx.cond(
                        S.joined_existing,
                        "Cette structure existe déjà sur MyStage : votre demande pour la "
                        "rejoindre sera transmise à son responsable. ",
                        "",
                    ),
                    "Vérifiez votre boîte aux lettres : un message vient d'être envoyé à ",
                    rx.text.strong(S.sent_to),
                    ". Ouvrez le lien qu'il contient pour activer votre compte (il est "
                    "valable 48 h).",
                ),
                "success",
                id="employer-done",
            ),
            _signup_form(),
        ),
    )
