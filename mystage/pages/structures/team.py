"""« Mon équipe » (``/espace/employeur/equipe``): the members and their role, invitations by
mail, join requests, removing a member, handing ownership over, leaving the team."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import card, field_error, field_label, notice, page_title
from mystage.components.layout import page
from mystage.state.structures_team import TeamState

SMALL = "0.9rem"
MUTED = "#595959"


def _h2(text: str, **props) -> rx.Component:
    return rx.heading(
        text, as_="h2", size="5", margin_top="1.5rem", margin_bottom="0.5rem", **props
    )


def _button(label, **props) -> rx.Component:
    props.setdefault("variant", "soft")
    return rx.button(label, size="2", cursor="pointer", type="button", **props)


def _muted(*children, **props) -> rx.Component:
    return rx.text(*children, font_size=SMALL, color=MUTED, **props)


def _confirm_box(m) -> rx.Component:
    """« Really? » under a member, for the action asked on them."""
    S = TeamState
    question = rx.match(
        S.confirm_action,
        ("remove", "Retirer " + m["name"] + " de l'équipe ? Ses offres passeront au responsable."),
        (
            "hand_over",
            "Confier la responsabilité de la structure à " + m["name"]
            + " ? Vous resterez membre de l'équipe.",
        ),
        "Quitter l'équipe ? Vos offres passeront au responsable et vous n'y aurez plus accès.",
    )  # fmt: skip
    return rx.cond(
        (S.confirm_id == m["id"].to(int)) & (S.confirm_action != ""),
        rx.vstack(
            rx.text(question, font_size=SMALL),
            rx.hstack(
                _button(
                    "Confirmer", on_click=S.confirm, color_scheme="red", variant="solid",
                    id="team-confirm",
                ),
                _button("Annuler", on_click=S.dismiss),
            ),
            spacing="1",
            margin_top="0.5rem",
        ),
    )  # fmt: skip


def _member(m) -> rx.Component:
    S = TeamState
    mid = m["id"].to(int)
    return card(
        rx.hstack(
            rx.text(m["name"], font_weight="600"),
            rx.cond(m["is_me"] != "", rx.text("(vous)", font_size=SMALL)),
            rx.badge(
                rx.cond(m["is_owner"] != "", "Responsable", "Membre"),
                color_scheme=rx.cond(m["is_owner"] != "", "blue", "gray"),
                variant="soft",
            ),
            wrap="wrap",
            align="center",
        ),
        _muted(m["email"]),
        rx.cond(m["job_title"] != "", _muted(m["job_title"])),
        rx.hstack(
            rx.cond(
                S.is_owner & (m["is_owner"] == "") & (m["is_me"] == ""),
                rx.fragment(
                    _button(
                        "Confier la responsabilité",
                        on_click=S.ask("hand_over", mid, m["name"]),
                        id="hand-over-" + m["id"],
                    ),
                    _button(
                        "Retirer de l'équipe",
                        on_click=S.ask("remove", mid, m["name"]),
                        color_scheme="red",
                        id="remove-" + m["id"],
                    ),
                ),
            ),
            rx.cond(
                (m["is_me"] != "") & (m["is_owner"] == ""),
                _button(
                    "Quitter l'équipe",
                    on_click=S.ask("leave", mid, m["name"]),
                    color_scheme="red",
                    id="leave-team",
                ),
            ),
            wrap="wrap",
            margin_top="0.5rem",
        ),
        _confirm_box(m),
        margin_bottom="0.75rem",
    )


def _invite_form() -> rx.Component:
    S = TeamState
    return rx.form(
        field_label("Adresse e-mail de votre collègue", "f-invite-email", True),
        rx.text(
            "Il ou elle recevra un lien (valable 14 jours) pour créer son compte ou se "
            "connecter, puis rejoindra l'équipe : déposer des offres, traiter les "
            "candidatures et signer les conventions de la structure.",
            font_size=SMALL,
            color=MUTED,
            margin_bottom="0.5rem",
        ),
        rx.hstack(
            rx.input(
                id="f-invite-email",
                name="email",
                type="email",
                auto_complete="off",
                default_value=S.invite_value,
                key=S.invite_key,
                size="3",
                flex="1",
                min_width="14rem",
                aria_invalid=rx.cond(S.invite_error != "", "true", "false"),
                aria_describedby="f-invite-email-err",
            ),
            rx.button(
                "Envoyer l'invitation", type="submit", size="3", background=theme.BLUE,
                color="white", cursor="pointer", id="invite-submit",
            ),
            wrap="wrap",
            width="100%",
        ),
        field_error(S.invite_error, "f-invite-email"),
        on_submit=S.invite,
        id="team-invite-form",
        width="100%",
    )  # fmt: skip


def _invitation(i) -> rx.Component:
    S = TeamState
    iid = i["id"].to(int)
    return card(
        rx.text(i["email"], font_weight="600"),
        _muted(
            "Envoyée le ",
            i["created_at"],
            rx.cond(
                i["expired"] != "",
                " — lien expiré : renvoyez-la.",
                rx.text.span(" — lien valable jusqu'au ", i["expires_at"]),
            ),
        ),
        rx.hstack(
            _button("Renvoyer", on_click=S.resend(iid), id="resend-" + i["id"]),
            _button(
                "Annuler l'invitation",
                on_click=S.cancel_invitation(iid),
                color_scheme="red",
                id="cancel-invite-" + i["id"],
            ),
            margin_top="0.5rem",
            wrap="wrap",
        ),
        margin_bottom="0.75rem",
    )


def _request(r) -> rx.Component:
    S = TeamState
    rid = r["id"].to(int)
    return card(
        rx.text(r["name"], font_weight="600"),
        _muted(r["email"]),
        rx.cond(r["job_title"] != "", _muted(r["job_title"])),
        _muted("Demande du ", r["created_at"]),
        rx.hstack(
            _button("Accepter", on_click=S.decide(rid, True), variant="solid",
                    id="accept-request-" + r["id"]),
            _button("Refuser", on_click=S.decide(rid, False), color_scheme="red",
                    id="refuse-request-" + r["id"]),
            margin_top="0.5rem",
        ),
        margin_bottom="0.75rem",
    )  # fmt: skip


def _owner_sections() -> rx.Component:
    S = TeamState
    return rx.fragment(
        _h2("Inviter un collègue"),
        _invite_form(),
        _h2("Invitations en attente"),
        rx.cond(
            S.invitations.length() == 0,
            _muted("Aucune invitation en attente."),
            rx.foreach(S.invitations, _invitation),
        ),
        _h2("Demandes pour rejoindre la structure"),
        _muted(
            "Une personne qui crée un compte employeur avec le numéro SIRET de votre "
            "structure demande à rejoindre l'équipe.",
            margin_bottom="0.5rem",
        ),
        rx.cond(
            S.requests.length() == 0,
            _muted("Aucune demande en attente."),
            rx.foreach(S.requests, _request),
        ),
    )


@page("/espace/employeur/equipe", "Mon équipe", on_load=TeamState.load)
def team_page() -> rx.Component:
    S = TeamState
    return rx.vstack(
        page_title("Mon équipe"),
        rx.cond(S.message != "", notice(S.message, "success", id="team-message")),
        rx.cond(S.error != "", notice(S.error, "error", id="team-error")),
        rx.cond(
            ~S.allowed,
            rx.vstack(
                notice(
                    "Vous ne faites partie d'aucune équipe : cette page est celle des membres "
                    "d'une structure d'accueil.",
                    "error",
                    id="team-denied",
                ),
                rx.link("Retour à mon espace", href="/espace/employeur", color=theme.BLUE),
                align="start",
            ),
            rx.box(
                rx.text(
                    "Les membres de l'équipe de ",
                    rx.text.strong(S.structure_name),
                    " déposent des offres, traitent les candidatures et signent les "
                    "conventions pour toute la structure. Le responsable gère l'équipe.",
                    font_size=SMALL,
                ),
                _h2("Membres"),
                rx.box(rx.foreach(S.members, _member), id="team-members", width="100%"),
                rx.cond(S.is_owner, _owner_sections()),
                width="100%",
            ),
        ),
        width="100%",
        align="start",
    )
