"""``/espace/etablissement/equipe``: requests, members and their rights, invitations."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import (
    card,
    field_hint,
    notice,
)
from mystage.components.layout import page
from mystage.pages.schools.parts import (
    MUTED,
    SMALL,
    blue_button,
    choice_select,
    class_checkbox,
    class_checkboxes,
    error_of,
    h2,
    inline_confirm,
    labelled,
    muted,
    plain_fieldset,
    small_button,
    space_page,
    status_notices,
    table_box,
    text_input,
)
from mystage.state.schools import (
    FUNCTION_CHOICES,
    SCOPE_CHOICES,
    SchoolTeamState,
)


def _who(m, *extra) -> rx.Component:
    """A member's name and address (then ``extra``), in a cell of the tables."""
    return rx.table.cell(rx.text(m["name"], font_weight="600"), muted(m["email"]), *extra)


def _pending_row(m) -> rx.Component:
    S = SchoolTeamState
    return rx.table.row(
        _who(m),
        rx.table.cell(m["function"]),
        rx.table.cell(rx.cond(m["classes_label"] != "", m["classes_label"], "—")),
        rx.table.cell(m["created_at"]),
        rx.table.cell(
            rx.hstack(
                small_button(
                    "Accepter",
                    on_click=S.decide(m["id"], True),
                    color_scheme="green",
                    id="accept-" + m["user_id"],
                ),
                small_button(
                    "Refuser",
                    on_click=S.decide(m["id"], False),
                    color_scheme="red",
                    id="refuse-" + m["user_id"],
                ),
                wrap="wrap",
            )
        ),
        id="member-" + m["user_id"],
    )


def _scope_radios(prefix: str, checked) -> rx.Component:
    """The « what this person sees » radios (ids ``<prefix>-<value>``)."""
    return rx.flex(
        *[
            rx.hstack(
                rx.el.input(
                    type="radio",
                    id=f"{prefix}-{c['value']}",
                    name="scope",
                    value=c["value"],
                    default_checked=checked == c["value"],
                ),
                rx.el.label(c["label"], html_for=f"{prefix}-{c['value']}"),
                spacing="2",
                align="center",
            )
            for c in SCOPE_CHOICES
        ],
        gap="0.5rem 1.5rem",
        wrap="wrap",
    )


def _rights_editor(m) -> rx.Component:
    S = SchoolTeamState
    return rx.table.row(
        rx.table.cell(
            rx.form(
                rx.text("Droits de ", rx.text.strong(m["name"]), margin_bottom="0.5rem"),
                plain_fieldset(
                    "Ce que cette personne voit",
                    _scope_radios("rights-scope", S.edit_scope),
                    error_of(S.rights_errors, "scope", "rights-scope"),
                    margin="0 0 0.75rem 0",
                ),
                plain_fieldset(
                    "Classes suivies",
                    rx.cond(
                        S.class_options.length() == 0,
                        rx.text("Aucune classe : créez d'abord les classes.", font_size="0.9rem"),
                    ),
                    rx.flex(
                        rx.foreach(
                            S.class_options,
                            lambda c: rx.hstack(
                                *class_checkbox("rights", c, S.edit_classes.contains(c["id"])),
                                rx.el.input(
                                    type="checkbox",
                                    id="rights-main-" + c["id"],
                                    name="main_" + c["id"],
                                    default_checked=S.edit_mains.contains(c["id"]),
                                ),
                                rx.el.label(
                                    "professeur principal",
                                    html_for="rights-main-" + c["id"],
                                    font_size=SMALL,
                                    color=MUTED,
                                ),
                                spacing="2",
                                align="center",
                                padding="0.25rem 0.5rem",
                                border=f"1px solid {theme.GREY_BORDER}",
                                border_radius="4px",
                            ),
                        ),
                        gap="0.5rem",
                        wrap="wrap",
                    ),
                    error_of(S.rights_errors, "class_ids", "rights-class"),
                    error_of(S.rights_errors, "main_class_ids", "rights-main"),
                    margin="0 0 0.75rem 0",
                ),
                rx.hstack(
                    blue_button(
                        "Enregistrer les droits", size=None, type="submit", id="rights-save"
                    ),
                    small_button("Annuler", on_click=S.cancel_rights, variant="outline"),
                ),
                on_submit=S.save_rights,
                id="rights-form",
                background=theme.INFO_BG,
                padding="1rem",
                border_radius="6px",
            ),
            col_span=4,
        ),
    )


def _member_row(m) -> rx.Component:
    S = SchoolTeamState
    return rx.fragment(
        rx.table.row(
            _who(
                m,
                rx.cond(
                    m["account_active"] == "",
                    rx.badge("Compte pas encore activé", color_scheme="orange"),
                ),
            ),
            rx.table.cell(m["function"]),
            rx.table.cell(
                rx.text(m["scope_label"]),
                rx.cond(m["classes_label"] != "", muted(m["classes_label"])),
            ),
            rx.table.cell(
                rx.cond(
                    m["is_head"] == "oui",
                    rx.text("—"),
                    rx.cond(
                        S.confirm_remove == m["id"],
                        inline_confirm(
                            "Retirer l'accès de cette personne ?",
                            "Oui, retirer",
                            S.remove,
                            "remove-confirm",
                            S.cancel_remove,
                        ),
                        rx.hstack(
                            small_button(
                                "Modifier les droits",
                                on_click=S.edit_rights(m["id"]),
                                id="rights-" + m["user_id"],
                            ),
                            small_button(
                                "Retirer",
                                on_click=S.ask_remove(m["id"]),
                                color_scheme="red",
                                id="remove-" + m["user_id"],
                            ),
                            wrap="wrap",
                        ),
                    ),
                ),
            ),
            id="member-" + m["user_id"],
        ),
        rx.cond(S.editing == m["id"], _rights_editor(m)),
    )


