"""The pieces of the conventions' pages: the state badge, the list of conventions with a box
on each one to sign (« Signer en groupe (n) »), the convention's text, its signatories, the
PDF link, the « Signer » button, the form's buttons."""

from __future__ import annotations

import reflex as rx

from mystage.components import controls, theme
from mystage.components.convention_text import convention_text, pdf_link, signatories_list
from mystage.components.forms import loading_spinner, notice
from mystage.components.signing import signing_dialog
from mystage.state.conventions.signing import SigningState

SMALL = "0.85rem"
MUTED = "#666"
STATE_COLOURS = {
    "draft": "gray", "employer_done": "amber", "validated": "blue", "signing": "indigo",
    "signed": "green", "cancelled": "red",
}  # fmt: skip


def state_badge(state, label, **props) -> rx.Component:
    return controls.state_badge(
        state, label, STATE_COLOURS, size="2", white_space="normal", **props
    )


def sign_button(label, ids, id_: str, disabled=False, **props) -> rx.Component:
    """A button opening the signing dialog for the convention ids ``ids`` (a var)."""
    return rx.button(
        label,
        on_click=SigningState.open_signing(ids),
        disabled=disabled,
        size="3",
        cursor="pointer",
        background=theme.BLUE,
        id=id_,
        **props,
    )


def signing_place(on_done) -> rx.Component:
    """The signing dialog, once on a page that offers signing; ``on_done`` reloads the page's
    data once someone signed."""
    return signing_dialog(on_done=on_done)


def _row_check(S, r) -> rx.Component:
    return rx.cond(
        r["can_sign"] == "1",
        rx.checkbox(
            checked=S.selected.contains(r["id"]),
            on_change=lambda v: S.toggle(r["id"], v),
            id="conv-check-" + r["id"],
            aria_label="Choisir la convention de " + r["pupil"] + " pour la signer",
            size="2",
        ),
        rx.fragment(),
    )


def _row_card(S, r, with_school: bool) -> rx.Component:
    """A convention of the list: a card (it reads on a phone as on a desktop)."""
    return rx.flex(
        rx.box(_row_check(S, r), width="1.5rem", flex_shrink="0", padding_top="0.2rem"),
        rx.box(
            rx.link(r["pupil"], href=r["url"], font_weight="700", id="conv-link-" + r["id"]),
            rx.cond(
                r["class_name"] != "",
                rx.text.span(" — ", r["class_name"], color=MUTED, font_size=SMALL),
            ),
            rx.text(r["offer_title"], font_size=SMALL),
            rx.text(
                r["week"],
                rx.cond(with_school & (r["school"] != ""), " — " + r["school"].to(str), ""),
                font_size=SMALL,
                color=MUTED,
            ),
            flex="1",
            min_width="12rem",
        ),
        state_badge(r["state"], r["state_label"], id="conv-state-" + r["id"]),
        gap="0.75rem",
        wrap="wrap",
        align="start",
        padding="0.75rem 1rem",
        border_top=f"1px solid {theme.GREY_BORDER}",
        width="100%",
        class_name="conv-row",
        id="conv-row-" + r["id"],
    )


