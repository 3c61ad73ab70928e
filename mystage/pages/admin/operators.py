"""« Opérateurs » of the back office (issue 18; administrators only): the partner
associations that publish by API — their page (name, website, logo, contact), their users
(an account opened by a mailed link: nobody here sees or sets a password) and their API
tokens (the secret shown once; « Révoquer » asks for a confirmation)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.admin_nav import admin_nav
from mystage.components.dialogs import confirm_dialog
from mystage.components.file_upload import one_file_upload
from mystage.components.forms import field, notice, page_title, shown_error
from mystage.components.layout import page
from mystage.components.tables import data_table
from mystage.state.admin.operators import SCOPE_OPTIONS
from mystage.state.admin.operators import OperatorsAdminState as S


def _list() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Opérateurs", as_="h2", size="5"),
            rx.spacer(),
            rx.button(
                "Ajouter un opérateur",
                on_click=S.new_operator,
                id="operator-new",
                cursor="pointer",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            S.operators.length() == 0,
            rx.text("Aucun opérateur pour l'instant.", id="operators-none"),
            data_table(
                ["Opérateur", "Site", "Contact", "Utilisateurs", "Jetons actifs", ""],
                S.operators,
                lambda o: [
                    rx.text(o["name"], font_weight="600"),
                    o["website"],
                    o["contact"],
                    o["users"],
                    o["tokens"],
                    rx.button(
                        "Ouvrir",
                        size="1",
                        variant="soft",
                        on_click=S.open_operator(o["id"]),
                        aria_label="Ouvrir : " + o["name"].to(str),
                        class_name="operator-open",
                        cursor="pointer",
                    ),
                ],
                id="operators",
                width="100%",
                font_size="0.9rem",
            ),
        ),
        width="100%",
        align="start",
    )


def _operator_form() -> rx.Component:
    e = S.errors
    return rx.form(
        field("Nom de l'opérateur", "name", e.get("name", ""), S.selected["name"], required=True),
        field("Site internet", "website", e.get("website", ""), S.selected["website"]),
        field(
            "Contact : nom", "contact_name", e.get("contact_name", ""), S.selected["contact_name"]
        ),
        field(
            "Contact : adresse e-mail",
            "contact_email",
            e.get("contact_email", ""),
            S.selected["contact_email"],
            type="email",
        ),
        field(
            "Contact : téléphone",
            "contact_phone",
            e.get("contact_phone", ""),
            S.selected["contact_phone"],
            type="tel",
        ),
        shown_error(e.get("form", ""), "operator-form-err"),
        rx.hstack(
            rx.button("Enregistrer", type="submit", id="operator-save"),
            rx.button(
                "Fermer", type="button", variant="soft", color_scheme="gray", on_click=S.close
            ),
        ),
        on_submit=S.save_operator,
        key=S.form_key.to_string() + "-op-" + S.selected["id"].to(str),
        width="100%",
        max_width="36rem",
    )


def _logo() -> rx.Component:
    return rx.vstack(
        rx.heading("Logo", as_="h3", size="4"),
        rx.cond(
            S.selected["logo"] != "",
            rx.image(src=S.selected["logo"], alt="Logo actuel de l'opérateur", max_width="8rem"),
            rx.text("Pas encore de logo.", font_size="0.9rem"),
        ),
        one_file_upload(
            "Image du logo",
            "operator-logo",
            {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]},
            rx.vstack(
                rx.button("Choisir une image", type="button", variant="soft"),
                rx.text(
                    "PNG, JPEG ou WebP, 2 Mo au plus. Il sera réduit à 256 px.", font_size="0.85rem"
                ),
                rx.foreach(rx.selected_files("operator-logo"), rx.text),
                align="center",
            ),
        ),
        rx.button(
            "Enregistrer le logo",
            id="operator-logo-submit",
            on_click=S.upload_logo(rx.upload_files(upload_id="operator-logo")),
        ),
        shown_error(S.logo_error, "operator-logo-err"),
        width="100%",
        max_width="36rem",
        align="start",
    )


def _users() -> rx.Component:
    e = S.user_errors
    return rx.vstack(
        rx.heading("Utilisateurs", as_="h3", size="4"),
        rx.cond(
            S.users.length() == 0,
            rx.text("Aucun utilisateur.", font_size="0.9rem"),
            data_table(
                ["Nom", "Adresse e-mail", "État", "Dernière connexion"],
                S.users,
                lambda u: [u["name"], u["email"], u["status"], u["last_login"]],
                id="operator-users",
                width="100%",
                font_size="0.9rem",
            ),
        ),
        rx.text(
            "Nouveau compte : la personne reçoit un lien (valable 7 jours) pour choisir son mot "
            "de passe. Personne d'autre ne le connaît.",
            font_size="0.9rem",
        ),
        rx.form(
            rx.flex(
                field(
                    "Prénom",
                    "first_name",
                    e.get("first_name", ""),
                    required=True,
                    input_id="ou-first",
                ),
                field(
                    "Nom", "last_name", e.get("last_name", ""), required=True, input_id="ou-last"
                ),
                field(
                    "Adresse e-mail",
                    "email",
                    e.get("email", ""),
                    type="email",
                    required=True,
                    input_id="ou-email",
                ),
                gap="0.75rem",
                wrap="wrap",
            ),
            shown_error(e.get("form", ""), "operator-user-err"),
            rx.button("Créer le compte", type="submit", id="operator-user-create"),
            on_submit=S.create_user,
            key=S.form_key.to_string() + "-user",
            width="100%",
        ),
        width="100%",
        align="start",
    )


def _token_row(t) -> list:
    return [
        t["name"],
        rx.code(t["prefix"]),
        t["scopes"],
        t["created_at"],
        t["last_used_at"],
        rx.cond(
            t["revoked"] == "1",
            rx.text("Révoqué le ", t["revoked_at"], color=theme.ERROR, font_size="0.85rem"),
            rx.button(
                "Révoquer",
                size="1",
                color_scheme="red",
                variant="soft",
                on_click=S.ask_revoke(t["id"]),
                aria_label="Révoquer le jeton : " + t["name"].to(str),
                class_name="token-revoke",
                cursor="pointer",
            ),
        ),
    ]


def _tokens() -> rx.Component:
    e = S.token_errors
    return rx.vstack(
        rx.heading("Jetons d'accès à l'API", as_="h3", size="4"),
        rx.cond(
            S.tokens.length() == 0,
            rx.text("Aucun jeton.", font_size="0.9rem"),
            data_table(
                ["Nom", "Début", "Droits", "Créé le", "Dernière utilisation", ""],
                S.tokens,
                _token_row,
                id="operator-tokens",
                width="100%",
                font_size="0.9rem",
            ),
        ),
        rx.cond(
            S.new_token != "",
            rx.box(
                notice(
                    "Copiez ce jeton maintenant : il ne sera plus jamais affiché (seule son "
                    "empreinte est conservée).",
                    "success",
                ),
                rx.code(S.new_token, id="new-token", word_break="break-all"),
                rx.button(
                    "J'ai copié le jeton",
                    size="1",
                    variant="soft",
                    on_click=S.hide_token,
                    margin_left="0.5rem",
                ),
                width="100%",
            ),
        ),
        rx.form(
            field("Nom du jeton", "name", e.get("name", ""), required=True, input_id="token-name"),
            rx.el.fieldset(
                rx.el.legend("Droits *", font_weight="600"),
                *[
                    rx.hstack(
                        rx.el.input(
                            type="checkbox",
                            id=f"token-scope-{key.replace(':', '-')}",
                            name=f"scope_{key}",
                            default_checked=key == "offers:read",
                        ),
                        rx.el.label(label, html_for=f"token-scope-{key.replace(':', '-')}"),
                        align="center",
                    )
                    for key, label in SCOPE_OPTIONS
                ],
                shown_error(e.get("scopes", ""), "token-scopes-err"),
                border="none",
                padding="0",
                margin="0 0 0.75rem 0",
            ),
            shown_error(e.get("form", ""), "token-form-err"),
            rx.button("Créer le jeton", type="submit", id="token-create"),
            on_submit=S.create_token,
            key=S.form_key.to_string() + "-token",
            width="100%",
            max_width="36rem",
        ),
        confirm_dialog(
            "Révoquer ce jeton ?",
            rx.text(
                "Le jeton « ",
                S.revoke_name,
                " » cessera aussitôt de fonctionner : l'opérateur devra en utiliser un autre.",
                as_="span",
            ),
            description_id="token-revoke-text",
            cancel=rx.button(
                "Annuler", variant="soft", color_scheme="gray", on_click=S.cancel_revoke
            ),
            confirm=rx.button(
                "Révoquer", color_scheme="red", on_click=S.confirm_revoke, id="token-revoke-yes"
            ),
            open=S.revoke_id != 0,
        ),
        width="100%",
        align="start",
    )


def _webhook() -> rx.Component:
    """Issue 19: the URL that receives the application events, and its signing secret."""
    e = S.webhook_errors
    return rx.vstack(
        rx.heading("Webhook", as_="h3", size="4"),
        rx.text(
            "Chaque événement d'une candidature à une offre de l'opérateur (nouvelle, acceptée, "
            "refusée, confirmée, annulée, expirée…) est envoyé en POST à cette adresse, signé "
            "(en-têtes X-MyStage-Timestamp et X-MyStage-Signature, HMAC-SHA256). Les envois "
            "figurent sur la page « Courriels et SMS ».",
            font_size="0.9rem",
        ),
        rx.form(
            field(
                "Adresse du webhook (vide : aucun envoi)",
                "webhook_url",
                e.get("webhook_url", ""),
                S.selected["webhook_url"],
                type="url",
                input_id="webhook-url",
            ),
            rx.button("Enregistrer le webhook", type="submit", id="webhook-save"),
            on_submit=S.save_webhook,
            key=S.form_key.to_string() + "-webhook-" + S.selected["id"].to(str),
            width="100%",
            max_width="36rem",
        ),
        rx.text(
            rx.cond(
                S.selected["webhook_secret_set"] == "True",
                "Un secret de signature est défini.",
                "Aucun secret de signature : les événements ne partent pas.",
            ),
            font_size="0.9rem",
            id="webhook-secret-state",
        ),
        rx.cond(
            S.new_secret != "",
            rx.box(
                notice(
                    "Copiez ce secret maintenant et transmettez-le à l'opérateur : il ne sera "
                    "plus affiché.",
                    "success",
                ),
                rx.code(S.new_secret, id="new-webhook-secret", word_break="break-all"),
                rx.button(
                    "J'ai copié le secret",
                    size="1",
                    variant="soft",
                    on_click=S.hide_secret,
                    margin_left="0.5rem",
                ),
                width="100%",
            ),
        ),
        shown_error(e.get("form", ""), "webhook-form-err"),
        rx.button(
            "Générer un secret",
            type="button",
            variant="soft",
            on_click=S.generate_secret,
            id="webhook-secret",
        ),
        width="100%",
        align="start",
    )


def _detail() -> rx.Component:
    return rx.vstack(
        rx.heading(
            rx.cond(S.is_new, "Nouvel opérateur", S.selected["name"]),
            as_="h2",
            size="5",
            margin_top="1rem",
        ),
        _operator_form(),
        rx.cond(
            ~S.is_new,
            rx.vstack(_logo(), _users(), _tokens(), _webhook(), width="100%", spacing="5"),
        ),
        width="100%",
        align="start",
        border_top=f"1px solid {theme.GREY_BORDER}",
        padding_top="1rem",
        id="operator-detail",
    )


@page("/espace/admin/operateurs", "Opérateurs — Administration", on_load=S.load)
def admin_operators_page() -> rx.Component:
    return rx.vstack(
        page_title("Opérateurs"),
        admin_nav("operateurs"),
        rx.cond(
            S.allowed,
            rx.vstack(
                rx.cond(S.message != "", notice(S.message, "info", id="operators-message")),
                rx.text(
                    "Les associations partenaires qui publient leurs offres par l'API : leur "
                    "fiche, leurs utilisateurs et leurs jetons d'accès.",
                    font_size="0.9rem",
                ),
                _list(),
                rx.cond(S.is_open, _detail()),
                width="100%",
                align="start",
            ),
            notice("Page réservée aux administrateurs.", "error"),
        ),
        width="100%",
        align="start",
    )
