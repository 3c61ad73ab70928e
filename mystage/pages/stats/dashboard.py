"""/espace/statistiques — the référents' and admins' dashboard (« Statistiques »):
filters, tiles, charts, map, off-platform figures, « Exporter »."""

from __future__ import annotations

import reflex as rx

from mystage.components import charts, forms, theme
from mystage.components.browser import address_sync
from mystage.components.exports import export_panel
from mystage.components.layout import page
from mystage.components.maps import map_frame
from mystage.components.tables import data_table
from mystage.state.exports import ExportState
from mystage.state.stats.dashboard import StatsState as S

_SELECT = {**theme.SELECT, "padding": "0.5rem", "font_size": "0.95rem"}


def _select(
    label: str, name: str, options: rx.Var, *, all_label: str = "Tous", plain: bool = False
) -> rx.Component:
    """A filter: native select bound to ``StatsState.filters[name]``; ``plain`` for a list
    of strings (académies), else ``{"value", "label"}`` dicts."""
    input_id = f"stats-{name.replace('_', '-')}"
    if plain:
        opts = rx.foreach(options, lambda o: rx.el.option(o, value=o))
    else:
        opts = rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["value"]))
    return forms.labelled_select(
        label,
        input_id,
        *([rx.el.option(all_label, value="")] if all_label else []),
        opts,
        value=S.filters.get(name, ""),
        on_change=lambda v: S.set_filter(name, v),
        style=_SELECT,
        errors=(
            (S.errors.get(name, ""), input_id),
            (S.notices.get(name, ""), f"{input_id}-notice"),
        ),
        box_props={"min_width": "0"},
    )


def _filters() -> rx.Component:
    return rx.box(
        rx.grid(
            _select("Année scolaire", "school_year", S.year_options, all_label=""),
            rx.cond(
                S.department_options.length() > 1,
                _select("Département", "department", S.department_options),
            ),
            rx.cond(
                S.academy_options.length() > 1,
                _select("Académie", "academy", S.academy_options, all_label="Toutes", plain=True),
            ),
            _select("Secteur", "sector_id", S.sector_options),
            _select("Structure", "structure_type", S.structure_options, all_label="Toutes"),
            _select("Éducation prioritaire", "ep", S.ep_options, all_label="Tous les collèges"),
            _select("Niveau", "level", S.level_options),
            _select(
                "Type d'établissement",
                "school_kind",
                S.school_kind_options,
                all_label="Collèges et lycées",
            ),
            rx.cond(
                S.ministry_options.length() > 1,
                _select(
                    "Ministère / institution de tutelle",
                    "ministry",
                    S.ministry_options,
                    all_label="Toutes les offres",
                ),
            ),
            columns=rx.breakpoints(initial="1", sm="2", lg="4"),
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            rx.button(
                "Effacer les filtres",
                variant="outline",
                on_click=S.reset_filters,
                id="stats-reset",
                cursor="pointer",
            ),
            rx.cond(S.loading, rx.spinner(size="2")),
            rx.text(
                rx.cond(
                    S.source == "summary",
                    "Chiffres consolidés le "
                    + S.updated_at
                    + " (mis à jour toutes les 10 minutes)",
                    "Chiffres calculés en direct le " + S.updated_at,
                ),
                font_size="0.85rem",
                color="#666",
                id="stats-source",
            ),
            align="center",
            wrap="wrap",
            gap="0.75rem",
            margin_top="0.75rem",
        ),
        role="search",
        aria_label="Filtres des statistiques",
        style=charts.CARD,
    )


