"""« Ma structure »: the structure's details and its logo."""

from __future__ import annotations

import reflex as rx

from mystage.components.file_upload import one_file_upload
from mystage.components.forms import card, notice, page_title
from mystage.components.layout import page
from mystage.state.structures import StructureState


@page("/espace/employeur/structure", "Ma structure", on_load=StructureState.load)
def structure_page() -> rx.Component:
    S = StructureState
    return rx.vstack(
        page_title("Ma structure"),
        rx.cond(
            ~S.allowed,
            notice("Réservé au responsable de la structure.", "error", id="structure-denied"),
            rx.vstack(
                card(
                    rx.heading(S.values.get("name", ""), as_="h2", size="5"),
                    rx.text("SIRET : ", S.values.get("siret", "")),
                    rx.text("NAF : ", S.values.get("naf_code", "")),
                    rx.cond(
                        S.values.get("ministry_label", "") != "",
                        rx.text("Institution de tutelle : ", S.values.get("ministry_label", "")),
                    ),
                    rx.text(
                        S.values.get("address", ""),
                        ", ",
                        S.values.get("postal_code", ""),
                        " ",
                        S.values.get("city", ""),
                    ),
                    max_width="40rem",
                ),
                card(
                    rx.heading("Logo", as_="h2", size="5", margin_bottom="0.5rem"),
                    rx.cond(
                        S.values.get("logo_url", "") != "",
                        rx.image(
                            src=S.values.get("logo_url", "") + "?v=" + S.logo_version.to_string(),
                            alt="Logo actuel",
                            max_width="128px",
                            id="logo-current",
                        ),
                    ),
                    one_file_upload(
                        "Image du logo",
                        "logo",
                        {
                            "image/png": [".png"],
                            "image/jpeg": [".jpg", ".jpeg"],
                            "image/webp": [".webp"],
                        },
                        rx.vstack(
                            rx.button("Choisir une image", type="button", variant="soft"),
                            rx.text(
                                "PNG, JPEG ou WebP, 2 Mo au plus. Il sera réduit à 256 px.",
                                font_size="0.85rem",
                            ),
                            rx.foreach(rx.selected_files("logo"), rx.text),
                            align="center",
                        ),
                    ),
                    rx.button(
                        "Enregistrer le logo",
                        margin_top="0.5rem",
                        id="logo-submit",
                        on_click=S.upload_logo(rx.upload_files(upload_id="logo")),
                    ),
                    rx.cond(S.message != "", notice(S.message, "success", id="logo-ok")),
                    rx.cond(S.error != "", notice(S.error, "error", id="logo-error")),
                    max_width="40rem",
                ),
                rx.link(
                    "Mon équipe : membres, invitations et demandes pour rejoindre la structure",
                    href="/espace/employeur/equipe",
                ),
                align="start",
                width="100%",
            ),
        ),
        width="100%",
        align="start",
    )
