"""School space, part 1: sign-up of heads and staff, invitation, team and rights, classes,
internship weeks, settings."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.account_fields import name_fields, new_password_fields
from mystage.components.browser import document_load
from mystage.components.forms import (
    card,
    checkbox_field,
    field,
    field_error,
    field_label,
    notice,
    page_title,
    primary_button,
    radio_field,
)
from mystage.components.layout import page
from mystage.components.school_nav import school_nav
from mystage.components.school_picker import school_picker
from mystage.state.navigation import NavigationState
from mystage.state.school_admin import (
    FUNCTION_CHOICES,
    LEVEL_CHOICES,
    SCOPE_CHOICES,
    SIGNUP_URL,
    InvitationState,
    SchoolClassesState,
    SchoolSettingsState,
    SchoolSignupState,
    SchoolTeamState,
    SchoolWeeksState,
)

SELECT_STYLE = theme.SELECT
SMALL_SELECT = {**SELECT_STYLE, "padding": "0.35rem", "font_size": "0.9rem", "width": "auto"}
TERMS = "J'accepte les conditions d'utilisation et j'ai lu la politique de données personnelles."


def _error(errors, key: str, input_id: str) -> rx.Component:
    return field_error(errors.get(key, ""), input_id)


def _hint(text) -> rx.Component:
    return rx.text(text, font_size="0.8rem", color="#666", margin_bottom="0.25rem")


def _h2(text: str, **props) -> rx.Component:
    return rx.heading(text, as_="h2", size="5", color="#161616", margin_y="1rem", **props)


def _denied(S) -> rx.Component:
    return rx.vstack(
        notice(S.denied, "error", id="space-denied"),
        rx.link("Retour à mon espace", href="/espace", color=theme.BLUE),
        align="start",
        width="100%",
    )


def _space(S, key: str, title: str, *children) -> rx.Component:
    """A page of the school space: the navigation, the title, then the content or why the
    caller may not see it."""
    return rx.vstack(
        school_nav(key),
        rx.text(S.school_name, color=theme.GREY_TEXT, font_size="0.9rem"),
        page_title(title),
        rx.cond(S.denied != "", _denied(S), rx.box(*children, width="100%")),
        width="100%",
        align="start",
        spacing="0",
    )


def _small_button(label, **props) -> rx.Component:
    props.setdefault("variant", "soft")
    return rx.button(label, size="2", cursor="pointer", type="button", **props)


def _table(headers: list[str], body, **props) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                # An empty header (a column of buttons) is named for screen readers.
                rx.table.row(
                    *[
                        rx.table.column_header_cell(
                            h or rx.el.span("Actions", class_name="sr-only")
                        )
                        for h in headers
                    ]
                ),
            ),
            rx.table.body(body),
            variant="surface",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        **props,
    )


# --- /inscription/etablissement ------------------------------------------------------------------


def _function_select() -> rx.Component:
    S = SchoolSignupState
    return rx.box(
        field_label("Vous êtes", "school-signup-function", required=True),
        rx.el.select(
            rx.el.option("Choisissez votre fonction", value=""),
            *[rx.el.option(c["label"], value=c["value"]) for c in FUNCTION_CHOICES],
            id="school-signup-function",
            name="function",
            value=S.function,
            on_change=S.set_function,
            aria_describedby="school-signup-function-err",
            style=SELECT_STYLE,
        ),
        _error(S.errors, "function", "school-signup-function"),
        margin_bottom="1rem",
        width="100%",
    )


def _signup_classes() -> rx.Component:
    S = SchoolSignupState
    return rx.cond(
        S.school_classes.length() > 0,
        rx.el.fieldset(
            rx.el.legend("Vos classes (facultatif)", font_weight="600"),
            _hint("Les classes que vous suivez. Le chef d'établissement pourra les modifier."),
            rx.flex(
                rx.foreach(
                    S.school_classes,
                    lambda c: rx.hstack(
                        rx.el.input(
                            type="checkbox",
                            id="signup-class-" + c["id"],
                            name="class_" + c["id"],
                            default_checked=S.picked_classes.contains(c["id"]),
                            style={"width": "1.1rem", "height": "1.1rem"},
                        ),
                        rx.el.label(c["name"], html_for="signup-class-" + c["id"]),
                        spacing="2",
                        align="center",
                        min_width="7rem",
                    ),
                ),
                wrap="wrap",
                gap="0.5rem 1.25rem",
            ),
            _error(S.errors, "class_ids", "signup-class"),
            border="none",
            padding="0",
            margin="0 0 1rem 0",
        ),
    )


def _signup_form() -> rx.Component:
    S = SchoolSignupState
    return rx.form(
        _function_select(),
        school_picker(S, label="Votre établissement"),
        rx.cond(S.is_staff & (S.school_id != ""), _signup_classes()),
        radio_field(
            "Civilité (facultatif)",
            "civility",
            [("Mme", "Madame"), ("M.", "Monsieur")],
            S.values.get("civility", ""),
        ),
        *name_fields(S.errors, S.values),
        rx.box(
            field_label("Adresse électronique professionnelle", "f-email", required=True),
            _hint(S.email_hint),
            rx.input(
                id="f-email",
                name="email",
                type="email",
                default_value=S.values.get("email", ""),
                auto_complete="email",
                size="3",
                width="100%",
                aria_describedby="f-email-hint f-email-err",
                color_scheme=rx.cond(S.errors.get("email", "") != "", "red", "indigo"),
            ),
            _error(S.errors, "email", "f-email"),
            width="100%",
            margin_bottom="1rem",
        ),
        *new_password_fields(S.errors, "Mot de passe"),
        checkbox_field(TERMS, "accept_terms", error=S.errors.get("accept_terms", "")),
        rx.cond(S.errors.get("form", "") != "", notice(S.errors.get("form", ""), "error")),
        rx.cond(
            S.errors.length() > 0,
            notice(
                "Certaines informations sont à corriger : voir les messages en rouge ci-dessus.",
                "error",
                id="school-signup-errors",
            ),
        ),
        primary_button("Créer mon compte", type="submit", id="school-signup-submit"),
        on_submit=S.submit,
        id="school-signup-form",
    )


def _signup_done() -> rx.Component:
    S = SchoolSignupState
    return rx.box(
        rx.match(
            S.done,
            (
                "official",
                rx.vstack(
                    notice(
                        rx.text(
                            "Vérifiez votre boîte aux lettres : un message vient d'être envoyé à ",
                            rx.text.strong(S.sent_to),
                            ". Ouvrez le lien qu'il contient pour accéder à l'espace de "
                            "l'établissement.",
                        ),
                        "success",
                    ),
                    rx.text(
                        "Pensez à regarder dans les courriers indésirables. Le lien est "
                        "valable 48 heures."
                    ),
                    align="start",
                ),
            ),
            (
                "academy",
                rx.vstack(
                    notice(
                        rx.text(
                            "Vérifiez votre boîte aux lettres : un message vient d'être envoyé à ",
                            rx.text.strong(S.sent_to),
                            ". Ouvrez d'abord le lien qu'il contient.",
                        ),
                        "success",
                    ),
                    rx.text(
                        "Vous n'avez pas utilisé l'adresse officielle de l'établissement : "
                        "votre demande sera validée par un administrateur de MyStage. Vous "
                        "recevrez un courriel dès que l'espace sera ouvert."
                    ),
                    align="start",
                ),
            ),
            rx.vstack(
                notice(
                    rx.text(
                        "Vérifiez votre boîte aux lettres : un message vient d'être envoyé à ",
                        rx.text.strong(S.sent_to),
                        ". Ouvrez le lien qu'il contient pour activer votre compte.",
                    ),
                    "success",
                ),
                rx.text(
                    "Une fois votre compte activé, le chef d'établissement doit accepter votre "
                    "demande. Vous recevrez un courriel dès que votre accès sera ouvert."
                ),
                align="start",
            ),
        ),
        rx.link("Retour à l'accueil", href="/", color=theme.BLUE, margin_top="1rem"),
        id="school-signup-done",
    )


@page(SIGNUP_URL, "Espace établissement : créer un compte", SchoolSignupState.load, narrow=True)
def school_signup_page() -> rx.Component:
    S = SchoolSignupState
    return rx.box(
        page_title("Espace établissement : créer un compte"),
        rx.cond(
            S.done != "",
            card(_signup_done()),
            card(
                rx.text(
                    "Chef d'établissement : créez l'espace de votre collège ou lycée avec "
                    "l'adresse officielle de l'établissement. Professeurs, CPE, "
                    "documentalistes, psychologues de l'Éducation nationale, secrétariat : "
                    "inscrivez-vous avec votre adresse académique, le chef d'établissement "
                    "ouvrira votre accès.",
                    margin_bottom="1rem",
                ),
                _signup_form(),
                rx.text(
                    "Vous avez déjà un compte ? ",
                    rx.link("Se connecter", href="/connexion", color=theme.BLUE),
                    " · ",
                    rx.link(
                        "Recevoir un lien de connexion", href="/connexion/lien", color=theme.BLUE
                    ),
                    margin_top="1rem",
                    font_size="0.9rem",
                ),
            ),
        ),
    )


# --- /invitation ---------------------------------------------------------------------------------


@page("/invitation", "Invitation", on_load=InvitationState.load, narrow=True)
def invitation_page() -> rx.Component:
    S = InvitationState
    return rx.box(
        page_title("Rejoindre l'espace de l'établissement"),
        document_load(NavigationState.document_url),  # opens the session (« Accéder »)
        card(
            rx.cond(
                S.done,
                rx.vstack(
                    notice(
                        rx.text(
                            "Votre compte est créé : vous avez maintenant accès à l'espace de ",
                            S.info.get("school_name", "l'établissement"),
                            ".",
                        ),
                        "success",
                        id="invite-accept-done",
                    ),
                    primary_button(
                        "Accéder à mon espace",
                        on_click=S.go,
                        id="invite-go",
                        type="button",
                    ),
                    align="start",
                    width="100%",
                ),
                rx.cond(
                    S.valid,
                    rx.box(
                        rx.text(
                            "Vous êtes invité(e) à rejoindre l'espace de ",
                            rx.text.strong(S.info.get("school_name", "")),
                            " (",
                            S.info.get("commune", ""),
                            ") en tant que ",
                            rx.text.strong(S.info.get("function", "")),
                            ".",
                            margin_bottom="0.5rem",
                        ),
                        rx.text(
                            "Votre identifiant : ",
                            rx.text.strong(S.info.get("email", "")),
                            margin_bottom="1rem",
                            id="invite-email-shown",
                        ),
                        rx.form(
                            *name_fields(S.errors, S.values),
                            *new_password_fields(S.errors, "Mot de passe"),
                            checkbox_field(
                                TERMS, "accept_terms", error=S.errors.get("accept_terms", "")
                            ),
                            primary_button(
                                "Créer mon compte", type="submit", id="invite-accept-submit"
                            ),
                            on_submit=S.submit,
                            id="invite-accept-form",
                        ),
                    ),
                    rx.vstack(
                        notice(
                            "Cette invitation n'est plus valide (déjà utilisée, annulée ou "
                            "expirée). Demandez une nouvelle invitation à votre chef "
                            "d'établissement.",
                            "error",
                            id="invite-invalid",
                        ),
                        rx.text(
                            "Vous avez déjà créé votre compte ? ",
                            rx.link("Se connecter", href="/connexion", color=theme.BLUE),
                        ),
                        align="start",
                    ),
                ),
            ),
        ),
    )


# --- /espace/etablissement/equipe ----------------------------------------------------------------


def _pending_row(m) -> rx.Component:
    S = SchoolTeamState
    return rx.table.row(
        rx.table.cell(
            rx.text(m["name"], font_weight="600"),
            rx.text(m["email"], font_size="0.85rem", color="#666"),
        ),
        rx.table.cell(m["function"]),
        rx.table.cell(rx.cond(m["classes_label"] != "", m["classes_label"], "—")),
        rx.table.cell(m["created_at"]),
        rx.table.cell(
            rx.hstack(
                _small_button(
                    "Accepter",
                    on_click=S.decide(m["id"], True),
                    color_scheme="green",
                    id="accept-" + m["user_id"],
                ),
                _small_button(
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


def _rights_editor(m) -> rx.Component:
    S = SchoolTeamState
    return rx.table.row(
        rx.table.cell(
            rx.form(
                rx.text("Droits de ", rx.text.strong(m["name"]), margin_bottom="0.5rem"),
                rx.el.fieldset(
                    rx.el.legend("Ce que cette personne voit", font_weight="600"),
                    rx.flex(
                        *[
                            rx.hstack(
                                rx.el.input(
                                    type="radio",
                                    id=f"rights-scope-{c['value']}",
                                    name="scope",
                                    value=c["value"],
                                    default_checked=S.edit_scope == c["value"],
                                ),
                                rx.el.label(c["label"], html_for=f"rights-scope-{c['value']}"),
                                spacing="2",
                                align="center",
                            )
                            for c in SCOPE_CHOICES
                        ],
                        gap="0.5rem 1.5rem",
                        wrap="wrap",
                    ),
                    _error(S.rights_errors, "scope", "rights-scope"),
                    border="none",
                    padding="0",
                    margin="0 0 0.75rem 0",
                ),
                rx.el.fieldset(
                    rx.el.legend("Classes suivies", font_weight="600"),
                    rx.cond(
                        S.class_options.length() == 0,
                        rx.text("Aucune classe : créez d'abord les classes.", font_size="0.9rem"),
                    ),
                    rx.flex(
                        rx.foreach(
                            S.class_options,
                            lambda c: rx.hstack(
                                rx.el.input(
                                    type="checkbox",
                                    id="rights-class-" + c["id"],
                                    name="class_" + c["id"],
                                    default_checked=S.edit_classes.contains(c["id"]),
                                ),
                                rx.el.label(c["name"], html_for="rights-class-" + c["id"]),
                                rx.el.input(
                                    type="checkbox",
                                    id="rights-main-" + c["id"],
                                    name="main_" + c["id"],
                                    default_checked=S.edit_mains.contains(c["id"]),
                                ),
                                rx.el.label(
                                    "professeur principal",
                                    html_for="rights-main-" + c["id"],
                                    font_size="0.85rem",
                                    color="#666",
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
                    _error(S.rights_errors, "class_ids", "rights-class"),
                    _error(S.rights_errors, "main_class_ids", "rights-main"),
                    border="none",
                    padding="0",
                    margin="0 0 0.75rem 0",
                ),
                rx.hstack(
                    rx.button(
                        "Enregistrer les droits",
                        type="submit",
                        id="rights-save",
                        background=theme.BLUE,
                        cursor="pointer",
                    ),
                    _small_button("Annuler", on_click=S.cancel_rights, variant="outline"),
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
            rx.table.cell(
                rx.text(m["name"], font_weight="600"),
                rx.text(m["email"], font_size="0.85rem", color="#666"),
                rx.cond(
                    m["account_active"] == "",
                    rx.badge("Compte pas encore activé", color_scheme="orange"),
                ),
            ),
            rx.table.cell(m["function"]),
            rx.table.cell(
                rx.text(m["scope_label"]),
                rx.cond(
                    m["classes_label"] != "",
                    rx.text(m["classes_label"], font_size="0.85rem", color="#666"),
                ),
            ),
            rx.table.cell(
                rx.cond(
                    m["is_head"] == "oui",
                    rx.text("—"),
                    rx.cond(
                        S.confirm_remove == m["id"],
                        rx.vstack(
                            rx.text("Retirer l'accès de cette personne ?", font_size="0.9rem"),
                            rx.hstack(
                                _small_button(
                                    "Oui, retirer",
                                    on_click=S.remove,
                                    color_scheme="red",
                                    variant="solid",
                                    id="remove-confirm",
                                ),
                                _small_button("Annuler", on_click=S.cancel_remove),
                            ),
                            spacing="1",
                        ),
                        rx.hstack(
                            _small_button(
                                "Modifier les droits",
                                on_click=S.edit_rights(m["id"]),
                                id="rights-" + m["user_id"],
                            ),
                            _small_button(
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
        _h2("Inviter un membre", margin_top="0"),
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
                rx.box(
                    field_label("Adresse électronique académique", "invite-email", True),
                    rx.input(
                        id="invite-email",
                        name="email",
                        type="email",
                        default_value=S.invite_values.get("email", ""),
                        size="3",
                        width="100%",
                        aria_describedby="invite-email-err",
                    ),
                    _error(S.invite_errors, "email", "invite-email"),
                    flex="1",
                    min_width="14rem",
                ),
                rx.box(
                    field_label("Fonction", "invite-function", True),
                    rx.el.select(
                        rx.el.option("Choisissez la fonction", value=""),
                        *[rx.el.option(c["label"], value=c["value"]) for c in FUNCTION_CHOICES[1:]],
                        id="invite-function",
                        name="function",
                        default_value=S.invite_values.get("function", ""),
                        aria_describedby="invite-function-err",
                        style=SELECT_STYLE,
                    ),
                    _error(S.invite_errors, "function", "invite-function"),
                    flex="1",
                    min_width="14rem",
                ),
                gap="1rem",
                wrap="wrap",
                margin_bottom="1rem",
            ),
            rx.el.fieldset(
                rx.el.legend("Ce que cette personne verra", font_weight="600"),
                _hint(
                    "Par défaut : ses classes pour un professeur, tout l'établissement pour "
                    "les autres fonctions."
                ),
                rx.flex(
                    *[
                        rx.hstack(
                            rx.el.input(
                                type="radio",
                                id=f"invite-scope-{c['value']}",
                                name="scope",
                                value=c["value"],
                                default_checked=S.invite_values.get("scope", "") == c["value"],
                            ),
                            rx.el.label(c["label"], html_for=f"invite-scope-{c['value']}"),
                            spacing="2",
                            align="center",
                        )
                        for c in SCOPE_CHOICES
                    ],
                    gap="0.5rem 1.5rem",
                    wrap="wrap",
                ),
                _error(S.invite_errors, "scope", "invite-scope"),
                border="none",
                padding="0",
                margin="0 0 1rem 0",
            ),
            rx.cond(
                S.class_options.length() > 0,
                rx.el.fieldset(
                    rx.el.legend("Classes suivies", font_weight="600"),
                    rx.flex(
                        rx.foreach(
                            S.class_options,
                            lambda c: rx.hstack(
                                rx.el.input(
                                    type="checkbox",
                                    id="invite-class-" + c["id"],
                                    name="class_" + c["id"],
                                    default_checked=S.invite_values.get("class_ids", "")
                                    .split(",")
                                    .contains(c["id"]),
                                ),
                                rx.el.label(c["name"], html_for="invite-class-" + c["id"]),
                                spacing="2",
                                align="center",
                                min_width="6rem",
                            ),
                        ),
                        gap="0.5rem 1.25rem",
                        wrap="wrap",
                    ),
                    border="none",
                    padding="0",
                    margin="0 0 1rem 0",
                ),
            ),
            _error(S.invite_errors, "class_ids", "invite-class"),
            rx.cond(
                S.invite_errors.get("form", "") != "",
                notice(S.invite_errors.get("form", ""), "error"),
            ),
            rx.button(
                "Envoyer l'invitation",
                type="submit",
                id="invite-submit",
                size="3",
                background=theme.BLUE,
                cursor="pointer",
                margin_top="0.5rem",
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
    return _space(
        S,
        "equipe",
        "Équipe de l'établissement",
        rx.cond(S.message != "", notice(S.message, "success", id="team-message")),
        rx.cond(S.error != "", notice(S.error, "error", id="team-error")),
        _h2("Demandes en attente"),
        rx.cond(
            S.pending.length() == 0,
            rx.text("Aucune demande en attente.", id="no-pending"),
            _table(
                ["Nom", "Fonction", "Classes", "Demande du", ""],
                rx.foreach(S.pending, _pending_row),
            ),
        ),
        _h2("Membres"),
        _table(
            ["Nom", "Fonction", "Accès", ""],
            rx.foreach(S.active, _member_row),
        ),
        rx.cond(
            S.invitations.length() > 0,
            rx.box(
                _h2("Invitations envoyées"),
                _table(
                    ["Adresse", "Fonction", "Envoyée le", "Valable jusqu'au", ""],
                    rx.foreach(
                        S.invitations,
                        lambda i: rx.table.row(
                            rx.table.cell(i["email"]),
                            rx.table.cell(i["function"]),
                            rx.table.cell(i["created_at"]),
                            rx.table.cell(i["expires_at"]),
                            rx.table.cell(
                                _small_button(
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
                _h2("Anciens membres et demandes refusées"),
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


# --- /espace/etablissement/classes ---------------------------------------------------------------


def _level_select(name_id: str, default) -> rx.Component:
    return rx.el.select(
        rx.el.option("Niveau (deviné d'après le nom)", value=""),
        *[rx.el.option(c["label"], value=c["value"]) for c in LEVEL_CHOICES],
        id=name_id,
        name="level",
        default_value=default,
        aria_describedby=f"{name_id}-err",
        style=SELECT_STYLE,
    )


def _create_form() -> rx.Component:
    S = SchoolClassesState
    return card(
        _h2("Créer une classe", margin_top="0"),
        rx.form(
            rx.flex(
                rx.box(
                    field_label("Nom de la classe", "class-name", True),
                    rx.input(
                        id="class-name",
                        name="name",
                        default_value=S.create_values.get("name", ""),
                        placeholder="ex. : 3e A",
                        size="3",
                        width="100%",
                        aria_describedby="class-name-err",
                    ),
                    _error(S.create_errors, "name", "class-name"),
                    flex="2",
                    min_width="12rem",
                ),
                rx.box(
                    field_label("Niveau", "class-level"),
                    _level_select("class-level", S.create_values.get("level", "")),
                    _error(S.create_errors, "level", "class-level"),
                    flex="2",
                    min_width="12rem",
                ),
                rx.box(
                    rx.button(
                        "Créer la classe",
                        type="submit",
                        id="class-create",
                        size="3",
                        background=theme.BLUE,
                        cursor="pointer",
                    ),
                    padding_top=["0", "1.6rem"],
                ),
                gap="1rem",
                wrap="wrap",
                align="start",
            ),
            on_submit=S.create,
            id="class-create-form",
            key=S.form_key.to_string(),
        ),
        margin_bottom="1.5rem",
    )


def _rename_form(r) -> rx.Component:
    S = SchoolClassesState
    return rx.form(
        rx.flex(
            rx.box(
                rx.el.label("Nouveau nom", html_for="rename-name", font_size="0.85rem"),
                rx.input(
                    id="rename-name",
                    name="name",
                    default_value=r["name"],
                    size="2",
                    aria_describedby="rename-name-err",
                ),
                _error(S.rename_errors, "name", "rename-name"),
            ),
            rx.box(
                rx.el.label("Niveau", html_for="rename-level", font_size="0.85rem"),
                _level_select("rename-level", r["level"]),
                _error(S.rename_errors, "level", "rename-level"),
            ),
            rx.hstack(
                rx.button(
                    "Enregistrer",
                    type="submit",
                    size="2",
                    id="rename-save",
                    background=theme.BLUE,
                    cursor="pointer",
                ),
                _small_button("Annuler", on_click=S.cancel_rename, variant="outline"),
            ),
            gap="0.5rem",
            direction="column",
        ),
        on_submit=S.rename,
        id="rename-form",
    )


def _class_actions(r) -> rx.Component:
    S = SchoolClassesState
    view = _small_button(
        rx.cond(S.open_class == r["id"], "Masquer les élèves", "Voir les élèves"),
        on_click=S.show_pupils(r["id"]),
        id="class-pupils-" + r["id"],
    )
    return rx.cond(
        S.confirm_delete == r["id"],
        rx.vstack(
            rx.text("Supprimer cette classe ?", font_size="0.9rem"),
            rx.hstack(
                _small_button(
                    "Oui, supprimer",
                    on_click=S.delete,
                    color_scheme="red",
                    variant="solid",
                    id="class-delete-confirm",
                ),
                _small_button("Annuler", on_click=S.cancel_delete),
            ),
            spacing="1",
        ),
        rx.flex(
            view,
            rx.cond(
                S.can_manage,
                rx.fragment(
                    _small_button(
                        "Renommer", on_click=S.start_rename(r["id"]), id="class-rename-" + r["id"]
                    ),
                    _small_button(
                        "Supprimer",
                        on_click=S.ask_delete(r["id"]),
                        color_scheme="red",
                        id="class-delete-" + r["id"],
                    ),
                ),
            ),
            gap="0.4rem",
            wrap="wrap",
        ),
    )


def _class_row(r) -> rx.Component:
    S = SchoolClassesState
    return rx.fragment(
        rx.table.row(
            rx.table.cell(
                rx.cond(
                    S.renaming == r["id"],
                    _rename_form(r),
                    rx.text(r["name"], font_weight="600"),
                )
            ),
            rx.table.cell(r["level_label"]),
            rx.table.cell(r["pupils"]),
            rx.table.cell(r["authorized"]),
            rx.table.cell(rx.cond(r["main_teachers"] != "", r["main_teachers"], "—")),
            rx.table.cell(_class_actions(r)),
            id="class-row-" + r["name"],
        ),
        rx.cond(
            S.row_error.contains(r["id"]),
            rx.table.row(
                rx.table.cell(
                    rx.text(S.row_error[r["id"]], color=theme.ERROR, role="alert"),
                    col_span=6,
                ),
                id="class-error-" + r["id"],
            ),
        ),
    )


def _pupil_item(p) -> rx.Component:
    S = SchoolClassesState
    return rx.box(
        rx.form(
            rx.flex(
                rx.box(
                    rx.text(p["name"], font_weight="600"),
                    rx.text(
                        rx.cond(
                            p["authorized"] != "",
                            "Autorisation parentale enregistrée",
                            "Sans autorisation parentale",
                        ),
                        " · ",
                        p["applications"],
                        " candidature(s)",
                        font_size="0.85rem",
                        color="#666",
                    ),
                    flex="1",
                    min_width="12rem",
                ),
                rx.el.input(type="hidden", name="pupil_id", value=p["id"]),
                rx.el.label(
                    "Nouvelle classe",
                    html_for="move-" + p["id"],
                    class_name="sr-only",
                    style={"position": "absolute", "left": "-9999px"},
                ),
                rx.el.select(
                    rx.el.option("Nouvelle classe…", value=""),
                    rx.foreach(S.move_targets, lambda c: rx.el.option(c["name"], value=c["id"])),
                    id="move-" + p["id"],
                    name="class_id",
                    style=SMALL_SELECT,
                ),
                rx.button(
                    "Changer de classe",
                    type="submit",
                    size="2",
                    variant="outline",
                    cursor="pointer",
                    id="move-submit-" + p["id"],
                ),
                gap="0.5rem",
                align="center",
                wrap="wrap",
            ),
            on_submit=S.move,
            reset_on_submit=False,
        ),
        rx.cond(
            S.move_error.contains(p["id"]),
            rx.text(S.move_error[p["id"]], color=theme.ERROR, font_size="0.85rem", role="alert"),
        ),
        padding_y="0.6rem",
        border_bottom=f"1px solid {theme.GREY_BORDER}",
        width="100%",
        id="pupil-" + p["id"],
    )


def _pupils_panel() -> rx.Component:
    S = SchoolClassesState
    return rx.cond(
        S.open_class != "",
        card(
            rx.heading(S.open_name, as_="h2", size="5", margin_bottom="0.5rem"),
            rx.cond(
                S.pupils.length() == 0,
                rx.text("Aucun élève.", id="pupils-none"),
                rx.foreach(S.pupils, _pupil_item),
            ),
            margin_top="1.5rem",
            id="pupils-panel",
        ),
    )


@page("/espace/etablissement/classes", "Classes", on_load=SchoolClassesState.load)
def school_classes_page() -> rx.Component:
    S = SchoolClassesState
    return _space(
        S,
        "classes",
        "Classes",
        rx.cond(S.message != "", notice(S.message, "success", id="classes-message")),
        rx.cond(S.error != "", notice(S.error, "error", id="classes-error")),
        rx.cond(S.can_manage, _create_form()),
        rx.cond(
            S.rows.length() == 0,
            rx.text(
                rx.cond(
                    S.can_manage,
                    "Aucune classe pour l'instant : créez la première ci-dessus.",
                    "Aucune classe à afficher.",
                ),
                id="classes-none",
            ),
            _table(
                ["Classe", "Niveau", "Élèves", "Autorisations", "Professeur principal", ""],
                rx.foreach(S.rows, _class_row),
            ),
        ),
        rx.cond(
            S.see_all,
            rx.box(
                _small_button(
                    rx.cond(S.open_class == "0", "Masquer", "Élèves sans classe"),
                    on_click=S.show_pupils("0"),
                    variant="outline",
                    id="class-pupils-0",
                ),
                margin_top="1rem",
            ),
        ),
        _pupils_panel(),
    )


# --- /espace/etablissement/semaines --------------------------------------------------------------


def _chip(w) -> rx.Component:
    S = SchoolWeeksState
    on = S.selected.contains(w["value"])
    return rx.fragment(
        rx.cond(
            w["first"] == "1",
            rx.text(
                w["month"],
                font_weight="700",
                color="#161616",
                width="100%",
                margin_top="0.75rem",
                text_transform="capitalize",
            ),
        ),
        rx.el.button(
            # The accessible name starts with the visible « 7 – 11 » (what a speech-input
            # user reads and says), then the full dates for screen readers (WCAG 2.5.3).
            w["chip"],
            rx.el.span(" : ", w["label"], class_name="sr-only"),
            type="button",
            id="week-" + w["value"],
            title=w["label"],
            aria_pressed=rx.cond(on, "true", "false"),
            disabled=~S.can_edit,
            on_click=S.toggle(w["value"]),
            style={
                "padding": "0.4rem 0.7rem",
                "border_radius": "999px",
                "border": rx.cond(on, f"2px solid {theme.BLUE}", f"1px solid {theme.GREY_BORDER}"),
                "background": rx.cond(on, theme.BLUE, "white"),
                "color": rx.cond(on, "white", "#161616"),
                "font_weight": rx.cond(on, "700", "400"),
                "font_size": "0.9rem",
                "cursor": rx.cond(S.can_edit, "pointer", "default"),
                "opacity": rx.cond(w["past"] == "1", "0.6", "1"),
                "min_width": "4.5rem",
                "_focus_visible": {"outline": f"3px solid {theme.BLUE}", "outline_offset": "2px"},
            },
        ),
    )


def _periods_list(items, none_text: str, item_id: str = "") -> rx.Component:
    return rx.cond(
        items.length() == 0,
        rx.text(none_text, font_style="italic"),
        rx.el.ul(
            rx.foreach(items, lambda p: rx.el.li(p)),
            style={"margin": "0", "padding_left": "1.25rem"},
            id=item_id or None,
        ),
    )


@page("/espace/etablissement/semaines", "Semaines de stage", on_load=SchoolWeeksState.load)
def school_weeks_page() -> rx.Component:
    S = SchoolWeeksState
    return _space(
        S,
        "semaines",
        "Semaines de stage",
        rx.text(
            "Cochez les semaines de stage de l'année scolaire : une ou plusieurs périodes. "
            "Les élèves voient en priorité les offres de leurs semaines. Si une classe a "
            "d'autres semaines que le reste de l'établissement, choisissez-la dans la liste.",
            margin_bottom="1rem",
        ),
        rx.flex(
            rx.box(
                field_label("Pour", "week-scope"),
                rx.el.select(
                    rx.el.option("Tout l'établissement", value=""),
                    rx.foreach(
                        S.class_options,
                        lambda c: rx.el.option("Classe " + c["name"], value=c["id"]),
                    ),
                    id="week-scope",
                    value=S.scope,
                    on_change=S.set_scope,
                    style=SELECT_STYLE,
                ),
                flex="1",
                min_width="12rem",
            ),
            rx.box(
                field_label("Année scolaire", "week-year"),
                rx.el.select(
                    rx.foreach(S.years, lambda y: rx.el.option(y["name"], value=y["id"])),
                    id="week-year",
                    value=S.year,
                    on_change=S.set_year,
                    style=SELECT_STYLE,
                ),
                flex="1",
                min_width="12rem",
            ),
            gap="1rem",
            wrap="wrap",
            margin_bottom="1rem",
            width="100%",
        ),
        rx.cond(
            S.follows_school,
            notice(
                rx.box(
                    rx.text(
                        "Cette classe n'a pas de semaines à elle : elle suit celles de "
                        "l'établissement. Cochez des semaines pour lui en donner d'autres.",
                    ),
                    _periods_list(S.school_periods, "Aucune semaine choisie pour l'établissement."),
                ),
                "info",
                id="weeks-follows-school",
            ),
        ),
        card(
            rx.text(
                rx.cond(S.scope == "", "Semaines de l'établissement", "Semaines de la classe "),
                rx.cond(S.scope != "", S.scope_name, ""),
                " — ",
                S.year_label,
                font_weight="700",
                color="#161616",
                margin_bottom="0.25rem",
            ),
            rx.cond(
                (S.scope != "") & (S.selected.length() == 0),
                rx.text("Aucune semaine propre à cette classe.", font_style="italic"),
                _periods_list(S.periods, "Aucune semaine choisie.", "weeks-periods"),
            ),
            margin_bottom="1rem",
        ),
        rx.cond(
            ~S.can_edit,
            notice(
                "Seul le chef d'établissement peut changer les semaines de stage.",
                "info",
                id="weeks-read-only",
            ),
        ),
        rx.flex(
            rx.foreach(S.chips, _chip),
            gap="0.5rem",
            wrap="wrap",
            id="weeks-calendar",
            role="group",
            aria_label="Semaines de l'année scolaire",
        ),
        rx.cond(S.error != "", notice(S.error, "error", id="weeks-error", margin_top="1rem")),
        rx.cond(
            S.saved,
            notice("Semaines enregistrées.", "success", id="weeks-saved", margin_top="1rem"),
        ),
        rx.cond(
            S.can_edit,
            rx.hstack(
                rx.button(
                    "Enregistrer les semaines",
                    on_click=S.save,
                    id="weeks-save",
                    size="3",
                    background=theme.BLUE,
                    cursor="pointer",
                ),
                rx.cond(
                    S.dirty,
                    rx.text("Modifications non enregistrées.", color=theme.ERROR),
                ),
                align="center",
                margin_top="1.25rem",
                wrap="wrap",
            ),
        ),
    )


# --- /espace/etablissement/parametres ------------------------------------------------------------


@page("/espace/etablissement/parametres", "Paramètres", on_load=SchoolSettingsState.load)
def school_settings_page() -> rx.Component:
    S = SchoolSettingsState
    return _space(
        S,
        "parametres",
        "Paramètres de l'établissement",
        rx.cond(
            ~S.can_edit,
            notice(
                "Seul le chef d'établissement peut modifier ces paramètres.",
                "info",
                id="settings-read-only",
            ),
        ),
        rx.cond(S.saved, notice("Paramètres enregistrés.", "success", id="settings-saved")),
        rx.cond(
            S.errors.get("form", "") != "",
            notice(S.errors.get("form", ""), "error", id="settings-error"),
        ),
        card(
            rx.form(
                rx.el.fieldset(
                    _h2("Recherche des élèves", margin_top="0"),
                    radio_field(
                        "Les élèves cherchent des offres :",
                        "search_scope",
                        [
                            ("radius", "Autour de l'établissement (60 km par défaut)"),
                            ("national", "Dans toute la France"),
                        ],
                        S.values.get("search_scope", "radius"),
                        S.errors.get("search_scope", ""),
                    ),
                    rx.box(
                        field(
                            "Rayon autour de l'établissement (km)",
                            "search_radius_km",
                            error=S.errors.get("search_radius_km", ""),
                            default=S.values.get("search_radius_km", ""),
                            type="number",
                            input_mode="numeric",
                            hint="Entre 1 et 60 km. Utilisé quand la recherche est limitée "
                            "autour de l'établissement.",
                        ),
                        max_width="28rem",
                    ),
                    _h2("Validation des candidatures"),
                    rx.box(
                        rx.hstack(
                            rx.el.input(
                                type="checkbox",
                                id="settings-validation",
                                name="validation_required",
                                default_checked=S.validation_required,
                                style={"width": "1.2rem", "height": "1.2rem", "flex_shrink": "0"},
                            ),
                            rx.el.label(
                                "Les candidatures sont validées par l'établissement avant "
                                "d'être envoyées aux employeurs",
                                html_for="settings-validation",
                                font_weight="600",
                            ),
                            align="start",
                            spacing="2",
                        ),
                        rx.text(
                            "Avec cette option, chaque candidature d'un élève arrive d'abord "
                            "chez le référent indiqué par l'élève (par défaut l'adresse "
                            "ci-dessous) : il la valide, et elle part chez l'employeur, ou la "
                            "refuse en expliquant pourquoi. Sans elle, les candidatures partent "
                            "directement chez l'employeur et vous les suivez dans vos tableaux.",
                            font_size="0.9rem",
                            color="#555",
                            margin_top="0.25rem",
                        ),
                        margin_bottom="1rem",
                    ),
                    rx.box(
                        field_label("Adresse du référent stages (facultatif)", "f-referent_email"),
                        _hint(
                            rx.cond(
                                S.values.get("official_email", "") != "",
                                "Elle reçoit les demandes de validation. Laissée vide : "
                                "l'adresse de l'établissement, "
                                + S.values.get("official_email", "").to(str)
                                + ".",
                                "Elle reçoit les demandes de validation. Laissée vide : "
                                "l'adresse de l'établissement.",
                            )
                        ),
                        rx.input(
                            id="f-referent_email",
                            name="referent_email",
                            type="email",
                            default_value=S.values.get("referent_email", ""),
                            size="3",
                            width="100%",
                            max_width="28rem",
                            aria_describedby="f-referent_email-err",
                        ),
                        _error(S.errors, "referent_email", "f-referent_email"),
                        margin_bottom="1rem",
                    ),
                    disabled=~S.can_edit,
                    border="none",
                    padding="0",
                    margin="0",
                ),
                rx.cond(
                    S.can_edit,
                    rx.button(
                        "Enregistrer les paramètres",
                        type="submit",
                        id="settings-save",
                        size="3",
                        background=theme.BLUE,
                        cursor="pointer",
                    ),
                ),
                on_submit=S.save,
                reset_on_submit=False,
                id="settings-form",
                key=S.form_key.to_string(),
            ),
        ),
    )
