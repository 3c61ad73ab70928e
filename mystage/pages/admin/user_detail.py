"""Back office: one account — profile, state, school or structure, last logins, applications
or offers, audit rows — and the administrators' actions, each behind a confirmation."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.admin_nav import admin_nav
from mystage.components.dialogs import confirm_dialog
from mystage.components.forms import (
    card,
    field_error,
    labelled_select,
    notice,
    page_title,
    textarea_field,
)
from mystage.components.layout import page
from mystage.components.tables import data_table
from mystage.pages.admin.users import status_badge
from mystage.state.admin.users import AdminUserState as S

U = S.user


def _fact(label: str, value) -> rx.Component:
    return rx.hstack(
        rx.text(label, font_weight="600", min_width="12rem"),
        rx.text(value),
        align="start",
        spacing="2",
    )


def _identity() -> rx.Component:
    school = U["school"].to(dict)
    return card(
        rx.heading("Compte", as_="h2", size="5", margin_bottom="0.5rem"),
        _fact("Numéro", U["id"]),
        _fact("Adresse e-mail", rx.cond(U["email"] != "", U["email"], "—")),
        _fact("Téléphone", rx.cond(U["phone"] != "", U["phone"], "—")),
        _fact("Profil", U["role_label"]),
        rx.hstack(
            rx.text("État", font_weight="600", min_width="12rem"),
            rx.box(status_badge(U["status"], U["status_label"]), id="user-status"),
            spacing="2",
        ),
        rx.cond(U["blocked_at"] != "", _fact("Bloqué le", U["blocked_at"])),
        rx.cond(U["blocked_reason"] != "", _fact("Motif du blocage", U["blocked_reason"])),
        _fact("Échecs de connexion en cours", U["failed_logins"]),
        _fact("Créé le", U["created_at"]),
        _fact("Activé le", rx.cond(U["activated_at"] != "", U["activated_at"], "—")),
        _fact("Dernière connexion", U["last_login_at"]),
        rx.cond(U["job_title"] != "", _fact("Fonction", U["job_title"])),
        rx.cond(
            U["school"],
            rx.hstack(
                rx.text("Établissement", font_weight="600", min_width="12rem"),
                rx.link(
                    school["name"].to(str) + " (" + school["uai"].to(str) + ")",
                    href=school["href"].to(str),
                    color=theme.BLUE,
                    id="user-school",
                ),
                spacing="2",
            ),
        ),
        rx.foreach(
            S.structures,
            lambda st: rx.hstack(
                rx.text("Structure", font_weight="600", min_width="12rem"),
                rx.link(st["name"], href=st["href"], color=theme.BLUE),
                rx.text(st["siret"], " — ", st["member"], font_size="0.85rem"),
                spacing="2",
                class_name="user-structure",
            ),
        ),
    )


def _action_button(key: str, label: str, color: str = "indigo") -> rx.Component:
    return rx.cond(
        S.actions[key],
        rx.button(
            label,
            on_click=S.ask(key),
            id=f"action-{key}",
            color_scheme=color,
            variant="soft",
            cursor="pointer",
        ),
    )


def _block_form() -> rx.Component:
    return rx.cond(
        S.actions["block"],
        rx.form(
            textarea_field(
                "Motif du blocage",
                "reason",
                error=S.errors.get("reason", ""),
                max_chars=500,
                rows=2,
                input_id="f-block-reason",
                hint="Envoyé à la personne par courriel.",
            ),
            rx.button("Bloquer le compte", type="submit", color_scheme="red", id="action-block"),
            on_submit=S.ask_block,
            width="100%",
        ),
    )


def _role_form() -> rx.Component:
    return rx.box(
        rx.text(U["role_rules"], font_size="0.85rem", color="#555", id="role-rules"),
        rx.cond(
            S.role_options.length() > 0,
            rx.form(
                rx.hstack(
                    labelled_select(
                        "Nouveau profil",
                        "f-role",
                        rx.el.option("Choisir…", value=""),
                        rx.foreach(
                            S.role_options, lambda o: rx.el.option(o["label"], value=o["value"])
                        ),
                        name="role",
                        aria_describedby="role-rules f-role-err",
                    ),
                    rx.button("Changer le profil", type="submit", id="action-role"),
                    align="end",
                    wrap="wrap",
                ),
                field_error(S.errors.get("role", ""), "f-role"),
                on_submit=S.ask_role,
            ),
            rx.text("Aucun autre profil possible pour ce compte.", font_size="0.9rem"),
        ),
        width="100%",
    )


def _actions() -> rx.Component:
    return card(
        rx.heading("Actions", as_="h2", size="5", margin_bottom="0.5rem"),
        rx.text(
            "Chaque action demande une confirmation et laisse une trace dans le journal. "
            "Vous ne voyez ni ne choisissez jamais un mot de passe : envoyez un lien.",
            font_size="0.85rem",
            margin_bottom="0.5rem",
        ),
        rx.hstack(
            _action_button("unlock", "Déverrouiller"),
            _action_button("resend_activation", "Renvoyer l'activation"),
            _action_button("reset_link", "Envoyer un lien de réinitialisation"),
            _action_button("unblock", "Débloquer", "green"),
            wrap="wrap",
            spacing="2",
        ),
        _block_form(),
        rx.heading("Profil", as_="h3", size="3", margin_top="0.75rem"),
        _role_form(),
        rx.box(
            rx.heading("Anonymiser", as_="h3", size="3", margin_top="0.75rem"),
            rx.cond(
                S.actions["anonymise"],
                _action_button("anonymise", "Anonymiser le compte", "red"),
                rx.foreach(S.blockers, lambda b: rx.text(b, font_size="0.85rem")),
            ),
            width="100%",
        ),
    )


def _table(title: str, headers: tuple, rows, cells, table_id: str, empty: str) -> rx.Component:
    return rx.box(
        rx.heading(title, as_="h2", size="4", margin_top="1rem", margin_bottom="0.5rem"),
        rx.cond(
            rows.length() == 0,
            rx.text(empty, font_size="0.9rem"),
            rx.box(
                data_table(headers, rows, cells, width="100%", font_size="0.85rem", id=table_id),
                overflow_x="auto",
                width="100%",
                tab_index=0,  # a scrollable region is reachable with the keyboard
                role="region",
                aria_label=title,
            ),
        ),
        width="100%",
    )


def _history() -> rx.Component:
    return rx.vstack(
        _table(
            "Dernières connexions",
            ("Ouverte le", "Vue le", "Adresse IP", "Appareil", "État"),
            S.sessions,
            lambda r: [r["created_at"], r["last_seen"], r["ip"], r["device"], r["state"]],
            "user-sessions",
            "Aucune session.",
        ),
        rx.cond(
            U["is_pupil"],
            _table(
                "Candidatures (" + U["applications_total"].to(str) + " en tout, les 20 dernières)",
                ("Offre", "Semaine", "État"),
                S.applications,
                lambda r: [rx.link(r["offer"], href=r["href"]), r["week"], r["state"]],
                "user-applications",
                "Aucune candidature.",
            ),
            _table(
                "Offres déposées (" + U["offers_total"].to(str) + " en tout, les 20 dernières)",
                ("Offre", "État", "Créée le"),
                S.offers,
                lambda r: [rx.link(r["offer"], href=r["href"]), r["state"], r["created_at"]],
                "user-offers",
                "Aucune offre.",
            ),
        ),
        _table(
            "Journal (le compte et ses actions, 50 dernières lignes)",
            ("Date", "Objet", "Action", "Changement", "Par", "Message"),
            S.audit,
            lambda r: [r["at"], r["object"], r["action"], r["change"], r["actor"], r["message"]],
            "user-audit",
            "Aucune ligne.",
        ),
        width="100%",
    )


def _dialog() -> rx.Component:
    return confirm_dialog(
        S.confirm_title,
        rx.text(S.confirm_text, as_="span"),
        description_id="user-confirm-text",
        cancel=rx.button("Annuler", variant="soft", color_scheme="gray", on_click=S.cancel),
        confirm=rx.button("Confirmer", on_click=S.confirm, id="confirm-yes"),
        open=S.confirm_action != "",
    )


@page("/espace/admin/utilisateurs/[user_id]", "Compte — Administration", on_load=S.load)
def admin_user_page() -> rx.Component:
    return rx.vstack(
        page_title(rx.cond(S.found, U["name"].to(str), "Compte")),
        admin_nav("utilisateurs"),
        rx.cond(
            S.allowed,
            rx.cond(
                S.found,
                rx.vstack(
                    rx.link("← Retour à la recherche", href="/espace/admin/utilisateurs"),
                    rx.cond(
                        S.message != "",
                        rx.cond(
                            S.message_kind == "error",
                            notice(S.message, "error", id="user-message"),
                            notice(S.message, "success", id="user-message"),
                        ),
                    ),
                    _identity(),
                    _actions(),
                    _history(),
                    _dialog(),
                    width="100%",
                    spacing="4",
                ),
                notice("Ce compte n'existe pas.", "error"),
            ),
            notice("Page réservée aux administrateurs.", "error"),
        ),
        width="100%",
        align="start",
    )
