"""Employer pages: sign-up, « Mon espace » (3 tabs), « Déposer une offre » (4 steps), preview, team."""

from __future__ import annotations

import csv
from pathlib import Path

import reflex as rx

from mystage.components import theme
from mystage.components.account_fields import PASSWORD_HINT
from mystage.components.browser import scroll_into_view
from mystage.components.exports import export_panel
from mystage.components.forms import (
    card,
    checkbox_field,
    field,
    notice,
    page_title,
    primary_button,
    radio_field,
    select_field,
    textarea_field,
    upload_field,
)
from mystage.components.layout import page
from mystage.components.maps import map_frame
from mystage.components.offer import offer_detail
from mystage.components.tabs import tab_bar
from mystage.state.employer import (
    MINISTRY_OPTIONS,
    STEP_TITLES,
    WEEKDAYS,
    EmployerDashboardState,
    EmployerSignupState,
    OfferFormState,
    OfferPreviewState,
    StructureState,
    TeamState,
)
from mystage.state.exports import ExportState

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
    path = Path(__file__).resolve().parent.parent / "data" / "naf.csv"
    with path.open(encoding="utf-8") as f:
        return [(r["code"], f"{r['code']} — {r['label']}") for r in csv.DictReader(f)]


def _err(state, name: str):
    return state.errors.get(name, "")


def _val(state, name: str):
    return state.values.get(name, "")


def _public_fields(state, is_public) -> rx.Component:
    """« Structure publique » and, once ticked, its « Institution de tutelle » (required;
    the service clears it for a private structure)."""
    return rx.fragment(
        rx.box(
            rx.hstack(
                rx.el.input(
                    type="checkbox",
                    id="f-is_public",
                    name="is_public",
                    default_checked=is_public,
                    on_change=state.set_public,
                    style={"width": "1.1rem", "height": "1.1rem", "flex_shrink": "0"},
                ),
                rx.el.label("Structure publique", html_for="f-is_public", font_size="0.9rem"),
                align="start",
                spacing="2",
            ),
            margin_bottom="1rem",
        ),
        rx.cond(
            is_public,
            select_field(
                "Institution de tutelle",
                "ministry",
                MINISTRY_OPTIONS,
                _err(state, "ministry"),
                _val(state, "ministry"),
                placeholder="Choisissez le ministère ou l'institution",
                required=True,
            ),
        ),
    )


# ------------------------------------------------------------------ sign-up


