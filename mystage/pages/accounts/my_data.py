"""« Mes données » (``/espace/compte/donnees``): download everything MyStage holds about the
caller (RGPD art. 15 and 20) as a zip.  « tu » for pupils, « vous » for everyone else."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import card, loading_line, notice, page_title, primary_button
from mystage.components.layout import page
from mystage.state.accounts.my_data import MyDataState as M

PAGE_TITLE = "Mes données"


def _say(tu: str, vous: str) -> rx.Var:
    return rx.cond(M.tu, tu, vous)


def _contents() -> rx.Component:
    items = [
        ("Ton compte : nom, adresse, téléphone, dates", "Votre compte : nom, adresse, téléphone, dates"),
        ("Ton établissement et ta classe, ton CV (et son PDF)", "Votre établissement ou votre structure"),
        (
            "Tes candidatures, leur historique et les messages des employeurs",
            "Les offres que vous avez créées, vos signatures de conventions",
        ),
        ("Tes favoris, tes conventions signées (PDF)", "Vos favoris et candidatures, s'il y en a"),
        (
            "Tes sessions de connexion et le journal de tes actions",
            "Vos sessions de connexion et le journal de vos actions",
        ),
    ]  # fmt: skip
    return rx.el.ul(
        *[rx.el.li(_say(t, v)) for t, v in items],
        padding_left="1.25rem",
        margin_y="0.5rem",
        list_style_type="disc",
        id="my-data-contents",
    )


def _file_row(f: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text("Demandé le ", f["created_at"], font_weight="600"),
            rx.text(
                f["status_label"],
                rx.cond(f["expires_at"] != "", " · valable jusqu'au " + f["expires_at"], ""),
                font_size="0.85rem",
                color="#555",
            ),
            spacing="0",
        ),
        rx.spacer(),
        rx.cond(
            f["download_url"] != "",
            rx.link(
                rx.icon("download", size=16),
                "Télécharger",
                href=f["download_url"],
                is_external=False,
                display="inline-flex",
                gap="0.35rem",
                align_items="center",
            ),
        ),
        width="100%",
        wrap="wrap",
        padding_y="0.5rem",
        border_top=f"1px solid {theme.GREY_BORDER}",
    )


def _body() -> rx.Component:
    return rx.vstack(
        card(
            rx.text(
                _say(
                    "Tu peux télécharger à tout moment toutes les données que MyStage "
                    "conserve sur toi, dans un fichier .zip\u00a0:",
                    "Vous pouvez télécharger à tout moment toutes les données que MyStage "
                    "conserve sur vous, dans un fichier .zip\u00a0:",
                )
            ),
            _contents(),
            rx.text(
                _say(
                    "Le fichier « mes-donnees.json » se lit avec un éditeur de texte ou se "
                    "transmet à un autre service. Il ne contient rien sur les autres "
                    "personnes, sauf les messages qui t'ont été adressés.",
                    "Le fichier « mes-donnees.json » se lit avec un éditeur de texte ou se "
                    "transmet à un autre service. Il ne contient rien sur les autres "
                    "personnes (élèves, collègues), sauf les messages qui vous ont été adressés.",
                ),
                font_size="0.9rem",
                color="#444",
                margin_bottom="1rem",
            ),
            rx.cond(M.message != "", notice(M.message, "success", id="my-data-message")),
            rx.cond(M.error != "", notice(M.error, "error", id="my-data-error")),
            primary_button(
                "Télécharger mes données",
                id="my-data-download",
                on_click=M.download,
                loading=M.busy,
                disabled=M.busy,
            ),
            max_width="40rem",
        ),
        rx.cond(
            M.recent.length() > 0,
            card(
                rx.heading(
                    _say("Tes derniers fichiers", "Vos derniers fichiers"),
                    as_="h2",
                    size="4",
                    margin_bottom="0.5rem",
                ),
                rx.foreach(M.recent, _file_row),
                rx.text(
                    _say(
                        "Chaque lien ne s'ouvre qu'une fois connecté à ton compte, et pour "
                        "une durée limitée.",
                        "Chaque lien ne s'ouvre qu'une fois connecté à votre compte, et pour "
                        "une durée limitée.",
                    ),
                    font_size="0.85rem",
                    color="#555",
                    margin_top="0.5rem",
                ),
                max_width="40rem",
                id="my-data-files",
            ),
        ),
        rx.link("← Mon compte", href="/espace/compte", id="my-data-back"),
        spacing="4",
        width="100%",
        align="start",
    )


@page("/espace/compte/donnees", PAGE_TITLE, on_load=M.load)
def my_data_page() -> rx.Component:
    return rx.vstack(
        page_title(PAGE_TITLE),
        rx.cond(M.ready, _body(), loading_line()),
        width="100%",
        align="start",
    )