def _invite_form() -> rx.Component:
    S = SchoolTeamState
    return card(
        h2("Inviter un membre", margin_top="0"),
        rx.text(
            "La personne reçoit un lien par courriel (valable 14 jours) pour créer son compte : "
            "son accès est ouvert dès qu'elle l'utilise.",
            margin_bottom="1rem",
        ),
        rx.cond(
            S.invite_sent != "",
            notice(
                rx.text("Invitation envoyée à ", rx.text.strong(S.invite_sent), "."),
                "success",
                id="invite-sent",
            ),
        ),
        rx.form(
            rx.flex(
                labelled(
                    "Adresse électronique académique",
                    "invite-email",
                    text_input(
                        "invite-email", "email", S.invite_values.get("email", ""), type="email"
                    ),
                    S.invite_errors,
                    "email",
                    required=True,
                    flex="1",
                    min_width="14rem",
                ),
                labelled(
                    "Fonction",
                    "invite-function",
                    choice_select(
                        "invite-function",
                        "function",
                        "Choisissez la fonction",
                        FUNCTION_CHOICES[1:],
                        default_value=S.invite_values.get("function", ""),
                    ),
                    S.invite_errors,
                    "function",
                    required=True,
                    flex="1",
                    min_width="14rem",
                ),
                gap="1rem",
                wrap="wrap",
                margin_bottom="1rem",
            ),
            plain_fieldset(
                "Ce que cette personne verra",
                field_hint(
                    "Par défaut : ses classes pour un professeur, tout l'établissement pour "
                    "les autres fonctions."
                ),
                _scope_radios("invite-scope", S.invite_values.get("scope", "")),
                error_of(S.invite_errors, "scope", "invite-scope"),
            ),
            rx.cond(
                S.class_options.length() > 0,
                plain_fieldset(
                    "Classes suivies",
                    class_checkboxes(
                        S.class_options,
                        "invite",
                        lambda c: S.invite_values.get("class_ids", "").split(",").contains(c["id"]),
                        "6rem",
                    ),
                ),
            ),
            error_of(S.invite_errors, "class_ids", "invite-class"),
            rx.cond(
                S.invite_errors.get("form", "") != "",
                notice(S.invite_errors.get("form", ""), "error"),
            ),
            blue_button(
                "Envoyer l'invitation", type="submit", id="invite-submit", margin_top="0.5rem"
            ),
            on_submit=S.invite,
            reset_on_submit=False,
            id="invite-form",
        ),
        margin_top="1.5rem",
    )


@page("/espace/etablissement/equipe", "Équipe de l'établissement", on_load=SchoolTeamState.load)
def school_team_page() -> rx.Component:
    S = SchoolTeamState
    return space_page(
        S,
        "equipe",
        "Équipe de l'établissement",
        *status_notices(S.message, S.error, "team-message", "team-error"),
        h2("Demandes en attente"),
        rx.cond(
            S.pending.length() == 0,
            rx.text("Aucune demande en attente.", id="no-pending"),
            table_box(
                ["Nom", "Fonction", "Classes", "Demande du", ""],
                rx.foreach(S.pending, _pending_row),
            ),
        ),
        h2("Membres"),
        table_box(
            ["Nom", "Fonction", "Accès", ""],
            rx.foreach(S.active, _member_row),
        ),
        rx.cond(
            S.invitations.length() > 0,
            rx.box(
                h2("Invitations envoyées"),
                table_box(
                    ["Adresse", "Fonction", "Envoyée le", "Valable jusqu'au", ""],
                    rx.foreach(
                        S.invitations,
                        lambda i: rx.table.row(
                            rx.table.cell(i["email"]),
                            rx.table.cell(i["function"]),
                            rx.table.cell(i["created_at"]),
                            rx.table.cell(i["expires_at"]),
                            rx.table.cell(
                                small_button(
                                    "Annuler l'invitation",
                                    on_click=S.cancel_invitation(i["id"]),
                                    color_scheme="red",
                                    id="invite-cancel-" + i["id"],
                                )
                            ),
                            id="invitation-" + i["id"],
                        ),
                    ),
                ),
                width="100%",
            ),
        ),
        _invite_form(),
        rx.cond(
            S.former.length() > 0,
            rx.box(
                h2("Anciens membres et demandes refusées"),
                rx.foreach(
                    S.former,
                    lambda m: rx.text(
                        m["name"],
                        " — ",
                        m["function"],
                        " (",
                        m["status_label"],
                        ")",
                        font_size="0.9rem",
                    ),  # fmt: skip
                ),
                width="100%",
            ),
        ),
    )