def _signup_form() -> rx.Component:
    S = EmployerSignupState
    return rx.form(
        rx.heading("La structure", as_="h2", size="5", margin_y="1rem"),
        field(
            "Raison sociale",
            "name",
            _err(S, "name"),
            _val(S, "name"),
            required=True,
            autocomplete="organization",
        ),
        field(
            "Activité",
            "activity",
            _err(S, "activity"),
            _val(S, "activity"),
            required=True,
            hint="Une courte description du secteur de votre structure.",
        ),
        field(
            "N° SIRET",
            "siret",
            _err(S, "siret"),
            _val(S, "siret"),
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
                default_value=_val(S, "naf_code"),
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
            rx.cond(
                _err(S, "naf_code") != "",
                rx.text(
                    _err(S, "naf_code"),
                    id="f-naf_code-err",
                    color=theme.ERROR,
                    font_size="0.85rem",
                    role="alert",
                ),
            ),
            margin_bottom="1rem",
        ),
        select_field(
            "Statut", "statut", STATUTS, _err(S, "statut"), _val(S, "statut"), required=True
        ),
        _public_fields(S, S.is_public),
        field(
            "Adresse",
            "address",
            _err(S, "address"),
            _val(S, "address"),
            required=True,
            autocomplete="street-address",
        ),
        rx.flex(
            rx.box(
                field(
                    "Code postal",
                    "postal_code",
                    _err(S, "postal_code"),
                    _val(S, "postal_code"),
                    required=True,
                    input_mode="numeric",
                    autocomplete="postal-code",
                ),
                flex="1",
            ),
            rx.box(
                field(
                    "Ville",
                    "city",
                    _err(S, "city"),
                    _val(S, "city"),
                    required=True,
                    autocomplete="address-level2",
                ),
                flex="2",
            ),
            gap="1rem",
            direction=rx.breakpoints(initial="column", sm="row"),
        ),
        field(
            "Site web (facultatif)", "website", _err(S, "website"), _val(S, "website"), type="url"
        ),
        rx.heading("La personne à contacter", as_="h2", size="5", margin_y="1rem"),
        radio_field(
            "Civilité",
            "civility",
            [("Mme", "Madame"), ("M.", "Monsieur")],
            _val(S, "civility"),
            _err(S, "civility"),
        ),
        field(
            "Prénom",
            "first_name",
            _err(S, "first_name"),
            _val(S, "first_name"),
            required=True,
            autocomplete="given-name",
        ),
        field(
            "Nom",
            "last_name",
            _err(S, "last_name"),
            _val(S, "last_name"),
            required=True,
            autocomplete="family-name",
        ),
        field("Fonction", "job_title", _err(S, "job_title"), _val(S, "job_title")),
        field(
            "Téléphone portable",
            "phone_mobile",
            _err(S, "phone_mobile"),
            _val(S, "phone_mobile"),
            type="tel",
            autocomplete="tel",
            hint="Au moins un numéro de téléphone.",
        ),
        field(
            "Téléphone fixe",
            "phone_landline",
            _err(S, "phone_landline"),
            _val(S, "phone_landline"),
            type="tel",
        ),
        rx.heading("Vos identifiants", as_="h2", size="5", margin_y="1rem"),
        field(
            "Adresse électronique",
            "email",
            _err(S, "email"),
            _val(S, "email"),
            type="email",
            required=True,
            autocomplete="email",
            hint="Elle sert à vous connecter et à recevoir les candidatures.",
        ),
        field(
            "Mot de passe",
            "password",
            _err(S, "password"),
            type="password",
            required=True,
            autocomplete="new-password",
            hint=PASSWORD_HINT,
        ),
        field(
            "Confirmez le mot de passe",
            "password2",
            _err(S, "password2"),
            type="password",
            required=True,
            autocomplete="new-password",
        ),
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
        checkbox_field(CHARTER, "accept_charter", _err(S, "accept_charter")),
        checkbox_field(
            "J'ai lu la politique de données personnelles de MyStage.",
            "accept_privacy",
            _err(S, "accept_privacy"),
        ),
        rx.cond(_err(S, "form") != "", notice(_err(S, "form"), "error")),
        rx.cond(
            S.errors.length() > 0,
            notice(
                "Le formulaire contient des erreurs : corrigez les champs signalés.",
                "error",
                id="signup-has-errors",
            ),
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


# ------------------------------------------------------------------ offer form


def _stepper() -> rx.Component:
    S = OfferFormState
    return rx.flex(
        *[
            rx.cond(
                S.draft_step >= i,
                rx.link(
                    rx.box(
                        rx.text(f"{i}. {title}", font_weight=rx.cond(S.step == i, "700", "400")),
                        border_bottom=rx.cond(
                            S.step == i, f"4px solid {theme.BLUE}", f"4px solid {theme.BLUE_LIGHT}"
                        ),
                        padding_bottom="0.25rem",
                    ),
                    href=f"/espace/employeur/offre?id={S.offer_id}&etape={i}",
                    color="#161616",
                    underline="none",
                    flex="1",
                ),
                rx.box(
                    rx.text(f"{i}. {title}", color="#888"),
                    border_bottom=f"4px solid {theme.GREY_BORDER}",
                    padding_bottom="0.25rem",
                    flex="1",
                ),
            )
            for i, title in enumerate(STEP_TITLES, start=1)
        ],
        gap="0.5rem",
        width="100%",
        margin_bottom="1rem",
        font_size=["0.8rem", "1rem"],
    )


def _step1() -> rx.Component:
    S = OfferFormState
    return rx.fragment(
        rx.text(
            "Ces informations sont reprises de votre compte ; le lieu du stage peut "
            "différer du siège.",
            margin_bottom="1rem",
        ),
        field(
            "Nom affiché de la structure",
            "employer_name",
            _err(S, "employer_name"),
            _val(S, "employer_name"),
            required=True,
        ),
        textarea_field(
            "Présentation de la structure",
            "employer_description",
            _err(S, "employer_description"),
            _val(S, "employer_description"),
            max_chars=1000,
            rows=4,
        ),
        field(
            "Site web",
            "employer_website",
            _err(S, "employer_website"),
            _val(S, "employer_website"),
            type="url",
        ),
        _public_fields(S, S.flags.get("is_public", False)),
        rx.heading("Adresse du lieu de stage", as_="h3", size="4", margin_y="0.75rem"),
        field("Adresse", "street", _err(S, "street"), _val(S, "street"), required=True),
        rx.flex(
            rx.box(
                field(
                    "Code postal",
                    "postal_code",
                    _err(S, "postal_code"),
                    _val(S, "postal_code"),
                    required=True,
                    input_mode="numeric",
                ),
                flex="1",
            ),
            rx.box(
                field("Ville", "city", _err(S, "city"), _val(S, "city"), required=True), flex="2"
            ),
            gap="1rem",
            direction=rx.breakpoints(initial="column", sm="row"),
        ),
        rx.cond(
            S.map_url != "",
            rx.box(
                rx.text("Emplacement enregistré :", font_size="0.85rem", margin_bottom="0.25rem"),
                map_frame(
                    S.map_url,
                    "Carte du lieu de stage",
                    "220px",
                    element_id="address-map-frame",
                    lazy=True,
                    radius="6px",
                ),
                margin_bottom="1rem",
                id="address-map",
            ),
        ),
    )


def _step2() -> rx.Component:
    S = OfferFormState
    return rx.fragment(
        field(
            "Titre de l'offre",
            "title",
            _err(S, "title"),
            _val(S, "title"),
            required=True,
            hint="Conseil : « Nom de l'entreprise – Secteur – Métier », par exemple "
            "« Boulangerie Martin – Alimentation – Boulanger ».",
        ),
        textarea_field(
            "Description de l'offre",
            "description",
            _err(S, "description"),
            _val(S, "description"),
            max_chars=1000,
            required=True,
            rows=7,
            hint="Missions observées, déroulé de la semaine, tenue à prévoir…",
        ),
        select_field(
            "Secteur d'activité",
            "sector_id",
            S.sectors,
            _err(S, "sector_id"),
            _val(S, "sector_id"),
            required=True,
        ),
        textarea_field(
            "Environnement de travail (facultatif)",
            "work_environment",
            _err(S, "work_environment"),
            _val(S, "work_environment"),
            max_chars=1000,
            rows=3,
            hint="Open space, niveau sonore, luminosité…",
        ),
        textarea_field(
            "Accessibilité du poste (facultatif)",
            "accessibility_text",
            _err(S, "accessibility_text"),
            _val(S, "accessibility_text"),
            max_chars=1000,
            rows=3,
            hint="Déplacements dans les locaux, informations sonores ou visuelles, ascenseur…",
        ),
        rx.el.fieldset(
            rx.el.legend(
                "L'élève peut être accueilli en situation de handicap :", font_weight="600"
            ),
            checkbox_field(
                "visuel", "handicap_visual", checked=S.flags.get("handicap_visual", False)
            ),
            checkbox_field(
                "moteur", "handicap_motor", checked=S.flags.get("handicap_motor", False)
            ),
            checkbox_field(
                "mental", "handicap_mental", checked=S.flags.get("handicap_mental", False)
            ),
            checkbox_field(
                "auditif", "handicap_hearing", checked=S.flags.get("handicap_hearing", False)
            ),
            border="none",
            padding="0",
        ),
    )


def _week_row(w) -> rx.Component:
    return rx.hstack(
        rx.el.input(
            type="checkbox",
            id="w-" + w["iso"],
            name="week_" + w["iso"],
            default_checked=w["checked"] == "1",
            style={"width": "1.1rem", "height": "1.1rem", "flex_shrink": "0"},
        ),
        rx.el.label(w["label"], html_for="w-" + w["iso"], flex="1", font_size="0.9rem"),
        rx.cond(
            w["near"] == "1",
            rx.tooltip(
                rx.badge(w["schools"], " coll.", color_scheme="green", variant="soft"),
                content="Semaine de stage d'établissements à moins de 60 km",
            ),
        ),
        rx.el.input(
            type="number",
            name="wp_" + w["iso"],
            default_value=w["places"],
            placeholder="=",
            title="Vide : le nombre de places par semaine",
            min=0,
            max=200,
            aria_label="Places pour la " + w["label"],
            style={"width": "4rem", "padding": "0.2rem"},
        ),
        width="100%",
        align="center",
        padding_y="0.15rem",
        border_bottom=f"1px solid {theme.GREY_LIGHT}",
        class_name="week-row",
    )


def _step3() -> rx.Component:
    S = OfferFormState
    return rx.fragment(
        rx.el.fieldset(
            rx.el.legend("Votre offre s'adresse aux élèves de *", font_weight="600"),
            checkbox_field("4e", "level_4e", checked=S.flags.get("level_4e", False)),
            checkbox_field(
                "3e (générale, SEGPA, prépa-métiers)",
                "level_3e",
                checked=S.flags.get("level_3e", False),
            ),
            checkbox_field(
                "2de générale et technologique",
                "level_2de",
                checked=S.flags.get("level_2de", False),
            ),
            rx.cond(
                _err(S, "levels") != "",
                rx.text(_err(S, "levels"), id="f-levels-err", color=theme.ERROR, role="alert"),
            ),
            border="none",
            padding="0",
        ),
        radio_field(
            "Pour les lycéens de 2de GT, période nationale de juin :",
            "seconde_period",
            [
                ("both", "les 2 semaines"),
                ("week1", "la 1re semaine seulement"),
                ("week2", "la 2e semaine seulement"),
            ],
            _val(S, "seconde_period"),
            _err(S, "seconde_period"),
        ),
        rx.cond(
            S.seconde.length() > 0,
            rx.text(
                "1re semaine : ",
                S.seconde.get("week1", ""),
                " — 2e semaine : ",
                S.seconde.get("week2", ""),
                font_size="0.85rem",
                color="#666",
                margin_top="-0.75rem",
                margin_bottom="1rem",
            ),
        ),
        rx.heading("Période pour les collégiens", as_="h3", size="4", margin_y="0.5rem"),
        checkbox_field(
            "Toute l'année scolaire (les élèves peuvent candidater pour n'importe quelle semaine)",
            "all_year",
            checked=S.flags.get("all_year", False),
        ),
        field(
            "Nombre de places par semaine",
            "places",
            _err(S, "places"),
            _val(S, "places"),
            type="number",
            required=True,
            input_mode="numeric",
        ),
        rx.text(
            "Ou cochez les semaines d'accueil. Détail par semaine : pour une semaine qui a un "
            "autre nombre de places, indiquez-le à droite (vide = le nombre ci-dessus). En "
            "vert : nombre d'établissements proches (moins de 60 km) qui ont choisi cette "
            "semaine pour leurs stages.",
            font_size="0.9rem",
            margin_bottom="0.5rem",
        ),
        rx.cond(
            _err(S, "weeks") != "",
            rx.text(_err(S, "weeks"), id="f-weeks-err", color=theme.ERROR, role="alert"),
        ),
        rx.box(
            rx.foreach(S.weeks, _week_row),
            max_height="22rem",
            overflow_y="auto",
            border=f"1px solid {theme.GREY_BORDER}",
            border_radius="6px",
            padding="0.5rem",
            margin_bottom="1rem",
            id="week-picker",
        ),
        radio_field(
            "Accueil",
            "group_kind",
            [("individual", "individuel"), ("group", "en groupe")],
            _val(S, "group_kind"),
            _err(S, "group_kind"),
        ),
        field(
            "Élèves par groupe (si accueil en groupe)",
            "max_per_group",
            _err(S, "max_per_group"),
            _val(S, "max_per_group"),
            type="number",
        ),
        rx.heading("Période de candidature (facultatif)", as_="h3", size="4", margin_y="0.5rem"),
        rx.text(
            "« Postuler » n'apparaît qu'entre ces deux dates.",
            font_size="0.85rem",
            margin_bottom="0.5rem",
        ),
        rx.flex(
            rx.box(
                field(
                    "Du",
                    "application_start",
                    _err(S, "application_start"),
                    _val(S, "application_start"),
                    type="date",
                ),
                flex="1",
            ),
            rx.box(
                field(
                    "Au",
                    "application_end",
                    _err(S, "application_end"),
                    _val(S, "application_end"),
                    type="date",
                ),
                flex="1",
            ),
            gap="1rem",
            direction=rx.breakpoints(initial="column", sm="row"),
        ),
        rx.heading("Égalité des chances", as_="h3", size="4", margin_y="0.5rem"),
        checkbox_field(
            "Réserver l'offre aux élèves des collèges REP / REP+",
            "reserved_rep",
            checked=S.flags.get("reserved_rep", False),
        ),
        checkbox_field(
            "Réserver l'offre aux lycées en quartier prioritaire (QPV)",
            "reserved_qpv",
            checked=S.flags.get("reserved_qpv", False),
        ),
        rx.box(
            rx.el.label(
                "Réserver à un ou plusieurs établissements (nom, ville ou UAI)",
                html_for="school-search",
                font_weight="600",
                display="block",
            ),
            rx.input(
                id="school-search",
                name="school_query",
                value=S.school_query,
                on_change=S.search_schools.debounce(300),
                placeholder="ex. : Meaux",
                width="100%",
                size="3",
            ),
            rx.foreach(
                S.school_suggestions,
                lambda r: rx.button(
                    r["label"],
                    variant="ghost",
                    size="2",
                    type="button",
                    on_click=S.add_school(r["id"], r["label"]),
                    class_name="school-suggestion",
                    white_space="normal",
                    text_align="left",
                    height="auto",
                ),
            ),
            rx.foreach(
                S.reserved,
                lambda r: rx.hstack(
                    rx.badge(r["label"], color_scheme="orange", size="2"),
                    rx.button(
                        "Retirer",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        type="button",
                        on_click=S.remove_school(r["id"]),
                    ),
                    margin_top="0.25rem",
                ),
            ),
            rx.cond(
                _err(S, "reserved_school_ids") != "",
                rx.text(_err(S, "reserved_school_ids"), color=theme.ERROR, role="alert"),
            ),
            margin_bottom="1rem",
        ),
    )


def _step4() -> rx.Component:
    S = OfferFormState
    return rx.fragment(
        radio_field(
            "Horaires",
            "hours_mode",
            [("same", "les mêmes tous les jours"), ("per_day", "selon le jour")],
            _val(S, "hours_mode"),
            _err(S, "hours_mode"),
        ),
        rx.flex(
            rx.box(
                field(
                    "Arrivée",
                    "hours_start",
                    _err(S, "hours_start"),
                    _val(S, "hours_start"),
                    type="time",
                ),
                flex="1",
            ),
            rx.box(
                field(
                    "Départ", "hours_end", _err(S, "hours_end"), _val(S, "hours_end"), type="time"
                ),
                flex="1",
            ),
            gap="1rem",
        ),
        rx.el.details(
            rx.el.summary("Horaires jour par jour", cursor="pointer", font_weight="600"),
            *[
                rx.hstack(
                    rx.text(day.capitalize(), width="6rem"),
                    rx.el.input(
                        type="time",
                        name=f"{day}_start",
                        default_value=S.per_day.get(f"{day}_start", ""),
                        aria_label=f"{day} arrivée",
                    ),
                    rx.el.input(
                        type="time",
                        name=f"{day}_end",
                        default_value=S.per_day.get(f"{day}_end", ""),
                        aria_label=f"{day} départ",
                    ),
                    padding_y="0.25rem",
                )
                for day in WEEKDAYS
            ],
            rx.cond(
                _err(S, "per_day") != "",
                rx.text(_err(S, "per_day"), color=theme.ERROR, role="alert"),
            ),
            margin_bottom="1rem",
        ),
        textarea_field(
            "Pause déjeuner",
            "lunch_break",
            _err(S, "lunch_break"),
            _val(S, "lunch_break"),
            max_chars=500,
            rows=2,
        ),
        checkbox_field(
            "Repas possible sur place", "meals_on_site", checked=S.flags.get("meals_on_site", False)
        ),
        textarea_field(
            "Repas : conditions et coût",
            "meals",
            _err(S, "meals"),
            _val(S, "meals"),
            max_chars=500,
            rows=2,
        ),
        textarea_field(
            "Déplacements pendant le stage et leur prise en charge",
            "travel",
            _err(S, "travel"),
            _val(S, "travel"),
            max_chars=500,
            rows=2,
        ),
        rx.heading("Tuteur ou tutrice", as_="h3", size="4", margin_y="0.5rem"),
        field("Nom", "tutor_name", _err(S, "tutor_name"), _val(S, "tutor_name"), required=True),
        field("Fonction", "tutor_role", _err(S, "tutor_role"), _val(S, "tutor_role")),
        field(
            "Courriel",
            "tutor_email",
            _err(S, "tutor_email"),
            _val(S, "tutor_email"),
            type="email",
            required=True,
        ),
        field(
            "Téléphone", "tutor_phone", _err(S, "tutor_phone"), _val(S, "tutor_phone"), type="tel"
        ),
        field(
            "Adresse qui reçoit les candidatures",
            "contact_email",
            _err(S, "contact_email"),
            _val(S, "contact_email"),
            type="email",
            required=True,
        ),
        checkbox_field(
            "Les élèves qui ont postulé peuvent voir les coordonnées du tuteur",
            "show_contact",
            checked=S.flags.get("show_contact", False),
        ),
    )


@page("/espace/employeur/offre", "Déposer une offre", on_load=OfferFormState.load)
def offer_form_page() -> rx.Component:
    S = OfferFormState
    return rx.box(
        scroll_into_view(S.scroll_to_id),
        rx.cond(
            S.denied != "",
            rx.fragment(
                page_title("Déposer une offre"), notice(S.denied, "error", id="offer-denied")
            ),
            rx.cond(
                S.loaded,
                rx.box(
                    page_title("Déposer une offre"),
                    rx.text(
                        "Offre n° ",
                        S.offer_id,
                        " — chaque étape est enregistrée comme brouillon.",
                        color="#666",
                        margin_bottom="0.5rem",
                    ),
                    _stepper(),
                    card(
                        rx.heading(
                            S.step, ". ", S.step_title, as_="h2", size="5", margin_bottom="1rem"
                        ),
                        rx.box(id="form-errors"),
                        rx.cond(
                            S.errors.length() > 0,
                            notice(
                                "Certaines informations sont à corriger : voir les messages "
                                "sous les champs.",
                                "error",
                                id="step-has-errors",
                            ),
                        ),
                        rx.form(
                            rx.match(S.step, (1, _step1()), (2, _step2()), (3, _step3()), _step4()),
                            rx.flex(
                                rx.cond(
                                    S.step > 1,
                                    rx.link(
                                        rx.button(
                                            "Précédent", variant="outline", size="3", type="button"
                                        ),
                                        href=f"/espace/employeur/offre?id={S.offer_id}"
                                        f"&etape={S.step - 1}",
                                    ),
                                ),
                                rx.spacer(),
                                rx.button(
                                    rx.cond(
                                        S.step == 4,
                                        "Enregistrer et prévisualiser",
                                        "Enregistrer et continuer",
                                    ),
                                    type="submit",
                                    size="3",
                                    background=theme.BLUE,
                                    id="step-submit",
                                    cursor="pointer",
                                    white_space="normal",
                                    height="auto",
                                    min_height="2.5rem",
                                ),
                                width="100%",
                                gap="1rem",
                                margin_top="1rem",
                                wrap="wrap",
                            ),
                            on_submit=S.submit,
                            reset_on_submit=False,
                            key=S.form_key,
                            id="offer-form",
                        ),
                    ),
                    max_width="48rem",
                    margin_x="auto",
                ),
                rx.text("Chargement…"),
            ),
        ),
        width="100%",
    )


@page("/espace/employeur/offre/apercu", "Aperçu de l'offre", on_load=OfferPreviewState.load)
def offer_preview_page() -> rx.Component:
    S = OfferPreviewState
    return rx.cond(
        S.denied != "",
        rx.fragment(page_title("Aperçu de l'offre"), notice(S.denied, "error", id="offer-denied")),
        rx.vstack(
            notice("Aperçu : voici l'offre telle qu'un élève la verra.", "info"),
            rx.cond(S.error != "", notice(S.error, "error", id="publish-error")),
            rx.cond(~S.can_publish, notice(S.publish_block_reason, "info")),
            card(offer_detail(S.view, S.weeks, S.levels, S.handicaps), id="offer-preview"),
            rx.flex(
                rx.link(
                    rx.button("Modifier", variant="outline", size="3"),
                    href=f"/espace/employeur/offre?id={S.offer_id}&etape=1",
                ),
                rx.cond(
                    S.view["state"] != "published",
                    rx.button(
                        "Publier",
                        size="3",
                        background=theme.BLUE,
                        cursor="pointer",
                        on_click=S.publish,
                        id="publish",
                        disabled=~S.can_publish,
                    ),
                ),
                rx.link(
                    rx.button("Retour à mon espace", variant="ghost", size="3"),
                    href="/espace/employeur?onglet=offres",
                ),
                gap="1rem",
                wrap="wrap",
            ),
            width="100%",
            max_width="48rem",
            margin_x="auto",
            align="start",
        ),
    )


# ------------------------------------------------------------------ dashboard

STATE_FILTERS_OFFERS = [
    ("draft", "Brouillon"),
    ("published", "Publiée"),
    ("unpublished", "Dépubliée"),
    ("full", "Complète"),
    ("past", "Passée"),
]
STATE_FILTERS_APPS = [
    ("sent", "Nouvelle"),
    ("read", "Lue"),
    ("under_review", "À l'étude"),
    ("accepted", "Acceptée"),
    ("confirmed", "Confirmée"),
    ("refused", "Refusée"),
    ("expired", "Expirée"),
]
STATE_COLORS = {
    "draft": "gray", "published": "green", "unpublished": "orange", "full": "blue",
    "past": "gray", "removed": "red", "sent": "blue", "read": "indigo", "under_review": "amber",
    "accepted": "green", "confirmed": "green", "refused": "red", "expired": "gray",
}  # fmt: skip


def _state_badge(state, label) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=rx.match(state, *[(k, v) for k, v in STATE_COLORS.items()], "gray"),
        variant="soft",
    )


def _filters() -> rx.Component:
    S = EmployerDashboardState
    return rx.form(
        rx.flex(
            rx.box(
                rx.el.label("N° d'offre", html_for="filter-offer", font_size="0.85rem"),
                rx.el.input(
                    id="filter-offer",
                    name="offer_id",
                    type="number",
                    default_value=S.filter_offer,
                    style={
                        "width": "7rem",
                        "padding": "0.4rem",
                        "border": f"1px solid {theme.GREY_BORDER}",
                        "border_radius": "4px",
                    },
                ),
            ),
            rx.box(
                rx.el.label("État", html_for="filter-state", font_size="0.85rem"),
                rx.el.select(
                    rx.el.option("Tous", value=""),
                    rx.cond(
                        S.tab == "offres",
                        rx.fragment(
                            *[rx.el.option(lbl, value=v) for v, lbl in STATE_FILTERS_OFFERS]
                        ),
                        rx.fragment(*[rx.el.option(lbl, value=v) for v, lbl in STATE_FILTERS_APPS]),
                    ),
                    id="filter-state",
                    name="state",
                    default_value=S.filter_state,
                    style={"padding": "0.4rem"},
                ),
            ),
            rx.box(
                rx.el.label("Tri", html_for="filter-sort", font_size="0.85rem"),
                rx.el.select(
                    rx.el.option("Plus récentes", value="recent"),
                    rx.el.option("Plus anciennes", value="oldest"),
                    rx.el.option("Titre", value="title"),
                    id="filter-sort",
                    name="sort",
                    default_value=S.sort,
                    style={"padding": "0.4rem"},
                ),
            ),
            rx.button("Filtrer", type="submit", variant="soft", id="filter-apply"),
            gap="0.75rem",
            align="end",
            wrap="wrap",
        ),
        on_submit=S.apply_filters,
        reset_on_submit=False,
        margin_bottom="1rem",
    )


def _offer_actions(r) -> rx.Component:
    S = EmployerDashboardState
    oid = r["id"].to(int)
    return rx.flex(
        rx.button("Stats", size="1", variant="soft", on_click=S.show_stats(oid, r["title"])),
        rx.link(
            rx.button("Modifier", size="1", variant="soft"),
            href="/espace/employeur/offre?id=" + r["id"] + "&etape=1",
        ),
        rx.link(
            rx.button("Aperçu", size="1", variant="soft"),
            href="/espace/employeur/offre/apercu?id=" + r["id"],
        ),
        rx.button(
            "Dupliquer",
            size="1",
            variant="soft",
            on_click=S.duplicate(oid, False),
            class_name="act-duplicate",
        ),
        rx.cond(
            r["state"] == "past",
            rx.button("Renouveler", size="1", variant="soft", on_click=S.duplicate(oid, True)),
        ),
        rx.cond(
            r["state"] == "published",
            rx.button(
                "Dépublier",
                size="1",
                variant="soft",
                color_scheme="orange",
                on_click=S.act("unpublish", oid),
            ),
        ),
        rx.cond(
            r["state"] == "unpublished",
            rx.button(
                "Republier",
                size="1",
                variant="soft",
                color_scheme="green",
                on_click=S.act("republish", oid),
            ),
        ),
        rx.cond(
            (r["state"] == "published") | (r["state"] == "full"),
            rx.button(
                "Désactiver",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=S.ask_confirm("deactivate", oid),
                class_name="act-deactivate",
            ),
        ),
        rx.button(
            "Supprimer",
            size="1",
            variant="ghost",
            color_scheme="red",
            on_click=S.ask_confirm("remove", oid),
        ),
        gap="0.25rem",
        wrap="wrap",
    )


def _offers_table() -> rx.Component:
    S = EmployerDashboardState
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(h)
                    for h in (
                        "N°",
                        "Offre de stage",
                        "Période d'accueil",
                        "État",
                        "Places",
                        "Candidatures",
                        "Actions",
                    )
                ]
            )
        ),
        rx.table.body(
            rx.foreach(
                S.rows,
                lambda r: rx.table.row(
                    rx.table.cell(r["id"]),
                    rx.table.cell(
                        rx.text(r["title"], font_weight="600"),
                        rx.text(r["city"], font_size="0.8rem", color="#666"),
                    ),
                    rx.table.cell(r["period"]),
                    rx.table.cell(_state_badge(r["state"], r["state_label"])),
                    rx.table.cell(r["places_left"], " / ", r["places_total"]),
                    rx.table.cell(
                        r["applications"],
                        rx.cond(
                            r["pending"] != "0",
                            rx.text(
                                r["pending"], " à traiter", font_size="0.8rem", color=theme.RED
                            ),
                        ),
                    ),
                    rx.table.cell(_offer_actions(r)),
                    class_name="offer-row",
                ),
            )
        ),
        width="100%",
        variant="surface",
        size="1",
    )


