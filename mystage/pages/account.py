"""« Mon espace », « Mon profil » (password change, logout) and the dev mailbox."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import card, field, notice, page_title, primary_button
from mystage.components.layout import page
from mystage.pages.auth import PASSWORD_HINT
from mystage.services.accounts import STATS_URL
from mystage.state.account import AccountState, DevMailState
from mystage.state.pupils import PupilSpaceState

LOGOUT_JS = (
    "fetch('/api/logout',{method:'POST',credentials:'same-origin'})"
    ".finally(()=>window.location.assign('/'))"
)


def logout_button() -> rx.Component:
    return rx.button(
        rx.icon("log-out", size=16),
        "Se déconnecter",
        variant="outline",
        color_scheme="red",
        on_click=rx.run_script(LOGOUT_JS),
        id="logout",
        cursor="pointer",
    )


def _row(label: str, value: rx.Var) -> rx.Component:
    return rx.cond(
        value != "",
        rx.hstack(
            rx.text(label, font_weight="600", min_width="9rem"),
            rx.text(value),
            wrap="wrap",
            spacing="2",
        ),
    )


def _space_link(title: rx.Var | str, sub: rx.Var | str, href: rx.Var | str, icon: str, id: str):
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=22, color=theme.BLUE, flex_shrink="0"),
            rx.vstack(
                rx.text(title, font_weight="700", color="#161616"),
                rx.text(sub, font_size="0.85rem", color="#555"),
                spacing="0",
            ),
            spacing="3",
            align="center",
        ),
        href=href,
        underline="none",
        id=id,
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        padding="0.85rem 1rem",
        background="white",
        width="100%",
        _hover={"border_color": theme.BLUE},
    )


def _link_grid(*links: rx.Component) -> rx.Component:
    """The space's cards: one column on phones, two from 48em."""
    return rx.box(
        *links,
        display="grid",
        grid_template_columns=rx.breakpoints(initial="1fr", sm="repeat(2, minmax(0, 1fr))"),
        gap="0.75rem",
        width="100%",
    )


def _pupil_section() -> rx.Component:
    P = PupilSpaceState
    c = P.counts
    return rx.vstack(
        rx.cond(
            P.targeted.get("id", "") != "",
            _space_link(
                "Tu voulais postuler : " + P.targeted.get("title", ""),
                "Reprends où tu en étais : voir l'offre et postuler",
                "/offres/" + P.targeted.get("id", ""),
                "arrow-right",
                "space-targeted",
            ),
        ),
        rx.cond(
            P.authorized,
            rx.text(
                "✓ L'autorisation de tes parents est enregistrée",
                rx.cond(P.authorized_on != "", " (le " + P.authorized_on + ")", ""),
                " : tu peux postuler.",
                color=theme.SUCCESS,
                id="space-authorization",
            ),
            notice(
                "Ton établissement n'a pas encore enregistré l'autorisation de tes parents : "
                "parles-en à ton professeur principal. En attendant, tu peux chercher des "
                "offres et les ajouter à tes favoris.",
                "info",
                id="space-authorization",
                width="100%",
            ),
        ),
        _link_grid(
            _space_link(
                "Mes candidatures (" + c.get("total", "0") + ")",
                c.get("pending", "0")
                + " en attente · "
                + c.get("to_confirm", "0")
                + " à confirmer · "
                + c.get("confirmed", "0")
                + " confirmée(s)",
                "/espace/eleve/candidatures",
                "send",
                "space-applications",
            ),
            _space_link(
                "Mon CV",
                rx.cond(P.cv_empty, "À remplir : il est joint à tes candidatures", "Rempli"),
                "/espace/eleve/cv",
                "file-text",
                "space-cv",
            ),
            _space_link(
                "Mes favoris (" + P.favorites + ")",
                "Les offres que tu as mises de côté",
                "/espace/eleve/favoris",
                "star",
                "space-favorites",
            ),
            _space_link(
                "Rechercher une offre",
                "Par métier, lieu et semaine",
                "/offres",
                "search",
                "space-search",
            ),
        ),
        width="100%",
        spacing="3",
        id="space-pupil",
    )


