"""The class page's roster: the « pas encore inscrit » rows of the table, and « Ajouter des
élèves » (one by one, by pasting a list checked line by line, the class code)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import field, field_error, field_hint, field_label, notice
from mystage.pages.schools.parts import MUTED, SMALL, muted, stage_badge
from mystage.state.schools import ClassRosterState, SchoolClassState

PASTE_HINT = (
    "Un élève par ligne : « Nom Prénom ; contact ». Le contact (facultatif) est l'adresse "
    "e-mail ou le portable de l'élève ou d'un parent : il reçoit le lien pour créer le compte "
    "de l'élève, déjà rattaché à la classe."
)
PASTE_EXAMPLE = "MARTIN Léa ; lea.martin@exemple.fr\nDUPONT Théo ; 06 12 34 56 78\nNGUYEN Anh"


def roster_row(r) -> rx.Component:
    """A listed pupil who has not created their account yet."""
    R = ClassRosterState
    return rx.table.row(
        rx.table.row_header_cell(rx.text(r["name"], font_weight="600"), min_width="10rem"),
        rx.table.cell(rx.text("—", color=MUTED)),
        rx.table.cell("—", text_align="center", color=MUTED),
        rx.table.cell(
            stage_badge("Pas encore inscrit", "gray", id="roster-state-" + r["id"]),
            muted(
                rx.cond(
                    r["invited_on"] != "",
                    "Invitation envoyée le " + r["invited_on"],
                    "Pas de contact : donnez-lui le code de la classe",
                ),
                size="0.75rem",
            ),
            min_width="10rem",
        ),
        rx.table.cell(
            rx.flex(
                rx.cond(r["contact"] != "", muted(r["contact"], size="0.8rem")),
                rx.cond(
                    r["contact"] != "",
                    rx.button(
                        "Renvoyer l'invitation",
                        on_click=R.resend(r["id"]),
                        id="roster-resend-" + r["id"],
                        size="1",
                        variant="soft",
                        cursor="pointer",
                    ),
                ),
                rx.button(
                    "Retirer",
                    on_click=R.remove(r["id"]),
                    id="roster-remove-" + r["id"],
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    cursor="pointer",
                    aria_label="Retirer " + r["name"] + " de la liste de la classe",
                ),
                gap="0.5rem",
                align="center",
                wrap="wrap",
            ),
            col_span=3,
        ),
        id="roster-row-" + r["id"],
        class_name="roster-row",
    )


def _preview_line(x) -> rx.Component:
    """One line of the pasted list as read: its number, the pupil, the contact, ✓ or the
    error (a list, not a table: it reads on a phone without scrolling sideways)."""
    return rx.el.li(
        rx.text(
            rx.text.span("Ligne " + x["line"] + " : ", color=MUTED),
            rx.text.strong(rx.cond(x["name"] != "", x["name"], x["raw"])),
            rx.cond(x["contact"] != "", " — " + x["contact"], ""),
            rx.cond(x["error"] == "", rx.text.span(" ✓", color=theme.SUCCESS), ""),
            font_size=SMALL,
            word_break="break-word",
        ),
        rx.cond(
            x["error"] != "",
            rx.text(x["error"], color=theme.ERROR, font_size=SMALL, word_break="break-word"),
        ),
        id="paste-line-" + x["line"],
        class_name=rx.cond(x["error"] != "", "paste-line-error", "paste-line-ok"),
        style={"padding": "0.3rem 0", "border_bottom": f"1px solid {theme.GREY_BORDER}"},
    )


def _preview() -> rx.Component:
    R = ClassRosterState
    return rx.cond(
        R.checked,
        rx.box(
            rx.text(
                R.valid.to_string() + " ligne(s) correcte(s), ",
                R.invalid.to_string() + " ligne(s) à corriger.",
                font_weight="600",
                id="paste-summary",
            ),
            rx.el.ul(
                rx.foreach(R.lines, _preview_line),
                style={"list_style": "none", "padding": "0", "margin": "0.5rem 0", "width": "100%"},
            ),  # fmt: skip
            rx.cond(
                R.invalid > 0,
                rx.text(
                    "Rien n'est enregistré tant qu'une ligne est à corriger : corrigez la "
                    "liste et vérifiez-la de nouveau, ou ajoutez seulement les lignes correctes.",
                    font_size=SMALL,
                ),
            ),
            rx.flex(
                rx.cond(
                    R.invalid == 0,
                    rx.button(
                        rx.cond(
                            R.valid == 1,
                            "Ajouter l'élève",
                            "Ajouter les " + R.valid.to_string() + " élèves",
                        ),
                        on_click=R.add_paste(False),
                        id="paste-add",
                        cursor="pointer",
                    ),
                    rx.cond(
                        R.valid > 0,
                        rx.button(
                            rx.cond(
                                R.valid == 1,
                                "Ajouter seulement la ligne correcte",
                                "Ajouter seulement les "
                                + R.valid.to_string()
                                + " lignes correctes",
                            ),
                            on_click=R.add_paste(True),
                            id="paste-add-valid",
                            variant="outline",
                            cursor="pointer",
                            white_space="normal",
                            height="auto",
                            min_height="2rem",
                        ),
                    ),
                ),
                gap="0.5rem",
                wrap="wrap",
                margin_top="0.5rem",
            ),
            id="paste-preview",
            width="100%",
        ),
    )


def _paste_form() -> rx.Component:
    R = ClassRosterState
    return rx.form(
        field_label("Coller la liste de la classe", "roster-paste"),
        field_hint(PASTE_HINT),
        rx.el.textarea(
            id="roster-paste",
            name="paste",
            default_value=R.paste,
            key=R.round.to_string(),
            rows=6,
            placeholder=PASTE_EXAMPLE,
            on_blur=R.set_paste,
            aria_describedby="roster-paste-err",
            style={
                "width": "100%",
                "padding": "0.6rem",
                "border": f"1px solid {theme.GREY_BORDER}",
                "border_radius": "4px",
                "font_family": "inherit",
                "font_size": "0.95rem",
            },
        ),
        field_error(R.paste_error, "roster-paste"),
        rx.button(
            "Vérifier la liste",
            type="submit",
            id="paste-check",
            variant="soft",
            cursor="pointer",
            margin_top="0.5rem",
        ),
        on_submit=R.check_paste,
        id="roster-paste-form",
        width="100%",
    )


def _one_form() -> rx.Component:
    R = ClassRosterState
    return rx.form(
        rx.flex(
            rx.box(
                field(
                    "Prénom",
                    "first_name",
                    R.one_errors.get("first_name", ""),
                    R.one.get("first_name", ""),
                    input_id="roster-first-name",
                    required=True,
                ),  # fmt: skip
                flex="1",
                min_width="10rem",
            ),
            rx.box(
                field(
                    "Nom",
                    "last_name",
                    R.one_errors.get("last_name", ""),
                    R.one.get("last_name", ""),
                    input_id="roster-last-name",
                    required=True,
                ),  # fmt: skip
                flex="1",
                min_width="10rem",
            ),
            rx.box(
                field(
                    "E-mail ou portable (facultatif)",
                    "contact",
                    R.one_errors.get("contact", ""),
                    R.one.get("contact", ""),
                    input_id="roster-contact",
                    hint="De l'élève ou d'un parent : l'invitation y est envoyée.",
                ),  # fmt: skip
                flex="2",
                min_width="12rem",
            ),
            gap="0 1rem",
            wrap="wrap",
            align="end",
            width="100%",
        ),
        rx.button("Ajouter l'élève", type="submit", id="roster-add-one", cursor="pointer"),
        on_submit=R.add_one,
        id="roster-one-form",
        key=R.round.to_string(),
        width="100%",
    )


def _code_box() -> rx.Component:
    R = ClassRosterState
    return rx.box(
        rx.heading("Code de la classe", as_="h3", size="3", color="#161616"),
        rx.cond(
            R.code != "",
            rx.box(
                rx.text(
                    "Donnez ce code ou ce lien aux élèves : il ouvre la création du compte "
                    "élève avec l'établissement et la classe déjà choisis.",
                    font_size=SMALL,
                ),
                rx.text(
                    R.code,
                    font_size="1.6rem",
                    font_weight="700",
                    letter_spacing="0.15em",
                    font_family="monospace",
                    id="class-code",
                ),
                rx.text(R.code_url, font_size=SMALL, id="class-code-url", word_break="break-all"),
                rx.flex(
                    rx.button(
                        "Nouveau code",
                        on_click=R.set_code("new"),
                        id="class-code-new",
                        size="1",
                        variant="soft",
                        cursor="pointer",
                    ),  # fmt: skip
                    rx.button(
                        "Désactiver le code",
                        on_click=R.set_code("revoke"),
                        id="class-code-revoke",
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        cursor="pointer",
                    ),  # fmt: skip
                    gap="0.5rem",
                    margin_top="0.5rem",
                    wrap="wrap",
                ),
            ),
            rx.flex(
                rx.text(
                    "Pas de code pour cette classe : créez-en un pour que les élèves s'inscrivent "
                    "eux-mêmes dans la classe.",
                    font_size=SMALL,
                ),
                rx.button(
                    "Créer un code",
                    on_click=R.set_code("new"),
                    id="class-code-new",
                    size="1",
                    cursor="pointer",
                ),  # fmt: skip
                gap="0.5rem",
                direction="column",
                align="start",
            ),
        ),
        width="100%",
    )


def roster_tools() -> rx.Component:
    """« Ajouter des élèves » (folded once the class has pupils)."""
    R = ClassRosterState
    S = SchoolClassState
    body = rx.vstack(
        rx.cond(R.notice != "", notice(R.notice, "success", id="roster-notice", width="100%")),
        rx.cond(R.error != "", notice(R.error, "error", id="roster-error", width="100%")),
        muted(
            "Les élèves ajoutés apparaissent « pas encore inscrit » jusqu'à ce qu'ils créent "
            "leur compte ; leurs contacts ne sont visibles que des personnels de la classe et "
            "sont effacés à l'inscription.",
        ),
        _one_form(),
        rx.divider(),
        _paste_form(),
        _preview(),
        rx.divider(),
        _code_box(),
        spacing="3",
        width="100%",
        align="start",
    )
    return rx.el.details(
        rx.el.summary(
            rx.text("Ajouter des élèves à la liste de la classe", as_="span", font_weight="700"),
            cursor="pointer",
            id="roster-open",
        ),
        rx.box(body, padding_top="0.75rem"),
        open=(S.counts.get("tous", "0") == "0") | R.keep_open,
        id="roster-tools",
        style={
            "background": theme.GREY_LIGHT,
            "border_radius": "8px",
            "padding": "1rem 1.25rem",
            "width": "100%",
        },
    )