def _apps_table() -> rx.Component:
    S = EmployerDashboardState
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(h)
                    for h in (
                        "N°",
                        "Élève",
                        "Établissement",
                        "Offre",
                        "Semaine",
                        "État",
                        "Mise à jour",
                    )
                ]
            )
        ),
        rx.table.body(
            rx.foreach(
                S.rows,
                lambda r: rx.table.row(
                    rx.table.cell(
                        rx.link(r["id"], href="/espace/employeur/candidatures/" + r["id"])
                    ),
                    rx.table.cell(
                        rx.link(
                            r["pupil_name"],
                            href="/espace/employeur/candidatures/" + r["id"],
                            font_weight="600",
                            id="app-link-" + r["id"],
                        )
                    ),
                    rx.table.cell(
                        r["school"],
                        rx.cond(
                            r["rep"] != "",
                            rx.badge(r["rep"], color_scheme="purple", margin_left="0.25rem"),
                        ),
                    ),
                    rx.table.cell(r["offer_id"], " — ", r["offer_title"]),
                    rx.table.cell(r["week_label"]),
                    rx.table.cell(_state_badge(r["state"], r["state_label"])),
                    rx.table.cell(r["updated_at"]),
                    class_name="app-row",
                ),
            )
        ),
        width="100%",
        variant="surface",
        size="1",
    )


