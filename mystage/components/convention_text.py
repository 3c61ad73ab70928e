"""A convention read on a page: its text (sections of paragraphs, read-only), its signatories
with who has signed, and the link to its PDF.  Rows come from
``state.conventions.reading.text_rows`` (``{"title", "text"}``) and the view's
``signatories`` (role, label, name, signed "1"/"", signed_at, method)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme


def _text_row(row) -> rx.Component:
    return rx.cond(
        row["title"] != "",
        rx.heading(row["title"], as_="h3", size="4", margin_top="1.25rem", margin_bottom="0.25rem"),
        rx.text(row["text"], white_space="pre-wrap", margin_bottom="0.5rem"),
    )


def convention_text(rows, id: str = "convention-text") -> rx.Component:
    """The convention's articles, in a framed box (the whole text, no inner scroll: a phone
    scrolls the page)."""
    return rx.box(
        rx.heading("Texte de la convention", as_="h2", size="5", margin_bottom="0.25rem"),
        rx.foreach(rows, _text_row),
        id=id,
        background="white",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        padding=["1rem", "1.5rem"],
        width="100%",
        overflow_wrap="anywhere",
    )


def _signatory(row) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.cond(
                row["signed"] == "1",
                rx.icon("circle-check", color=theme.SUCCESS, size=18, aria_hidden="true"),
                rx.icon("circle-dashed", color="#666", size=18, aria_hidden="true"),
            ),
            rx.box(
                rx.text(
                    rx.el.strong(row["label"]),
                    rx.cond(row["name"] != "", " — " + row["name"].to(str), ""),
                ),
                rx.text(
                    rx.cond(
                        row["signed"] == "1",
                        "Signé le " + row["signed_at"].to(str),
                        "Pas encore signé",
                    ),
                    font_size="0.85rem",
                    color="#555",
                ),
            ),
            align="start",
            spacing="2",
        ),
        margin_bottom="0.5rem",
    )


def signatories_list(rows, id: str = "convention-signatories") -> rx.Component:
    return rx.box(
        rx.heading("Signatures", as_="h2", size="5", margin_bottom="0.5rem"),
        rx.el.ul(rx.foreach(rows, _signatory), list_style="none", padding="0", margin="0"),
        id=id,
        width="100%",
    )


def pdf_link(url, label: str = "Télécharger la convention (PDF)", **props) -> rx.Component:
    return rx.cond(
        url != "",
        rx.link(
            rx.icon("file-down", size=18, aria_hidden="true"),
            label,
            href=url,
            is_external=True,
            display="inline-flex",
            gap="0.4rem",
            align_items="center",
            font_weight="600",
            color=theme.BLUE,
            **props,
        ),
    )


def sign_bar(label: str, show, on_click, pdf_url) -> rx.Component:
    """« Signer … » (when ``show``) and the PDF link, side by side (wrapping on a phone)."""
    return rx.flex(
        rx.cond(
            show,
            rx.button(
                label,
                size="3",
                background=theme.BLUE,
                color="white",
                cursor="pointer",
                white_space="normal",
                height="auto",
                min_height="2.75rem",
                on_click=on_click,
                id="conv-sign",
            ),
        ),
        pdf_link(pdf_url, id="conv-pdf"),
        gap="1rem",
        align="center",
        wrap="wrap",
        width="100%",
    )
