"""« Exporter » panel: xlsx buttons, the REP/REP+ « inscrits » choice, the result, the
progress bar of a background export and the caller's latest exports (``ExportState``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage.components import forms, theme
from mystage.state.exports import ExportState as X


def _button(kind: str, label: str, params: Any) -> rx.Component:
    return rx.button(
        rx.icon("download", size=16),
        label,
        id=f"export-{kind.replace('_', '-')}",
        on_click=X.export(kind, params),
        variant="outline",
        cursor="pointer",
        white_space="normal",
        height="auto",
        min_height="2.5rem",
        padding_y="0.4rem",
    )


def _registered_choice() -> rx.Component:
    return rx.el.select(
        rx.el.option("Tous", value="tous"),
        rx.el.option("Inscrits", value="inscrits"),
        rx.el.option("Non inscrits", value="non_inscrits"),
        id="export-registered",
        aria_label="Établissements REP et REP+ : inscrits, non inscrits ou tous",
        value=X.registered,
        on_change=X.set_registered,
        style={**theme.SELECT, "width": "auto", "padding": "0.45rem"},
    )


def export_panel(
    intro: str,
    buttons: list[tuple[str, str]],
    params: Any = None,
    *,
    rep_schools: bool = False,
    title: str = "Exporter",
) -> rx.Component:
    """``buttons``: ``[(kind, label)]``; ``params``: the page's filters (a state var or a
    dict), sent with the click and checked again on the server."""
    params = params if params is not None else {}
    J = X.job
    return rx.box(
        rx.heading(title, as_="h2", size="5", margin_bottom="0.5rem"),
        rx.text(intro, margin_bottom="0.75rem"),
        rx.flex(
            *[_button(kind, label, params) for kind, label in buttons],
            wrap="wrap",
            gap="0.5rem",
        ),
        rx.flex(
            _button("rep_schools", "Établissements REP et REP+", params),
            _registered_choice(),
            wrap="wrap",
            gap="0.5rem",
            align="center",
            margin_top="0.5rem",
        )
        if rep_schools
        else rx.fragment(),
        rx.cond(
            X.message != "",
            forms.notice(X.message, "success", id="export-message", margin_top="0.75rem"),
        ),
        rx.cond(
            X.error != "",
            forms.notice(X.error, "error", id="export-error", margin_top="0.75rem"),
        ),
        rx.cond(
            J.get("id", "") != "",
            rx.box(
                rx.text(
                    J.get("title", "") + " — " + J.get("status_label", ""),
                    font_weight="600",
                    id="export-queued",
                ),
                rx.progress(
                    value=J.get("percent", "0").to(int),
                    max=100,
                    id="export-progress",
                    aria_label="Avancement de l'export",
                ),
                rx.text(J.get("percent", "0") + " %", font_size="0.85rem"),
                margin_top="0.75rem",
                width="100%",
            ),
        ),
        rx.cond(
            X.recent.length() > 0,
            rx.box(
                rx.heading("Vos derniers exports", as_="h3", size="3", margin_top="1rem"),
                rx.foreach(
                    X.recent,
                    lambda j: rx.cond(
                        j["download_url"] != "",
                        # A finished file: downloads again while its link is valid.
                        rx.text(
                            j["created_at"] + " — ",
                            # The browser itself fetches the file (``reload_document``:
                            # not the app's router); the server answers with the file, or
                            # « lien expiré ».
                            rx.el.a(
                                j["title"],
                                href=j["download_url"],
                                download="",
                                reload_document=True,
                                class_name="export-again",
                                title="Télécharger de nouveau",
                            ),
                            " (lien valable jusqu'au " + j["expires_at"] + ")",
                            font_size="0.85rem",
                        ),
                        rx.text(
                            j["created_at"] + " — " + j["title"] + " : " + j["status_label"],
                            font_size="0.85rem",
                        ),
                    ),
                ),
            ),
        ),
        style=theme.CARD,
        id="exports",
    )