def _charts() -> rx.Component:
    c = charts.measure
    school_table = [
        ("label", ""),
        ("eligible", "Éligibles"),
        ("registered", "Inscrits"),
        ("registered_rate", "Part inscrite (%)"),
    ]
    pupils = (
        ("applications", "Candidatures", c("applications")),
        ("filled", "Stages confirmés", c("confirmed")),
    )
    return rx.grid(
        charts.line_chart(
            "by-month",
            "Places proposées et pourvues par mois",
            S.by_month,
            "label",
            [
                ("offered", "Places proposées", c("places")),
                ("filled", "Places pourvues", c("filled")),
            ],
        ),
        charts.bar_chart(
            "by-state",
            "Candidatures par état",
            S.by_state,
            "label",
            [("count", "Candidatures", c("applications"))],
            vertical=True,
            height=380,
        ),
        charts.bar_chart(
            "by-sector",
            "Offres et places pourvues par secteur",
            S.by_sector,
            "label",
            [("offers", "Offres", c("offers")), ("filled", "Places pourvues", c("filled"))],
            vertical=True,
            height=420,
            table=[
                ("label", "Secteur"),
                ("offers", "Offres"),
                ("places", "Places"),
                ("filled", "Pourvues"),
                ("fill_rate", "Remplissage (%)"),
            ],
        ),
        charts.bar_chart(
            "by-structure",
            "Par type de structure",
            S.by_structure,
            "label",
            [
                ("places", "Places proposées", c("places")),
                ("filled", "Places pourvues", c("filled")),
            ],
            table=[
                ("label", "Type"),
                ("offers", "Offres"),
                ("places", "Places"),
                ("filled", "Pourvues"),
                ("fill_rate", "Remplissage (%)"),
            ],
        ),
        # Candidatures (tens) and confirmed internships (a few): two charts, two scales.
        charts.bar_pair(
            "by-ep", "Élèves de REP, REP+ et des autres collèges", S.by_ep, "label", *pupils
        ),
        charts.bar_pair(
            "by-school-kind",
            "Élèves des collèges et des lycées",
            S.by_school_kind,
            "label",
            *pupils,
        ),  # fmt: skip
        # Schools: 140 eligible next to 2 registered could not be read; the share is.
        charts.bar_chart(
            "schools-by-kind",
            "Collèges et lycées inscrits sur les éligibles",
            S.schools_by_kind,
            "label",
            [("registered_rate", "Part des éligibles inscrits (%)", c("registered_rate"))],
            table=school_table,
        ),
        charts.bar_chart(
            "schools",
            "Établissements inscrits sur les éligibles",
            S.schools,
            "label",
            [("registered_rate", "Part des éligibles inscrits (%)", c("registered_rate"))],
            table=school_table,
        ),
        charts.bar_pair(
            "top-communes",
            "Communes qui proposent le plus d'offres",
            S.top_communes,
            "label",
            ("offers", "Offres", c("offers")),
            ("places", "Places proposées", c("places")),
            vertical=True,
            height=360,
        ),
        charts.card(
            "map",
            "Carte des offres par commune",
            map_frame(
                S.map_url,
                "Carte des offres par commune",
                "420px",
                element_id="stats-map",
                lazy=True,
                placeholder=rx.text("Aucune offre à placer sur la carte.", color=theme.GREY_TEXT),
            ),
        ),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="4",
        width="100%",
    )


