"""« Réglages » (/espace/admin/reglages): how offers are published (moderation mode), the
validation of new structures, the home page's message.  Each change is confirmed, then
audited.  Admins only."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.admin_nav import admin_nav
from mystage.components.dialogs import confirm_dialog
from mystage.components.forms import page_title, radio_field, textarea_field
from mystage.components.layout import page
from mystage.pages.admin.ops_parts import admin_only, messages
from mystage.services import admin_ops
from mystage.state.admin.ops import PlatformSettingsState as S

MODERATION = admin_ops.settings.OFFER_MODERATION
VALIDATION = admin_ops.settings.EMPLOYER_VALIDATION
BANNER = admin_ops.settings.HOME_BANNER


def _section(key: str, title: str, intro: str, *fields: rx.Component) -> rx.Component:
    return rx.el.form(
        rx.heading(title, as_="h2", size="4", margin_bottom="0.5rem"),
        rx.text(intro, font_size="0.9rem", margin_bottom="0.75rem"),
        rx.el.input(type="hidden", name="key", value=key),
        *fields,
        rx.button("Enregistrer", type="submit", id=f"save-{key}", cursor="pointer"),
        on_submit=S.ask,
        key=S.form_key.to(str) + "-" + key,
        id=f"setting-{key}",
        width="100%",
        padding="1rem",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="6px",
    )


def _dialog() -> rx.Component:
    return confirm_dialog(
        "Modifier ce réglage ?",
        rx.text(S.pending_label),
        rx.text(
            "Le changement s'applique tout de suite à toute la plateforme et reste inscrit "
            "au journal.",
            font_size="0.9rem",
            margin_top="0.5rem",
        ),
        description_id="setting-desc",
        cancel=rx.button("Annuler", variant="soft", color_scheme="gray", on_click=S.cancel),
        confirm=rx.button("Confirmer", on_click=S.confirm, id="setting-confirm", cursor="pointer"),
        open=S.pending_key != "",
    )


@page("/espace/admin/reglages", "Réglages de la plateforme", on_load=S.load)
def platform_settings_page() -> rx.Component:
    return rx.vstack(
        page_title("Réglages de la plateforme"),
        admin_nav("reglages"),
        admin_only(
            S,
            messages(S),
            _section(
                MODERATION,
                "Publication des offres",
                "Ce qui se passe quand un employeur clique sur « Publier ».",
                radio_field(
                    "Mode de publication",
                    MODERATION,
                    list(admin_ops.settings.MODERATION_MODES.items()),
                    default=S.values.get(MODERATION, "immediate"),
                    error=S.errors.get(MODERATION, ""),
                ),
            ),
            _section(
                VALIDATION,
                "Validation des nouvelles structures",
                "Une structure d'accueil qui s'inscrit peut-elle publier tout de suite ?",
                radio_field(
                    "Les nouvelles structures doivent être validées avant de publier",
                    VALIDATION,
                    [("1", "Oui, après validation par l'équipe"), ("0", "Non, tout de suite")],
                    default=S.values.get(VALIDATION, "0"),
                    error=S.errors.get(VALIDATION, ""),
                ),
            ),
            _section(
                BANNER,
                "Message sur la page d'accueil",
                "Un court message affiché en haut de la page d'accueil (maintenance, dates "
                "à retenir). Laissez vide pour ne rien afficher.",
                textarea_field(
                    "Message (une ligne)",
                    BANNER,
                    error=S.errors.get(BANNER, ""),
                    default=S.values.get(BANNER, ""),
                    max_chars=admin_ops.settings.BANNER_MAX,
                    rows=2,
                ),
            ),
            rx.text(
                "Les dates des semaines de stage de seconde restent fixées dans le code "
                "(services/weeks.py) : elles ne se règlent pas ici.",
                font_size="0.85rem",
                color="#666",
            ),
            _dialog(),
        ),
        width="100%",
        align="start",
    )
