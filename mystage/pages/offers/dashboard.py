"""« Mon espace employeur »: applications to answer / answered, the offers with their
actions, statistics, the confirmation of deactivate / remove, exports."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.controls import pager, state_badge
from mystage.components.exports import export_panel
from mystage.components.forms import notice, page_title
from mystage.components.layout import page
from mystage.components.tabs import tab_bar
from mystage.pages.offers.dashboard_panels import confirm_offer_dialog, stats_panel
from mystage.state.exports import ExportState
from mystage.state.offers import EmployerDashboardState, OfferFormState

# ------------------------------------------------------------------ dashboard

STATE_FILTERS_OFFERS = [
    ("draft", "Brouillon"),
    ("published", "Publiée"),
    ("unpublished", "Dépubliée"),
    ("pending", "En attente de modération"),
    ("activation", "À valider par e-mail"),
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
    "deactivated": "red", "pending": "amber", "activation": "amber",
    "refused_moderation": "red",
}  # fmt: skip
# What the employer still has to do on an application of these states (« Répondre »).
TODO_STATES = ("sent", "read", "under_review")


def _state_badge(state, label) -> rx.Component:
    return state_badge(state, label, STATE_COLORS)


def _filter_select(
    label: str, input_id: str, name: str, default, *options: rx.Component
) -> rx.Component:
    """A select of the dashboard's filters under its small label."""
    return rx.box(
        rx.el.label(label, html_for=input_id, font_size="0.85rem"),
        rx.el.select(
            *options, id=input_id, name=name, default_value=default, style={"padding": "0.4rem"}
        ),
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
            _filter_select(
                "État",
                "filter-state",
                "state",
                S.filter_state,
                rx.el.option("Tous", value=""),
                rx.cond(
                    S.tab == "offres",
                    rx.fragment(*[rx.el.option(lbl, value=v) for v, lbl in STATE_FILTERS_OFFERS]),
                    rx.fragment(*[rx.el.option(lbl, value=v) for v, lbl in STATE_FILTERS_APPS]),
                ),
            ),
            rx.cond(
                S.spaces.length() > 1,
                _filter_select(
                    "Espace",
                    "filter-space",
                    "space_id",
                    S.filter_space,
                    rx.el.option("Tous mes espaces", value=""),
                    rx.foreach(S.spaces, lambda sp: rx.el.option(sp["name"], value=sp["id"])),
                ),
            ),
            _filter_select(
                "Tri",
                "filter-sort",
                "sort",
                S.sort,
                rx.el.option("Plus récentes", value="recent"),
                rx.el.option("Plus anciennes", value="oldest"),
                rx.el.option("Titre", value="title"),
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


def _action(label: str, on_click, **props) -> rx.Component:
    """A small button of an offer's row."""
    return rx.button(label, size="1", variant="soft", on_click=on_click, **props)


def _action_link(label: str, href) -> rx.Component:
    """A small button of an offer's row that opens another page."""
    return rx.link(rx.button(label, size="1", variant="soft"), href=href)


def _offer_actions(r) -> rx.Component:
    S = EmployerDashboardState
    oid = r["id"].to(int)
    state = r["state"]
    return rx.flex(
        _action("Stats", S.show_stats(oid, r["title"])),
        _action_link("Modifier", "/espace/employeur/offre?id=" + r["id"] + "&etape=1"),
        _action_link("Aperçu", "/espace/employeur/offre/apercu?id=" + r["id"]),
        _action("Dupliquer", S.duplicate(oid, False), class_name="act-duplicate"),
        rx.cond(state == "past", _action("Renouveler", S.duplicate(oid, True))),
        rx.cond(
            state == "published",
            _action("Dépublier", S.act("unpublish", oid), color_scheme="orange"),
        ),
        rx.cond(
            state == "unpublished",
            _action("Republier", S.act("republish", oid), color_scheme="green"),
        ),
        rx.cond(
            state == "activation",
            _action("Renvoyer le lien", S.act("publish", oid), class_name="act-resend-link"),
        ),
        rx.cond(
            (state == "published") | (state == "full"),
            _action(
                "Désactiver",
                S.ask_confirm("deactivate", oid),
                color_scheme="red",
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


def _rows_table(headers: tuple[str, ...], row) -> rx.Component:
    """The rows of the tab (``EmployerDashboardState.rows``) under their column headers."""
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(EmployerDashboardState.rows, row)),
        width="100%",
        variant="surface",
        size="1",
        class_name="wide-only",
    )


def _offer_state(r) -> rx.Component:
    """The offer's state badge, and what happened when it was deactivated."""
    return rx.fragment(
        _state_badge(r["badge"], r["state_label"]),
        rx.cond(
            r["state_note"] != "",
            rx.text(r["state_note"], font_size="0.8rem", color="#666", class_name="state-note"),
        ),
    )


def _card(*children, **props) -> rx.Component:
    """One record of a list on a narrow screen (the tables are for wider ones)."""
    return rx.box(
        *children,
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        padding="0.75rem",
        background="white",
        width="100%",
        **props,
    )


def _small(*children, **props) -> rx.Component:
    return rx.text(*children, font_size="0.85rem", **props)


def _offer_card(r) -> rx.Component:
    return _card(
        rx.flex(
            _small("N° ", rx.text.span(r["id"], class_name="offer-id"), color="#666"),
            rx.box(_offer_state(r), text_align="right"),
            justify="between",
            align="start",
            gap="0.5rem",
        ),
        rx.text(r["title"], font_weight="600", margin_top="0.25rem"),
        _small(r["city"], color="#666"),
        _small(r["period"], margin_top="0.25rem"),
        _small(
            "Places : ",
            r["places_left"],
            " / ",
            r["places_total"],
            " · Candidatures : ",
            r["applications"],
            rx.cond(
                r["pending"] != "0",
                rx.text.span(" (", r["pending"], " à traiter)", color=theme.RED),
            ),
        ),
        rx.box(_offer_actions(r), margin_top="0.5rem"),
        class_name="offer-card",
    )


def _app_card(r) -> rx.Component:
    href = "/espace/employeur/candidatures/" + r["id"]
    return _card(
        rx.flex(
            rx.link(r["pupil_name"], href=href, font_weight="600"),
            _state_badge(r["state"], r["state_label"]),
            justify="between",
            align="start",
            gap="0.5rem",
            wrap="wrap",
        ),
        _small(
            r["school"],
            rx.cond(
                r["rep"] != "",
                rx.badge(r["rep"], color_scheme="purple", margin_left="0.25rem"),
            ),
        ),
        _small("Offre n° ", r["offer_id"], " — ", r["offer_title"], margin_top="0.25rem"),
        _small(r["week_label"]),
        _small("Candidature n° ", r["id"], " · mise à jour le ", r["updated_at"], color="#666"),
        rx.cond(
            r["convention_label"] != "",
            rx.link(
                "Convention : " + r["convention_label"].to(str),
                href=r["convention_url"],
                display="block",
                font_size="0.85rem",
            ),
        ),
        rx.link(
            rx.button(
                rx.cond(
                    rx.Var.create(list(TODO_STATES)).contains(r["state"]),
                    "Voir et répondre",
                    "Voir la candidature",
                ),
                size="2",
                variant="soft",
            ),
            href=href,
            margin_top="0.5rem",
            display="inline-block",
        ),
        class_name="app-card",
    )


def _cards(row) -> rx.Component:
    return rx.vstack(
        rx.foreach(EmployerDashboardState.rows, row),
        spacing="2",
        width="100%",
        class_name="narrow-only",
        id="dash-cards",
    )


def _offers_table() -> rx.Component:
    return _rows_table(
        ("N°", "Offre de stage", "Période d'accueil", "État", "Places", "Candidatures", "Actions"),
        lambda r: rx.table.row(
            rx.table.cell(r["id"]),
            rx.table.cell(
                rx.text(r["title"], font_weight="600"),
                rx.text(r["city"], font_size="0.8rem", color="#666"),
            ),
            rx.table.cell(r["period"]),
            rx.table.cell(_offer_state(r)),
            rx.table.cell(r["places_left"], " / ", r["places_total"]),
            rx.table.cell(
                r["applications"],
                rx.cond(
                    r["pending"] != "0",
                    rx.text(r["pending"], " à traiter", font_size="0.8rem", color=theme.RED),
                ),
            ),
            rx.table.cell(_offer_actions(r)),
            class_name="offer-row",
        ),
    )


def _apps_table() -> rx.Component:
    return _rows_table(
        ("N°", "Élève", "Établissement", "Offre", "Semaine", "État", "Mise à jour"),
        lambda r: rx.table.row(
            rx.table.cell(rx.link(r["id"], href="/espace/employeur/candidatures/" + r["id"])),
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
            rx.table.cell(
                _state_badge(r["state"], r["state_label"]),
                rx.cond(
                    r["convention_label"] != "",
                    rx.link(
                        "Convention : " + r["convention_label"].to(str),
                        href=r["convention_url"],
                        display="block",
                        font_size="0.8rem",
                        margin_top="0.25rem",
                        id="app-convention-" + r["id"],
                    ),
                ),
            ),
            rx.table.cell(r["updated_at"]),
            class_name="app-row",
        ),
    )


def _pagination() -> rx.Component:
    S = EmployerDashboardState
    return pager(S, " — ", S.total, " résultat(s)", font_size="0.85rem")


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
                rx.link("Mon équipe", href="/espace/employeur/equipe", id="my-team"),
                rx.link("Mes espaces", href="/espace/employeur/espaces", id="my-spaces"),
                rx.link(
                    "Mes conventions de stage",
                    href="/espace/employeur/conventions",
                    id="my-conventions",
                ),
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
                stats_panel(),
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
                        rx.cond(
                            S.tab == "offres",
                            rx.fragment(_offers_table(), _cards(_offer_card)),
                            rx.fragment(_apps_table(), _cards(_app_card)),
                        ),
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
            confirm_offer_dialog(),
            width="100%",
            align="start",
        ),
    )