def convention_list(S, *, with_school: bool, empty: str) -> rx.Component:
    """The list of ``S.rows``, the « tout cocher » box and « Signer en groupe (n) »."""
    return rx.vstack(
        rx.cond(
            S.signable_count > 0,
            rx.flex(
                rx.hstack(
                    rx.checkbox(
                        checked=(S.selected_count == S.signable_count) & (S.selected_count > 0),
                        on_change=S.toggle_all,
                        id="conv-check-all",
                        size="2",
                    ),
                    rx.el.label(
                        "Tout cocher (", S.signable_count, " à signer)", html_for="conv-check-all"
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.spacer(),
                sign_button(
                    "Signer en groupe (" + S.selected_count.to_string() + ")",
                    S.selected,
                    "conv-sign-group",
                    disabled=S.selected_count == 0,
                ),
                width="100%",
                wrap="wrap",
                gap="0.75rem",
                align="center",
            ),
        ),
        rx.cond(
            S.rows.length() == 0,
            notice(empty, "info", id="conv-empty", width="100%"),
            rx.box(
                rx.foreach(S.rows, lambda r: _row_card(S, r, with_school)),
                border=f"1px solid {theme.GREY_BORDER}",
                border_top="none",
                border_radius="8px",
                background="white",
                width="100%",
                id="conv-list",
            ),
        ),
        signing_place(S.refresh),
        width="100%",
        align="start",
        spacing="3",
    )


def block(title: str, *children, **props) -> rx.Component:
    return rx.box(
        rx.heading(title, as_="h2", size="4", color=theme.BLUE, margin_bottom="0.75rem"),
        *children,
        background="white",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        padding=["1rem", "1.25rem"],
        width="100%",
        **props,
    )


def header(S, back_label: str, back_href: str) -> rx.Component:
    """The way back, the title, the parties, the state, the PDF link and « Signer »."""
    v = S.view
    return rx.vstack(
        rx.link(back_label, href=back_href, font_size=SMALL),
        rx.heading(
            "Convention de stage — " + v["pupil"].to(str),
            as_="h1",
            size="7",
            color="#161616",
            overflow_wrap="anywhere",
        ),
        rx.text(v["structure"], " — ", v["week"], color=MUTED),
        rx.flex(
            rx.hstack(
                rx.text("État :", font_weight="600"),
                state_badge(v["state"], v["state_label"], id="conv-state"),
                align="center",
            ),
            rx.spacer(),
            pdf_link(v["pdf_url"], label="Convention (PDF)", id="conv-pdf"),
            rx.cond(v["can_sign"] == "1", sign_button("Signer", S.sign_ids, "conv-sign")),
            width="100%",
            gap="0.75rem",
            wrap="wrap",
            align="center",
        ),
        rx.cond(S.notice != "", notice(S.notice, "success", id="conv-notice", width="100%")),
        rx.cond(
            S.errors.get("form", "") != "",
            notice(S.errors.get("form", ""), "error", id="conv-error", width="100%"),
        ),
        rx.cond(
            (S.errors.length() > 0) & (S.errors.get("form", "") == ""),
            notice(
                "Certaines informations sont à corriger : voir les messages sous les champs.",
                "error",
                id="conv-has-errors",
                width="100%",
            ),
        ),
        width="100%",
        align="start",
        spacing="2",
    )


def form_buttons(
    S, save_label: str, submit_label: str, submit_id: str, can_submit=True
) -> rx.Component:
    """« Enregistrer » and, while ``can_submit``, the send / validate button (both submit the
    form; the second tells the state first)."""
    return rx.flex(
        rx.button(
            save_label,
            type="submit",
            variant="outline",
            size="3",
            cursor="pointer",
            on_click=S.mark_save,
            id="conv-save",
        ),
        rx.cond(
            can_submit,
            rx.button(
                submit_label,
                type="submit",
                size="3",
                cursor="pointer",
                background=theme.BLUE,
                on_click=S.mark_submit,
                id=submit_id,
                white_space="normal",
                height="auto",
                min_height="2.5rem",
            ),
        ),
        gap="0.75rem",
        wrap="wrap",
        justify="end",
        width="100%",
        margin_top="0.5rem",
    )


def fields_grid(*children) -> rx.Component:
    return rx.grid(
        *children, columns=rx.breakpoints(initial="1", sm="2"), gap="0 1rem", width="100%"
    )


NOT_FOUND = "Convention introuvable, ou vous n'y avez pas accès."


def convention_page(S, form: rx.Component, back: tuple[str, str], *before: rx.Component):
    """One convention's page for a party: the way back and the state (:func:`header`), the
    party's form, the signatories, the text, the signing dialog; a spinner while it loads,
    « introuvable » when the caller may not see it."""
    view = rx.vstack(
        *before,
        header(S, *back),
        form,
        signatories_list(S.signatories, id="conv-signatories"),
        convention_text(S.text, id="conv-text"),
        signing_place(S.load),
        width="100%",
        align="start",
        spacing="4",
        id="conv-page",
    )
    return rx.cond(
        ~S.loaded,
        loading_spinner(),
        rx.cond(
            S.denied,
            rx.vstack(
                rx.heading("Convention de stage", as_="h1", size="7", color="#161616"),
                notice(NOT_FOUND, "error", id="conv-denied"),
                width="100%",
                spacing="3",
            ),
            view,
        ),
    )