def _stats_section() -> rx.Component:
    """Référents and administrators: « Statistiques et exports » (and their other tools)."""
    A = AccountState
    return rx.vstack(
        rx.cond(
            A.profile.get("territory", "") != "",
            rx.text(
                "Votre territoire : ",
                rx.text.strong(A.profile.get("territory", "")),
                id="space-territory",
            ),
        ),
        _link_grid(
            _space_link(
                "Statistiques et exports",
                rx.cond(
                    A.is_admin,
                    "Chiffres, graphiques et exports de toute la France",
                    "Chiffres, graphiques et exports de votre territoire",
                ),
                STATS_URL,
                "chart-column",
                "link-statistiques",
            ),
            rx.cond(
                A.is_admin,
                _space_link(
                    "Administration",
                    "Comptes et structures à valider",
                    "/espace/admin",
                    "shield-check",
                    "link-admin",
                ),
            ),
            rx.cond(
                A.is_referent,
                _space_link(
                    "Vos offres de stage",
                    "Déposer une offre et suivre ses candidatures",
                    "/espace/employeur",
                    "briefcase",
                    "link-offres",
                ),
            ),
        ),
        width="100%",
        spacing="3",
        id="space-stats",
    )


@page("/espace", "Mon espace", on_load=[AccountState.load, PupilSpaceState.load])
def space_page() -> rx.Component:
    return rx.cond(
        AccountState.profile.get("name", "") != "",
        rx.vstack(
            page_title("Mon espace"),
            rx.text(
                "Bonjour ",
                rx.text.strong(AccountState.profile.get("name", "")),
                " !",
                id="space-hello",
            ),
            rx.text("Profil : ", AccountState.profile.get("role", "")),
            rx.cond(
                PupilSpaceState.is_pupil,
                _pupil_section(),
                rx.cond(
                    AccountState.show_stats,
                    _stats_section(),
                    notice(
                        "Votre espace s'enrichit au fil des étapes : offres, candidatures, suivi "
                        "des classes et statistiques selon votre profil.",
                        "info",
                    ),
                ),
            ),
            rx.hstack(
                rx.link(
                    rx.button("Mon profil", variant="soft", cursor="pointer"), href="/espace/profil"
                ),
                logout_button(),
                spacing="3",
                wrap="wrap",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        rx.text("Chargement…"),
    )


@page("/espace/profil", "Mon profil", on_load=AccountState.load)
def profile_page() -> rx.Component:
    return rx.vstack(
        page_title("Mon profil"),
        card(
            rx.vstack(
                _row("Nom", AccountState.profile.get("name", "")),
                _row("Profil", AccountState.profile.get("role", "")),
                _row("Territoire", AccountState.profile.get("territory", "")),
                _row("Fonction", AccountState.profile.get("job_title", "")),
                _row("Niveau", AccountState.profile.get("level", "")),
                _row("Courriel", AccountState.profile.get("email", "")),
                _row("Téléphone", AccountState.profile.get("phone", "")),
                spacing="2",
            ),
            max_width="40rem",
        ),
        card(
            rx.heading("Changer de mot de passe", as_="h2", size="5", margin_bottom="1rem"),
            rx.cond(
                AccountState.saved,
                notice(
                    "Mot de passe changé. Vos autres sessions ont été fermées.",
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
                field(
                    "Nouveau mot de passe",
                    "password",
                    error=AccountState.errors.get("password", ""),
                    type="password",
                    autocomplete="new-password",
                    hint=PASSWORD_HINT,
                    required=True,
                ),
                field(
                    "Confirmez le nouveau mot de passe",
                    "password2",
                    error=AccountState.errors.get("password2", ""),
                    type="password",
                    autocomplete="new-password",
                    required=True,
                ),
                primary_button("Changer le mot de passe", type="submit", id="pw-submit"),
                on_submit=AccountState.change_password,
                reset_on_submit=False,
            ),
            max_width="40rem",
        ),
        logout_button(),
        spacing="4",
        align="start",
        width="100%",
    )


def _message(m) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.badge(m["channel"], color_scheme=rx.cond(m["channel"] == "sms", "orange", "blue")),
            rx.text(
                m["recipient"],
                font_weight="600",
                class_name="mail-to",
                overflow_wrap="anywhere",
                min_width="0",
            ),
            rx.spacer(),
            rx.text(m["created_at"], font_size="0.8rem", color="#666"),
            wrap="wrap",
            width="100%",
        ),
        rx.text(
            m["subject"],
            font_weight="700",
            margin_top="0.25rem",
            class_name="mail-subject",
            overflow_wrap="anywhere",
        ),
        rx.text(
            m["body"],
            white_space="pre-wrap",
            font_size="0.9rem",
            class_name="mail-body",
            overflow_wrap="anywhere",
        ),
        rx.cond(
            m["action_url"] != "",
            rx.link(
                m["action_url"],
                href=m["action_url"],
                class_name="mail-link",
                overflow_wrap="anywhere",
                color=theme.BLUE,
            ),
        ),
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="6px",
        padding="0.75rem",
        width="100%",
        class_name="mail",
    )


@page("/dev/mails", "Boîte de réception de développement", on_load=DevMailState.load)
def dev_mailbox_page() -> rx.Component:
    return rx.vstack(
        page_title("Courriels et SMS envoyés (développement)"),
        rx.cond(
            DevMailState.enabled,
            rx.vstack(
                rx.text(
                    "Boîte de développement (DEV_MAILBOX=true) : les courriels et SMS sans "
                    "serveur d'envoi configuré restent ici. Elle n'existe pas sans "
                    "DEV_MAILBOX=true, ni sur une adresse publique en https.",
                    font_size="0.9rem",
                ),
                rx.cond(
                    DevMailState.messages.length() == 0,
                    rx.text("Aucun message pour l'instant."),
                ),
                rx.foreach(DevMailState.messages, _message),
                rx.button("Actualiser", on_click=DevMailState.load, variant="soft"),
                spacing="3",
                width="100%",
            ),
            notice("Cette page n'est pas disponible.", "error"),
        ),
        width="100%",
        spacing="3",
    )


def _pending_row(u) -> rx.Component:
    from mystage.state.admin import AdminState

    return rx.table.row(
        rx.table.cell(u["name"]),
        rx.table.cell(u["email"]),
        rx.table.cell(u["role"]),
        rx.table.cell(u["territory"]),
        rx.table.cell(u["job_title"]),
        rx.table.cell(u["created_at"]),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Valider",
                    size="1",
                    on_click=AdminState.decide(u["id"], True),
                    class_name="pending-validate",
                    cursor="pointer",
                ),
                rx.button(
                    "Refuser",
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=AdminState.decide(u["id"], False),
                    class_name="pending-refuse",
                    cursor="pointer",
                ),
            )
        ),
        class_name="pending-account",
    )


