"""« Mon compte » (/espace/compte, also at the older /espace/profil): names, e-mail address,
mobile number, password, sessions, and the links to « Mes données » and « Supprimer mon
compte »; and the page of the link that confirms a new e-mail address."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.account_fields import new_password_fields, sms_code_field, text_link
from mystage.components.browser import document_load
from mystage.components.forms import card, field, loading_line, notice, page_title, primary_button
from mystage.components.layout import page
from mystage.pages.accounts.space import logout_button
from mystage.state.accounts import AccountState, EmailChangeState, MyAccountState
from mystage.state.navigation import NavigationState

M = MyAccountState
MY_DATA_URL = "/espace/compte/donnees"
ERASURE_URL = "/espace/compte/suppression"


def _say(tu: str, vous: str) -> rx.Var:
    """The same sentence in « tu » (pupils) or « vous » (everyone else)."""
    return rx.cond(M.tu, tu, vous)


def _heading(text: str) -> rx.Component:
    return rx.heading(text, as_="h2", size="5", margin_bottom="0.75rem")


def _row(label: str, value: rx.Var, row_id: str = "") -> rx.Component:
    return rx.cond(
        value != "",
        rx.hstack(
            rx.text(label, font_weight="600", min_width="8rem"),
            rx.text(value, id=row_id or None, word_break="break-word"),
            wrap="wrap",
            spacing="2",
        ),
    )


def _form_button(label: str, button_id: str) -> rx.Component:
    return rx.box(primary_button(label, type="submit", id=button_id), max_width="22rem")


def _identity_card() -> rx.Component:
    P = AccountState.profile
    return card(
        _heading("Mes informations"),
        rx.vstack(
            _row("Profil", P.get("role", "")),
            _row("Territoire", P.get("territory", "")),
            _row("Fonction", P.get("job_title", "")),
            _row("Niveau", P.get("level", "")),
            spacing="1",
            margin_bottom="1rem",
        ),
        rx.cond(
            M.name_saved,
            notice(
                _say("Ton nom est enregistré.", "Votre nom est enregistré."),
                "success",
                id="names-saved",
            ),
        ),
        rx.cond(
            M.name_errors.get("form", "") != "",
            notice(M.name_errors.get("form", ""), "error"),
        ),
        rx.form(
            field(
                "Prénom",
                "first_name",
                error=M.name_errors.get("first_name", ""),
                default=M.first_name,
                autocomplete="given-name",
                required=True,
            ),
            field(
                "Nom",
                "last_name",
                error=M.name_errors.get("last_name", ""),
                default=M.last_name,
                autocomplete="family-name",
                required=True,
            ),
            _form_button("Enregistrer le nom", "names-submit"),
            on_submit=M.save_names,
            reset_on_submit=False,
        ),
        id="account-identity",
    )


def _email_card() -> rx.Component:
    return card(
        _heading("Adresse électronique"),
        rx.cond(
            M.email != "",
            _row("Adresse actuelle", M.email, "account-email"),
            rx.text(
                _say(
                    "Ton compte n'a pas d'adresse électronique.",
                    "Votre compte n'a pas d'adresse électronique.",
                ),
                id="account-email-none",
            ),
        ),
        rx.cond(
            M.email_sent_to != "",
            notice(
                rx.text(
                    _say("Un lien vient d'être envoyé à ", "Un lien vient d'être envoyé à "),
                    rx.text.strong(M.email_sent_to),
                    _say(
                        " : ouvre-le pour confirmer (il est valable 24 heures). D'ici là, "
                        "ton adresse actuelle reste celle du compte.",
                        " : ouvrez-le pour confirmer (il est valable 24 heures). D'ici là, "
                        "votre adresse actuelle reste celle du compte.",
                    ),
                ),
                "success",
                id="email-sent",
            ),
        ),
        rx.form(
            field(
                "Nouvelle adresse électronique",
                "new_email",
                error=M.email_errors.get("email", ""),
                type="email",
                autocomplete="email",
                hint=_say(
                    "Un lien de confirmation y sera envoyé ; ton adresse actuelle sera prévenue.",
                    "Un lien de confirmation y sera envoyé ; votre adresse actuelle sera prévenue.",
                ),
                required=True,
            ),
            _form_button("Recevoir le lien de confirmation", "email-submit"),
            on_submit=M.request_email,
            reset_on_submit=False,
            margin_top="1rem",
        ),
        id="account-email-card",
    )


def _phone_card() -> rx.Component:
    return card(
        _heading("Téléphone portable"),
        rx.cond(
            M.phone != "",
            _row("Numéro actuel", M.phone, "account-phone"),
            rx.text(
                _say(
                    "Ton compte n'a pas de numéro de téléphone.",
                    "Votre compte n'a pas de numéro de téléphone.",
                ),
                id="account-phone-none",
            ),
        ),
        rx.cond(
            M.phone_saved,
            notice(
                _say("Ton nouveau numéro est enregistré.", "Votre nouveau numéro est enregistré."),
                "success",
                id="phone-saved",
            ),
        ),
        rx.cond(
            M.phone_pending == "",
            rx.form(
                field(
                    "Nouveau numéro de portable",
                    "new_phone",
                    error=M.phone_errors.get("phone", ""),
                    type="tel",
                    autocomplete="tel",
                    input_mode="tel",
                    hint="Exemple : 06 12 34 56 78. Un code de confirmation y sera envoyé par SMS.",
                    required=True,
                ),
                _form_button("Recevoir le code par SMS", "phone-submit"),
                on_submit=M.request_phone,
                reset_on_submit=False,
                margin_top="1rem",
            ),
            rx.box(
                notice(
                    rx.text(
                        "Un code a été envoyé par SMS au ",
                        rx.text.strong(M.phone_pending),
                        _say(
                            ". Saisis-le ci-dessous (il est valable 15 minutes).",
                            ". Saisissez-le ci-dessous (il est valable 15 minutes).",
                        ),
                    ),
                    "info",
                    id="phone-code-sent",
                ),
                rx.form(
                    sms_code_field(M.phone_errors.get("code", "")),
                    _form_button("Confirmer le numéro", "phone-code-submit"),
                    on_submit=M.confirm_phone,
                    reset_on_submit=True,
                ),
                rx.button(
                    "Changer de numéro",
                    variant="ghost",
                    on_click=M.cancel_phone,
                    id="phone-cancel",
                    cursor="pointer",
                    margin_top="0.5rem",
                ),
                margin_top="1rem",
            ),
        ),
        id="account-phone-card",
    )


def _password_card() -> rx.Component:
    return card(
        _heading("Mot de passe"),
        rx.cond(
            AccountState.saved,
            notice(
                _say(
                    "Mot de passe changé. Tes autres sessions ont été fermées.",
                    "Mot de passe changé. Vos autres sessions ont été fermées.",
                ),
                "success",
                id="pw-changed",
            ),
        ),
        rx.form(
            field(
                "Mot de passe actuel",
                "current",
                error=AccountState.errors.get("current", ""),
                type="password",
                autocomplete="current-password",
                required=True,
            ),
            *new_password_fields(
                AccountState.errors,
                "Nouveau mot de passe",
                "Confirmez le nouveau mot de passe",
            ),
            _form_button("Changer le mot de passe", "pw-submit"),
            on_submit=AccountState.change_password,
            reset_on_submit=False,
        ),
        id="account-password-card",
    )


def _session_row(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(row["device"], font_weight="600"),
            rx.cond(
                row["current"] == "1",
                rx.badge("Cette session", color_scheme="green", variant="soft"),
            ),
            wrap="wrap",
            spacing="2",
            align="center",
        ),
        rx.text(
            "Dernière activité le ",
            row["last_seen"],
            rx.cond(row["ip"] != "", " · adresse " + row["ip"], ""),
            font_size="0.85rem",
            color="#555",
        ),
        rx.cond(
            row["current"] != "1",
            rx.button(
                "Fermer cette session",
                size="1",
                variant="outline",
                on_click=M.revoke_session(row["id"]),
                cursor="pointer",
                margin_top="0.35rem",
                class_name="session-revoke",
            ),
        ),
        border_top=f"1px solid {theme.GREY_BORDER}",
        padding_y="0.6rem",
        width="100%",
        class_name="session-row",
    )


def _sessions_card() -> rx.Component:
    return card(
        _heading("Sessions ouvertes"),
        rx.text(
            _say(
                "Les appareils où ton compte est connecté. Ferme celles que tu ne reconnais pas.",
                "Les appareils où votre compte est connecté. Fermez celles que vous ne "
                "reconnaissez pas.",
            ),
            margin_bottom="0.5rem",
        ),
        rx.vstack(
            rx.foreach(M.sessions, _session_row), spacing="0", width="100%", id="session-list"
        ),
        rx.cond(
            M.sessions_message != "",
            notice(M.sessions_message, "info", id="sessions-message", margin_top="0.75rem"),
        ),
        rx.hstack(
            rx.button(
                "Fermer les autres sessions",
                variant="outline",
                on_click=M.revoke_others,
                id="sessions-revoke-others",
                cursor="pointer",
            ),
            rx.button(
                rx.icon("log-out", size=16),
                "Se déconnecter partout",
                color_scheme="red",
                on_click=M.sign_out_everywhere,
                id="sessions-logout-all",
                cursor="pointer",
            ),
            wrap="wrap",
            spacing="3",
            margin_top="0.75rem",
        ),
        id="account-sessions-card",
    )


def _privacy_card() -> rx.Component:
    return card(
        _heading("Mes données personnelles"),
        rx.vstack(
            text_link(
                "Mes données : les consulter et les télécharger", MY_DATA_URL, id="link-my-data"
            ),
            text_link("Supprimer mon compte", ERASURE_URL, id="link-erasure"),
            spacing="2",
        ),
        id="account-privacy-card",
    )


def account_page() -> rx.Component:
    return rx.vstack(
        page_title("Mon compte"),
        rx.cond(
            M.loaded,
            rx.vstack(
                _identity_card(),
                _email_card(),
                _phone_card(),
                _password_card(),
                _sessions_card(),
                _privacy_card(),
                logout_button(),
                spacing="4",
                width="100%",
                max_width="44rem",
                align="start",
            ),
            loading_line(),
        ),
        # After « Se déconnecter partout » (outside the cond: the body is gone by then).
        document_load(NavigationState.document_url),
        spacing="4",
        align="start",
        width="100%",
    )


_LOADS = [AccountState.load, MyAccountState.load]
page("/espace/compte", "Mon compte", on_load=_LOADS)(account_page)
# The older address of the same page (links in older mails, bookmarks).
page("/espace/profil", "Mon compte", on_load=_LOADS)(account_page)


@page(
    "/espace/compte/courriel",
    "Confirmer ma nouvelle adresse",
    on_load=EmailChangeState.load,
    narrow=True,
)
def email_change_page() -> rx.Component:
    E = EmailChangeState
    return card(
        page_title("Nouvelle adresse électronique"),
        rx.cond(
            E.done,
            rx.box(
                notice(
                    rx.cond(
                        E.tu,
                        "Ta nouvelle adresse est confirmée : c'est désormais celle de ton "
                        "compte MyStage.",
                        "Votre nouvelle adresse est confirmée : c'est désormais celle de votre "
                        "compte MyStage.",
                    ),
                    "success",
                    id="email-change-ok",
                ),
                rx.link(primary_button("Mon compte"), href="/espace/compte"),
            ),
            rx.cond(
                E.error != "",
                notice(E.error, "error", id="email-change-error"),
                loading_line(),
            ),
        ),
    )
