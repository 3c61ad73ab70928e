"""« Structures » of the back office (issue 18; administrators and moderators): the
structures awaiting validation with their SIRET and NAF code checked, a search by name,
SIRET or « #id », and per structure « Suspendre » / « Lever la suspension », « Regrouper
dans… » (a duplicate) and « Historique »; every action asks for a confirmation."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.admin_nav import admin_nav
from mystage.components.dialogs import confirm_dialog
from mystage.components.forms import field, notice, page_title, shown_error, textarea_field
from mystage.components.layout import page
from mystage.state.admin.orgs import StructuresAdminState as S


def _check(ok, text) -> rx.Component:
    return rx.text(
        rx.cond(ok == "1", "✓ ", "⚠ "),
        text,
        color=rx.cond(ok == "1", theme.SUCCESS, theme.ERROR),
        font_size="0.85rem",
        as_="span",
    )


def _button(label, action, r, **props) -> rx.Component:
    return rx.button(
        label,
        size="1",
        variant="soft",
        on_click=S.ask(action, r["id"]),
        cursor="pointer",
        aria_label=label + " : " + r["name"].to(str),
        **props,
    )


def _pending_row(r) -> list:
    return [
        rx.text(r["name"], font_weight="600"),
        rx.vstack(
            rx.text(rx.cond(r["siret"] != "", r["siret"], "—"), font_size="0.85rem"),
            _check(r["siret_ok"], r["siret_check"]),
            spacing="0",
        ),
        rx.vstack(
            rx.text(rx.cond(r["naf_code"] != "", r["naf_code"], "—"), font_size="0.85rem"),
            _check(r["naf_ok"], rx.cond(r["naf_ok"] == "1", "Code connu", "Code NAF inconnu")),
            spacing="0",
        ),
        rx.text(r["city"], font_size="0.85rem"),
        rx.text(r["owner"], " ", r["owner_email"], font_size="0.85rem"),
        rx.text(r["created_at"], font_size="0.85rem"),
        rx.hstack(
            _button("Valider", "validate", r, class_name="structure-validate"),
            _button("Refuser", "refuse", r, color_scheme="red", class_name="structure-refuse"),
            wrap="wrap",
        ),
    ]


def _result_row(r) -> list:
    return [
        rx.vstack(
            rx.text(r["name"], " (#", r["id"], ")", font_weight="600"),
            rx.text(r["city"], font_size="0.85rem"),
            spacing="0",
        ),
        rx.vstack(
            rx.text(rx.cond(r["siret"] != "", r["siret"], "—"), font_size="0.85rem"),
            _check(r["siret_ok"], r["siret_check"]),
            spacing="0",
        ),
        rx.text(r["owner"], " ", r["owner_email"], font_size="0.85rem"),
        rx.vstack(
            rx.text(r["state"], font_weight=rx.cond(r["suspended"] == "1", "700", "400")),
            rx.cond(
                r["suspended"] == "1",
                rx.text("Motif : ", r["suspension_reason"], font_size="0.8rem"),
            ),
            spacing="0",
        ),
        rx.text(r["members"], " membre(s), ", r["online_offers"], " offre(s) en ligne"),
        rx.hstack(
            rx.cond(
                r["suspended"] == "1",
                _button("Lever la suspension", "lift", r, class_name="structure-lift"),
                _button(
                    "Suspendre", "suspend", r, color_scheme="red", class_name="structure-suspend"
                ),
            ),
            _button("Regrouper dans…", "merge", r, class_name="structure-merge"),
            rx.button(
                "Historique",
                size="1",
                variant="ghost",
                on_click=S.show_history(r["id"]),
                cursor="pointer",
                aria_label="Historique : " + r["name"].to(str),
                class_name="structure-history",
            ),
            wrap="wrap",
        ),
    ]


def _table(headers: list[str], rows, cells, table_id: str) -> rx.Component:
    return rx.box(
        rx.el.table(
            rx.el.thead(
                rx.el.tr(*[rx.el.th(h, text_align="left", padding="0.4rem") for h in headers])
            ),
            rx.el.tbody(
                rx.foreach(
                    rows,
                    lambda r: rx.el.tr(
                        *[rx.el.td(c, padding="0.4rem", vertical_align="top") for c in cells(r)],
                        border_top=f"1px solid {theme.GREY_BORDER}",
                        class_name="structure-row",
                    ),
                )
            ),
            width="100%",
            border_collapse="collapse",
            font_size="0.9rem",
        ),
        id=table_id,
        overflow_x="auto",
        width="100%",
    )


def _pending_section() -> rx.Component:
    return rx.fragment(
        rx.heading("Structures à valider", as_="h2", size="5", margin_top="0.5rem"),
        rx.text(
            "Vérifiez le numéro SIRET (clé de contrôle) et le code NAF avant de valider ; "
            "le responsable est prévenu par courriel de la décision.",
            font_size="0.9rem",
        ),
        rx.cond(
            S.pending.length() == 0,
            rx.text("Aucune structure en attente.", id="pending-none"),
            _table(
                ["Structure", "SIRET", "NAF", "Commune", "Responsable", "Inscrite le", ""],
                S.pending,
                _pending_row,
                "pending-structures",
            ),
        ),
    )


def _search_section() -> rx.Component:
    return rx.fragment(
        rx.heading("Rechercher une structure", as_="h2", size="5", margin_top="1.5rem"),
        rx.form(
            rx.hstack(
                rx.box(
                    field(
                        "Nom, numéro SIRET ou #numéro",
                        "q",
                        default=S.query,
                        hint="Sans rien saisir : les structures suspendues.",
                        input_id="structure-q",
                    ),
                    flex="1",
                    min_width="16rem",
                ),
                rx.button("Rechercher", type="submit", size="3", id="structure-search"),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            on_submit=S.search,
            width="100%",
        ),
        rx.cond(
            S.results.length() == 0,
            rx.text(
                rx.cond(S.query != "", "Aucune structure trouvée.", "Aucune structure suspendue."),
                id="results-none",
            ),
            _table(
                ["Structure", "SIRET", "Responsable", "État", "Activité", ""],
                S.results,
                _result_row,
                "structure-results",
            ),
        ),
    )


def _history_section() -> rx.Component:
    return rx.cond(
        S.history_name != "",
        rx.box(
            rx.heading("Historique : ", S.history_name, as_="h2", size="4", margin_top="1.5rem"),
            rx.cond(
                S.history.length() == 0,
                rx.text("Aucun événement enregistré."),
                _table(
                    ["Date", "Structure", "Action", "Changement", "Par", "Détail"],
                    S.history,
                    lambda h: [
                        h["at"],
                        h["structure"],
                        h["action"],
                        h["change"],
                        h["actor"],
                        h["message"],
                    ],
                    "structure-history",
                ),
            ),
            width="100%",
        ),
    )


def _simple_confirm() -> rx.Component:
    """Validate, refuse, lift: nothing to type."""
    return confirm_dialog(
        S.dialog_title,
        rx.text(
            "Structure : ",
            S.dialog_name,
            ". ",
            rx.match(
                S.dialog_action,
                ("validate", "Ses membres pourront publier leurs offres."),
                ("refuse", "Ses offres ne pourront pas être publiées."),
                ("lift", "Ses membres pourront de nouveau publier leurs offres."),
                "",
            ),
            " Les personnes concernées sont prévenues par courriel.",
            as_="span",
        ),
        shown_error(S.form_error, "structure-dialog-err"),
        description_id="structure-confirm-text",
        cancel=rx.button("Annuler", variant="soft", color_scheme="gray", on_click=S.cancel),
        confirm=rx.button(S.dialog_button, on_click=S.confirm, id="structure-confirm-yes"),
        open=(S.dialog_action == "validate")
        | (S.dialog_action == "refuse")
        | (S.dialog_action == "lift"),
    )


def _form_dialog() -> rx.Component:
    """Suspend (the reason, mailed to the members) and merge (the structure kept)."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.dialog_title),
            rx.dialog.description(
                rx.cond(
                    S.dialog_action == "suspend",
                    rx.text(
                        "« ",
                        S.dialog_name,
                        " » : ses offres en ligne quittent la recherche et ne pourront pas "
                        "être publiées pendant la suspension. Chaque membre reçoit le motif "
                        "par courriel.",
                        as_="span",
                    ),
                    rx.text(
                        "« ",
                        S.dialog_name,
                        " » est un doublon : ses membres, ses espaces et ses offres (avec "
                        "leurs candidatures) passent à la structure conservée, puis elle "
                        "disparaît des listes. Les deux responsables sont prévenus.",
                        as_="span",
                    ),
                ),
                margin_bottom="0.75rem",
            ),
            rx.form(
                rx.cond(
                    S.dialog_action == "suspend",
                    textarea_field(
                        "Motif de la suspension",
                        "reason",
                        error=S.reason_error,
                        max_chars=1000,
                        required=True,
                        input_id="structure-reason",
                    ),
                    field(
                        "Structure conservée : numéro SIRET ou #numéro",
                        "target",
                        error=S.target_error,
                        required=True,
                        input_id="structure-target",
                    ),
                ),
                shown_error(S.form_error, "structure-form-err"),
                rx.flex(
                    rx.dialog.close(
                        rx.button(
                            "Annuler",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=S.cancel,
                        )
                    ),
                    rx.button(
                        S.dialog_button,
                        type="submit",
                        color_scheme="red",
                        id="structure-dialog-yes",
                    ),
                    gap="0.75rem",
                    justify="end",
                ),
                on_submit=S.submit_dialog,
            ),
        ),
        open=(S.dialog_action == "suspend") | (S.dialog_action == "merge"),
        on_open_change=lambda _open: S.cancel(),
    )


@page("/espace/admin/structures", "Structures — Administration", on_load=S.load)
def admin_structures_page() -> rx.Component:
    return rx.vstack(
        page_title("Structures d'accueil"),
        admin_nav("structures"),
        rx.cond(
            S.allowed,
            rx.vstack(
                rx.cond(S.message != "", notice(S.message, "info", id="structures-message")),
                _pending_section(),
                _search_section(),
                _history_section(),
                _simple_confirm(),
                _form_dialog(),
                width="100%",
                align="start",
            ),
            notice("Page réservée aux administrateurs et aux modérateurs.", "error"),
        ),
        width="100%",
        align="start",
    )