def _admin_page() -> rx.Component:
    from mystage.state.admin import AdminState

    return rx.vstack(
        page_title("Administration : comptes à valider"),
        rx.cond(
            AdminState.allowed,
            rx.vstack(
                rx.cond(
                    AdminState.message != "", notice(AdminState.message, "info", id="admin-message")
                ),
                rx.hstack(
                    rx.switch(
                        checked=AdminState.validation_required,
                        on_change=AdminState.set_validation_required,
                        id="validation-switch",
                        aria_labelledby="validation-switch-label",
                    ),
                    rx.text(
                        "Valider les nouvelles structures d'accueil avant publication",
                        id="validation-switch-label",
                    ),
                    align="center",
                ),
                rx.heading("Structures à valider", as_="h2", size="5", margin_top="1rem"),
                rx.cond(
                    AdminState.structures.length() == 0,
                    rx.text("Aucune structure en attente."),
                    rx.foreach(
                        AdminState.structures,
                        lambda st: rx.hstack(
                            rx.text(st["name"], font_weight="600"),
                            rx.text(
                                st["siret"],
                                " — ",
                                st["city"],
                                " — ",
                                st["owner"],
                                font_size="0.85rem",
                            ),
                            rx.spacer(),
                            rx.button(
                                "Valider",
                                size="1",
                                on_click=AdminState.decide_structure(st["id"].to(int), True),
                            ),
                            rx.button(
                                "Refuser",
                                size="1",
                                color_scheme="red",
                                variant="soft",
                                on_click=AdminState.decide_structure(st["id"].to(int), False),
                            ),
                            width="100%",
                            wrap="wrap",
                            class_name="pending-structure",
                        ),
                    ),
                ),
                rx.heading("Comptes à valider", as_="h2", size="5", margin_top="1rem"),
                rx.text(
                    "Référents départementaux, académiques et centraux (accès aux statistiques "
                    "et aux exports de leur territoire), chefs d'établissement inscrits avec "
                    "une adresse académique : vérifiez la fonction avant de valider. La "
                    "personne est prévenue par courriel.",
                    font_size="0.9rem",
                ),
                rx.cond(
                    AdminState.pending.length() == 0,
                    rx.text("Aucun compte en attente de validation."),
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(h)
                                    for h in (
                                        "Nom",
                                        "Identifiant",
                                        "Profil",
                                        "Territoire ou établissement",
                                        "Fonction",
                                        "Demande",
                                        "",
                                    )
                                ]
                            )
                        ),
                        rx.table.body(rx.foreach(AdminState.pending, _pending_row)),
                        width="100%",
                        id="pending-accounts",
                    ),
                ),
                width="100%",
            ),
            notice("Page réservée aux administrateurs.", "error"),
        ),
        width="100%",
        align="start",
    )


def _register_admin() -> None:
    from mystage.state.admin import AdminState

    page("/espace/admin", "Administration", on_load=AdminState.load)(_admin_page)


_register_admin()
