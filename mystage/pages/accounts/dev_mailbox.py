"""The development mailbox (/dev/mails, only with DEV_MAILBOX=true)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import notice, page_title
from mystage.components.layout import page
from mystage.state.accounts import DevMailState


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
