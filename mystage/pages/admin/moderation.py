"""« Modération des offres » (/espace/admin/moderation): the offers waiting for a
moderator (review mode) and the reports (« Signalements »)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.admin_nav import admin_nav
from mystage.components.controls import pager
from mystage.components.forms import notice, page_title, panel, shown_error
from mystage.components.layout import page
from mystage.components.tabs import tab_bar
from mystage.state.admin.moderation import ModerationState

S = ModerationState


def _line(label: str, value) -> rx.Component:
    return rx.cond(
        value != "",
        rx.text(rx.el.strong(label + " : "), value, font_size="0.9rem", white_space="pre-wrap"),
    )


def _offer_item(o) -> rx.Component:
    return panel(
        rx.flex(
            rx.heading(o["title"], as_="h3", size="4"),
            rx.text("Offre n° ", o["id"], font_size="0.85rem", color="#555"),
            justify="between",
            wrap="wrap",
            gap="0.5rem",
            width="100%",
        ),
        rx.text(
            "Soumise le ",
            o["submitted_at"],
            " par ",
            o["author"],
            " (",
            o["author_email"],
            ")",
            rx.cond(o["was_published"] == "1", " — déjà publiée auparavant", ""),
            font_size="0.85rem",
            color="#555",
        ),
        rx.text(
            rx.el.strong("Structure : "),
            rx.cond(o["structure_name"] != "", o["structure_name"], o["employer_name"]),
            rx.cond(o["siret"] != "", " — SIRET " + o["siret"], ""),
            rx.cond(o["structure_validated"] == "1", "", " — structure non validée"),
            font_size="0.9rem",
        ),
        _line("Nom affiché", o["employer_name"]),
        _line("Présentation de la structure", o["employer_description"]),
        _line("Site", o["employer_website"]),
        _line("Secteur", o["sector"]),
        _line("Description", o["description"]),
        _line("Environnement de travail", o["work_environment"]),
        _line("Semaines", o["period"]),
        _line("Niveaux", o["levels"]),
        _line("Places", o["places"]),
        _line("Adresse", o["address"]),
        rx.flex(
            rx.button(
                "Publier",
                size="2",
                on_click=S.open_dialog("approve", o["id"], o["title"]),
                class_name="mod-approve",
                aria_label="Publier l'offre : " + o["title"].to(str),
                cursor="pointer",
            ),
            rx.button(
                "Refuser",
                size="2",
                color_scheme="red",
                variant="soft",
                on_click=S.open_dialog("refuse", o["id"], o["title"]),
                class_name="mod-refuse",
                aria_label="Refuser l'offre : " + o["title"].to(str),
                cursor="pointer",
            ),
            gap="0.5rem",
            margin_top="0.5rem",
        ),
        width="100%",
        class_name="mod-offer",
        custom_attrs={"data-offer-id": o["id"]},
    )


def _report_item(r) -> rx.Component:
    return panel(
        rx.flex(
            rx.link(
                rx.heading(r["offer_title"], as_="h3", size="4"),
                href="/offres/" + r["offer_id"],
                is_external=True,
            ),
            rx.text("Offre n° ", r["offer_id"], font_size="0.85rem", color="#555"),
            justify="between",
            wrap="wrap",
            gap="0.5rem",
            width="100%",
        ),
        rx.text(
            r["employer_name"],
            " — signalée le ",
            r["created_at"],
            " par ",
            r["reporter"],
            rx.cond(
                r["reports_for_offer"] != "1",
                " (" + r["reports_for_offer"] + " signalements ouverts pour cette offre)",
                "",
            ),
            font_size="0.85rem",
            color="#555",
        ),
        _line("Motif", r["reason"]),
        _line("Précisions", r["text"]),
        rx.cond(
            r["online"] != "1",
            rx.text("L'offre n'est plus en ligne.", font_size="0.85rem", color="#555"),
        ),
        rx.flex(
            rx.cond(
                r["online"] == "1",
                rx.button(
                    "Dépublier",
                    size="2",
                    color_scheme="red",
                    on_click=S.open_dialog("unpublish", r["id"], r["offer_title"]),
                    class_name="mod-unpublish",
                    aria_label="Dépublier l'offre : " + r["offer_title"].to(str),
                    cursor="pointer",
                ),
            ),
            rx.button(
                "Classer sans suite",
                size="2",
                variant="soft",
                on_click=S.open_dialog("dismiss", r["id"], r["offer_title"]),
                class_name="mod-dismiss",
                aria_label="Classer sans suite le signalement : " + r["offer_title"].to(str),
                cursor="pointer",
            ),
            gap="0.5rem",
            margin_top="0.5rem",
        ),
        width="100%",
        class_name="mod-report",
        custom_attrs={"data-offer-id": r["offer_id"]},
    )


def _dialog() -> rx.Component:
    """The confirmation of every action; « Refuser » and « Dépublier » need a reason
    (mailed to the offer's author), « Classer sans suite » takes an optional note."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.dialog_title),
            rx.dialog.description(
                rx.text("« ", S.dialog_subject, " »"),
                rx.cond(
                    S.dialog == "approve",
                    rx.text("L'offre apparaîtra dans la recherche ; son auteur sera prévenu."),
                ),
                id="mod-dialog-desc",
                margin_bottom="0.75rem",
            ),
            rx.form(
                rx.cond(
                    S.reason_label != "",
                    rx.box(
                        rx.el.label(
                            S.reason_label,
                            html_for="mod-reason",
                            font_weight="600",
                            display="block",
                            margin_bottom="0.25rem",
                        ),
                        rx.el.textarea(
                            id="mod-reason",
                            name="reason",
                            rows=5,
                            default_value=S.reason_draft,
                            max_length=2000,
                            aria_describedby="mod-reason-err",
                            aria_invalid=rx.cond(S.reason_error != "", "true", "false"),
                            style={
                                "width": "100%",
                                "padding": "0.6rem",
                                "border": rx.cond(
                                    S.reason_error != "",
                                    f"2px solid {theme.ERROR}",
                                    f"1px solid {theme.GREY_BORDER}",
                                ),
                                "border_radius": "4px",
                                "font_family": "inherit",
                                "font_size": "1rem",
                                "box_sizing": "border-box",
                            },
                        ),
                        shown_error(S.reason_error, "mod-reason-err"),
                        width="100%",
                    ),
                ),
                rx.flex(
                    rx.dialog.close(
                        rx.button(
                            "Annuler",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            id="mod-dialog-no",
                        )
                    ),
                    rx.button(
                        S.dialog_yes,
                        type="submit",
                        id="mod-dialog-yes",
                        color_scheme=rx.cond(
                            (S.dialog == "refuse") | (S.dialog == "unpublish"), "red", "indigo"
                        ),
                        cursor="pointer",
                    ),
                    gap="0.75rem",
                    justify="end",
                    margin_top="1rem",
                ),
                on_submit=S.confirm,
                reset_on_submit=False,
            ),
            aria_describedby="mod-dialog-desc",
        ),
        open=S.dialog != "",
        on_open_change=S.close_dialog,
    )


