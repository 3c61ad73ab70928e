"""The four steps of « Déposer une offre »: structure, offer, welcome (levels, weeks,
places, reservations), practical information."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.bound_fields import (
    bound_error,
    bound_field,
    bound_radio,
    bound_select,
    bound_textarea,
    postal_code_and_city,
    public_structure_fields,
    side_by_side,
)
from mystage.components.forms import checkbox_field, field_error
from mystage.components.maps import map_frame
from mystage.state.offers import WEEKDAYS, OfferFormState


def _flag(label: str, name: str) -> rx.Component:
    """A box of the offer form, ticked as the offer's flag ``name`` is."""
    return checkbox_field(label, name, checked=OfferFormState.flags.get(name, False))


def _flag_group(legend: str, *children: rx.Component) -> rx.Component:
    """Boxes under their legend (a fieldset without a frame)."""
    return rx.el.fieldset(
        rx.el.legend(legend, font_weight="600"), *children, border="none", padding="0"
    )


def space_picker(S) -> rx.Component:
    """« Espace »: where the offer goes (its applications' recipients follow the space)."""
    return rx.box(
        rx.el.label("Espace", html_for="f-space_id", font_weight="600", display="block"),
        rx.text(
            "Les candidatures sont envoyées aux membres qui suivent cet espace.",
            font_size="0.8rem",
            color="#666",
        ),
        rx.el.select(
            rx.foreach(S.spaces, lambda sp: rx.el.option(sp["name"], value=sp["id"])),
            id="f-space_id",
            name="space_id",
            default_value=S.values.get("space_id", ""),
            aria_describedby="f-space_id-err",
            style={"padding": "0.5rem", "min_width": "14rem"},
        ),
        field_error(S.errors.get("space_id", ""), "f-space_id"),
        margin_bottom="1rem",
    )