def _off_platform() -> rx.Component:
    V, E = S.off_values, S.off_errors
    return rx.box(
        rx.heading("Stages pourvus hors plateforme", as_="h2", size="5", margin_bottom="0.5rem"),
        rx.text(
            "Les associations partenaires et les référents déclarent ici les stages trouvés "
            "sans passer par MyStage. Ils sont comptés à part, à côté des chiffres de la "
            "plateforme.",
            margin_bottom="1rem",
        ),
        rx.grid(
            charts.bar_chart(
                "off-kind",
                "Stages pourvus : plateforme et hors plateforme",
                S.off_by_kind,
                "label",
                [
                    ("platform", "Sur MyStage", charts.measure("filled")),
                    ("off_platform", "Hors plateforme", charts.measure("off_platform")),
                ],
            ),
            charts.bar_chart(
                "off-sector",
                "Hors plateforme, par secteur",
                S.off_by_sector,
                "label",
                [("count", "Stages", charts.measure("off_platform"))],
                vertical=True,
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        rx.form(
            rx.heading("Déclarer des stages hors plateforme", as_="h3", size="4"),
            rx.grid(
                _form_select("Année scolaire", "school_year", S.year_options, V, E, empty=""),
                _form_select(
                    "Département",
                    "department_code",
                    S.department_options,
                    V,
                    E,
                    empty=rx.cond(S.national, "France entière", "Choisir…"),
                ),  # fmt: skip
                _form_select("Type de structure", "kind", S.structure_options, V, E, empty=""),
                _form_select("Secteur", "sector_id", S.sector_options, V, E, empty="Non précisé"),
                rx.box(
                    forms.field_label("Nombre de stages", "off-count", True),
                    rx.input(
                        id="off-count",
                        name="count",
                        type="number",
                        min="0",
                        input_mode="numeric",
                        default_value=V.get("count", ""),
                        key=V.get("count", "") + S.off_message,
                        aria_describedby="off-count-err",
                    ),
                    forms.field_error(E.get("count", ""), "off-count"),
                ),
                columns=rx.breakpoints(initial="1", sm="2", lg="5"),
                spacing="3",
                width="100%",
                align_items="end",
            ),
            rx.button(
                "Enregistrer",
                type="submit",
                id="off-submit",
                background=theme.BLUE,
                color="white",
                cursor="pointer",
                margin_top="0.75rem",
            ),
            rx.cond(
                S.off_message != "", rx.text(S.off_message, role="status", margin_top="0.5rem")
            ),
            on_submit=S.add_off_platform,
            margin_top="1rem",
            style=charts.CARD,
        ),
        rx.cond(
            S.off_entries.length() > 0,
            rx.box(
                data_table(
                    ("Dép.", "Type", "Secteur", "Stages", "Saisi le", ""),
                    S.off_entries,
                    lambda r: [
                        r["department_code"],
                        r["kind_label"],
                        r["sector"],
                        r["count"],
                        r["created_at"],
                        rx.cond(
                            r["mine"] == "True",
                            rx.button(
                                "Supprimer",
                                size="1",
                                variant="outline",
                                color_scheme="red",
                                on_click=S.delete_off_platform(r["id"].to(int)),
                            ),
                        ),
                    ],
                    width="100%",
                    font_size="0.9rem",
                    id="off-entries",
                ),
                overflow_x="auto",
                margin_top="1rem",
            ),
        ),
        margin_top="2rem",
    )


def _form_select(label, name, options, values, errors, *, empty) -> rx.Component:
    input_id = f"off-{name.replace('_', '-')}"
    return forms.labelled_select(
        label,
        input_id,
        *([rx.el.option(empty, value="")] if not isinstance(empty, str) or empty else []),
        rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["value"])),
        name=name,
        default_value=values.get(name, ""),
        key=values.get(name, "") + S.off_message,
        style=_SELECT,
        errors=((errors.get(name, ""), input_id),),
        box_props={"min_width": "0"},
    )


def _exports() -> rx.Component:
    return rx.box(
        export_panel(
            "Fichiers Excel (xlsx) des données de votre territoire, avec les filtres choisis "
            "ci-dessus. Les gros fichiers sont préparés en arrière-plan et vous sont transmis "
            "par e-mail (lien personnel valable 7 jours).",
            [
                ("offers", "Offres"),
                ("applications", "Candidatures"),
                ("stats_sector", "Statistiques par secteur"),
                ("stats_structure", "Statistiques par type de structure"),
            ],
            S.filters,
            rep_schools=True,
        ),
        margin_top="2rem",
        width="100%",
    )


def _dashboard() -> rx.Component:
    return rx.vstack(
        rx.text("Territoire : ", rx.text.strong(S.scope_label), id="stats-scope"),
        _filters(),
        charts.tiles(S.tiles),
        # The charts' titles are h3: their section heading keeps the outline in order.
        rx.heading("En détail", as_="h2", size="5", margin_top="0.5rem"),
        _charts(),
        _exports(),
        _off_platform(),
        width="100%",
        spacing="4",
        align="stretch",
    )


@page("/espace/statistiques", "Statistiques", on_load=[S.load, ExportState.load])
def statistics_page() -> rx.Component:
    return rx.box(
        rx.link("Retour à mon espace", href="/espace", color=theme.BLUE),
        forms.page_title("Statistiques"),
        address_sync(S.address),
        rx.cond(
            S.allowed,
            _dashboard(),
            rx.cond(S.denied != "", forms.notice(S.denied, "error", id="stats-denied")),
        ),
        width="100%",
    )