def _offers_panel() -> rx.Component:
    return rx.cond(
        S.offers_total == 0,
        rx.text("Aucune offre en attente de modération.", id="mod-offers-none"),
        rx.vstack(
            rx.text(S.offers_total, " offre(s) en attente, la plus ancienne d'abord."),
            rx.foreach(S.offers, _offer_item),
            rx.cond(S.pages > 1, pager(S, font_size="0.9rem")),
            width="100%",
            spacing="3",
            id="mod-offers",
        ),
    )


def _reports_panel() -> rx.Component:
    return rx.cond(
        S.reports_total == 0,
        rx.text("Aucun signalement à traiter.", id="mod-reports-none"),
        rx.vstack(
            rx.text(S.reports_total, " signalement(s) à traiter, le plus ancien d'abord."),
            rx.foreach(S.reports, _report_item),
            rx.cond(S.pages > 1, pager(S, font_size="0.9rem")),
            width="100%",
            spacing="3",
            id="mod-reports",
        ),
    )


@page("/espace/admin/moderation", "Modération des offres", on_load=ModerationState.load)
def moderation_page() -> rx.Component:
    return rx.vstack(
        page_title("Modération des offres"),
        admin_nav("moderation"),
        rx.cond(
            S.allowed,
            rx.vstack(
                rx.cond(S.message != "", notice(S.message, "success", id="mod-message")),
                rx.cond(S.error != "", notice(S.error, "error", id="mod-error")),
                tab_bar(
                    "Modération",
                    [
                        ("offres", "Offres à vérifier (" + S.offers_total.to_string() + ")"),
                        (
                            "signalements",
                            "Signalements (" + S.reports_total.to_string() + ")",
                        ),
                    ],
                    S.tab,
                    S.set_tab,
                    rx.cond(S.tab == "offres", _offers_panel(), _reports_panel()),
                    id_prefix="mod-tab",
                ),
                _dialog(),
                width="100%",
                align="start",
            ),
            rx.cond(
                S.loaded,
                notice(
                    "Cette page est réservée aux administrateurs et aux modérateurs.",
                    "error",
                    id="mod-denied",
                ),
            ),
        ),
        width="100%",
        align="start",
    )