def _stats_panel() -> rx.Component:
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


def _confirm_dialog() -> rx.Component:
    S = EmployerDashboardState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(
                rx.cond(
                    S.confirm_action == "deactivate", "Désactiver l'offre ?", "Supprimer l'offre ?"
                )
            ),
            rx.alert_dialog.description(
                rx.cond(
                    S.confirm_action == "deactivate",
                    rx.text(
                        "L'offre n° ",
                        S.confirm_offer,
                        " ne sera plus visible. ",
                        S.confirm_pending,
                        " candidature(s) en attente seront refusées et "
                        "chaque élève en sera prévenu.",
                    ),
                    rx.text(
                        "L'offre n° ", S.confirm_offer, " sera retirée de votre espace et du site."
                    ),
                ),
                id="confirm-text",
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Annuler", variant="soft", color_scheme="gray", on_click=S.cancel_confirm
                    )
                ),
                rx.alert_dialog.action(
                    rx.button("Confirmer", color_scheme="red", on_click=S.confirm, id="confirm-yes")
                ),
                gap="0.75rem",
                justify="end",
                margin_top="1rem",
            ),
        ),
        open=S.confirm_action != "",
    )


def _pagination() -> rx.Component:
    S = EmployerDashboardState
    return rx.hstack(
        rx.button(
            "Précédent",
            size="1",
            variant="soft",
            on_click=S.go_page(S.page - 1),
            disabled=S.page <= 1,
        ),
        rx.text(
            "Page ", S.page, " sur ", S.pages, " — ", S.total, " résultat(s)", font_size="0.85rem"
        ),
        rx.button(
            "Suivant",
            size="1",
            variant="soft",
            on_click=S.go_page(S.page + 1),
            disabled=S.page >= S.pages,
        ),
        margin_top="0.75rem",
        align="center",
    )