def step1() -> rx.Component:
    S = OfferFormState
    return rx.fragment(
        rx.text(
            "Ces informations sont reprises de votre compte ; le lieu du stage peut "
            "différer du siège.",
            margin_bottom="1rem",
        ),
        rx.cond(S.spaces.length() > 1, space_picker(S)),
        bound_field(S, "Nom affiché de la structure", "employer_name", required=True),
        bound_textarea(
            S, "Présentation de la structure", "employer_description", max_chars=1000, rows=4
        ),
        bound_field(S, "Site web", "employer_website", type="url"),
        public_structure_fields(S, S.flags.get("is_public", False)),
        rx.heading("Adresse du lieu de stage", as_="h3", size="4", margin_y="0.75rem"),
        bound_field(S, "Adresse", "street", required=True),
        postal_code_and_city(S),
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


def step2() -> rx.Component:
    S = OfferFormState
    return rx.fragment(
        bound_field(
            S,
            "Titre de l'offre",
            "title",
            required=True,
            hint="Conseil : « Nom de l'entreprise – Secteur – Métier », par exemple "
            "« Boulangerie Martin – Alimentation – Boulanger ».",
        ),
        bound_textarea(
            S,
            "Description de l'offre",
            "description",
            max_chars=1000,
            required=True,
            rows=7,
            hint="Missions observées, déroulé de la semaine, tenue à prévoir…",
        ),
        bound_select(S, "Secteur d'activité", "sector_id", S.sectors, required=True),
        bound_textarea(
            S,
            "Environnement de travail (facultatif)",
            "work_environment",
            max_chars=1000,
            rows=3,
            hint="Open space, niveau sonore, luminosité…",
        ),
        bound_textarea(
            S,
            "Accessibilité du poste (facultatif)",
            "accessibility_text",
            max_chars=1000,
            rows=3,
            hint="Déplacements dans les locaux, informations sonores ou visuelles, ascenseur…",
        ),
        _flag_group(
            "L'élève peut être accueilli en situation de handicap :",
            _flag("visuel", "handicap_visual"),
            _flag("moteur", "handicap_motor"),
            _flag("mental", "handicap_mental"),
            _flag("auditif", "handicap_hearing"),
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
            aria_label="Places pour la " + w["label"].lower(),
            style={"width": "4rem", "padding": "0.2rem"},
        ),
        width="100%",
        align="center",
        padding_y="0.15rem",
        border_bottom=f"1px solid {theme.GREY_LIGHT}",
        class_name="week-row",
    )


def step3() -> rx.Component:
    S = OfferFormState
    return rx.fragment(
        _flag_group(
            "Votre offre s'adresse aux élèves de *",
            _flag("4e", "level_4e"),
            _flag("3e (générale, SEGPA, prépa-métiers)", "level_3e"),
            _flag("2de générale et technologique", "level_2de"),
            bound_error(S, "levels", id="f-levels-err"),
        ),
        bound_radio(
            S,
            "Pour les lycéens de 2de GT, période nationale de juin :",
            "seconde_period",
            [
                ("both", "les 2 semaines"),
                ("week1", "la 1re semaine seulement"),
                ("week2", "la 2e semaine seulement"),
            ],
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
        _flag(
            "Toute l'année scolaire (les élèves peuvent candidater pour n'importe quelle semaine)",
            "all_year",
        ),
        bound_field(
            S,
            "Nombre de places par semaine",
            "places",
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
        bound_error(S, "weeks", id="f-weeks-err"),
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
        bound_radio(
            S, "Accueil", "group_kind", [("individual", "individuel"), ("group", "en groupe")]
        ),
        bound_field(S, "Élèves par groupe (si accueil en groupe)", "max_per_group", type="number"),
        rx.heading("Période de candidature (facultatif)", as_="h3", size="4", margin_y="0.5rem"),
        rx.text(
            "« Postuler » n'apparaît qu'entre ces deux dates.",
            font_size="0.85rem",
            margin_bottom="0.5rem",
        ),
        side_by_side(
            (bound_field(S, "Du", "application_start", type="date"), "1"),
            (
                rx.box(
                    bound_field(S, "Au", "application_end", type="date"),
                    rx.cond(
                        S.window_warning != "",
                        rx.text(
                            S.window_warning,
                            id="f-application_end-warn",
                            role="status",
                            font_size="0.85rem",
                            color="#6e4400",
                            background="#fff4d6",
                            border_left="4px solid #b34000",
                            padding="0.4rem 0.6rem",
                            margin_top="0.25rem",
                        ),
                    ),
                ),
                "1",
            ),
        ),
        rx.heading("Égalité des chances", as_="h3", size="4", margin_y="0.5rem"),
        _flag("Réserver l'offre aux élèves des collèges REP / REP+", "reserved_rep"),
        _flag("Réserver l'offre aux lycées en quartier prioritaire (QPV)", "reserved_qpv"),
        rx.box(
            rx.el.label(
                "Réserver à un ou plusieurs établissements (nom, ville ou UAI)",
                html_for="school-search",
                font_weight="600",
                display="block",
            ),
            # Uncontrolled (issue 16): a late echo of the server never overwrites what is
            # typed; a choice empties the field in the browser.
            rx.input(
                id="school-search",
                name="school_query",
                default_value=S.school_query,
                on_change=S.search_schools.debounce(300),
                placeholder="ex. : Meaux",
                auto_complete="off",
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
                    on_click=[rx.set_value("school-search", ""), S.add_school(r["id"], r["label"])],
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
            bound_error(S, "reserved_school_ids"),
            margin_bottom="1rem",
        ),
    )


def step4() -> rx.Component:
    S = OfferFormState
    return rx.fragment(
        bound_radio(
            S,
            "Horaires",
            "hours_mode",
            [("same", "les mêmes tous les jours"), ("per_day", "selon le jour")],
        ),
        side_by_side(
            (bound_field(S, "Arrivée", "hours_start", type="time"), "1"),
            (bound_field(S, "Départ", "hours_end", type="time"), "1"),
            stack_on_phones=False,
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
            bound_error(S, "per_day"),
            margin_bottom="1rem",
        ),
        bound_textarea(S, "Pause déjeuner", "lunch_break", max_chars=500, rows=2),
        _flag("Repas possible sur place", "meals_on_site"),
        bound_textarea(S, "Repas : conditions et coût", "meals", max_chars=500, rows=2),
        bound_textarea(
            S,
            "Déplacements pendant le stage et leur prise en charge",
            "travel",
            max_chars=500,
            rows=2,
        ),
        rx.heading("Tuteur ou tutrice", as_="h3", size="4", margin_y="0.5rem"),
        bound_field(S, "Nom", "tutor_name", required=True),
        bound_field(S, "Fonction", "tutor_role"),
        bound_field(S, "Courriel", "tutor_email", type="email", required=True),
        bound_field(S, "Téléphone", "tutor_phone", type="tel"),
        bound_field(
            S, "Adresse qui reçoit les candidatures", "contact_email", type="email", required=True
        ),
        _flag("Les élèves qui ont postulé peuvent voir les coordonnées du tuteur", "show_contact"),
    )