@page(
    "/espace/employeur",
    "Mon espace employeur",
    on_load=[EmployerDashboardState.load, ExportState.load],
)
def employer_dashboard_page() -> rx.Component:
    S = EmployerDashboardState
    tabs = [
        ("a_traiter", "Candidatures à traiter"),
        ("traitees", "Candidatures traitées"),
        ("offres", "Vos offres de stage"),
    ]
    return rx.cond(
        ~S.allowed,
        notice("Cet espace est réservé aux employeurs.", "error", id="employer-denied"),
        rx.vstack(
            rx.flex(
                rx.vstack(
                    page_title("Mon espace employeur"),
                    rx.text(S.structure_name, color="#666", margin_top="-0.75rem"),
                    spacing="1",
                ),
                rx.spacer(),
                rx.link("Ma structure", href="/espace/employeur/structure", id="my-structure"),
                rx.button(
                    "+ Déposer une offre",
                    size="3",
                    background=theme.BLUE,
                    cursor="pointer",
                    on_click=OfferFormState.new_offer,
                    id="new-offer",
                ),
                width="100%",
                wrap="wrap",
                gap="1rem",
                align="center",
            ),
            rx.cond(~S.can_publish, notice(S.publish_block_reason, "info")),
            rx.cond(
                S.pending_requests > 0,
                notice(
                    rx.text(
                        S.pending_requests,
                        " demande(s) pour rejoindre votre structure : ",
                        rx.link("voir", href="/espace/employeur/equipe"),
                    ),
                    "info",
                ),
            ),
            rx.cond(S.message != "", notice(S.message, "success", id="dash-message")),
            rx.cond(S.error != "", notice(S.error, "error", id="dash-error")),
            tab_bar(
                "Offres et candidatures",
                tabs,
                S.tab,
                S.set_tab,
                _filters(),
                _stats_panel(),
                rx.box(
                    rx.cond(
                        S.total == 0,
                        rx.text(
                            rx.cond(
                                S.tab == "offres",
                                "Aucune offre pour l'instant : cliquez sur « Déposer une offre ».",
                                "Aucune candidature ici pour l'instant.",
                            ),
                            id="dash-empty",
                        ),
                        rx.cond(S.tab == "offres", _offers_table(), _apps_table()),
                    ),
                    width="100%",
                    overflow_x="auto",
                ),
                _pagination(),
            ),
            export_panel(
                "Vos offres et le détail de leurs candidatures, au format Excel (xlsx). Les "
                "gros fichiers vous sont transmis par e-mail.",
                [("offers", "Vos offres"), ("applications", "Détail des candidatures")],
                title="Exporter",
            ),
            _confirm_dialog(),
            width="100%",
            align="start",
        ),
    )


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


@page("/espace/employeur/structure", "Ma structure", on_load=StructureState.load)
def structure_page() -> rx.Component:
    S = StructureState
    return rx.vstack(
        page_title("Ma structure"),
        rx.cond(
            ~S.allowed,
            notice("Réservé au responsable de la structure.", "error", id="structure-denied"),
            rx.vstack(
                card(
                    rx.heading(S.values.get("name", ""), as_="h2", size="5"),
                    rx.text("SIRET : ", S.values.get("siret", "")),
                    rx.text("NAF : ", S.values.get("naf_code", "")),
                    rx.cond(
                        S.values.get("ministry_label", "") != "",
                        rx.text("Institution de tutelle : ", S.values.get("ministry_label", "")),
                    ),
                    rx.text(
                        S.values.get("address", ""),
                        ", ",
                        S.values.get("postal_code", ""),
                        " ",
                        S.values.get("city", ""),
                    ),
                    max_width="40rem",
                ),
                card(
                    rx.heading("Logo", as_="h2", size="5", margin_bottom="0.5rem"),
                    rx.cond(
                        S.values.get("logo_url", "") != "",
                        rx.image(
                            src=S.values.get("logo_url", "") + "?v=" + S.logo_version.to_string(),
                            alt="Logo actuel",
                            max_width="128px",
                            id="logo-current",
                        ),
                    ),
                    upload_field(
                        "Image du logo",
                        "logo",
                        rx.vstack(
                            rx.button("Choisir une image", type="button", variant="soft"),
                            rx.text(
                                "PNG, JPEG ou WebP, 2 Mo au plus. Il sera réduit à 256 px.",
                                font_size="0.85rem",
                            ),
                            rx.foreach(rx.selected_files("logo"), rx.text),
                            align="center",
                        ),
                        accept={
                            "image/png": [".png"],
                            "image/jpeg": [".jpg", ".jpeg"],
                            "image/webp": [".webp"],
                        },
                        max_files=1,
                        border=f"1px dashed {theme.GREY_BORDER}",
                        padding="1rem",
                        width="100%",
                    ),
                    rx.button(
                        "Enregistrer le logo",
                        margin_top="0.5rem",
                        id="logo-submit",
                        on_click=S.upload_logo(rx.upload_files(upload_id="logo")),
                    ),
                    rx.cond(S.message != "", notice(S.message, "success", id="logo-ok")),
                    rx.cond(S.error != "", notice(S.error, "error", id="logo-error")),
                    max_width="40rem",
                ),
                rx.link(
                    "Gérer les demandes pour rejoindre la structure",
                    href="/espace/employeur/equipe",
                ),
                align="start",
                width="100%",
            ),
        ),
        width="100%",
        align="start",
    )
