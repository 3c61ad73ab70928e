"""Choose a school by autocomplete (name, city or UAI), as on the pupil sign-up.

``school_picker(S, ...)`` works with any state that has ``school_id``, ``school_label``,
``school_ep``, ``school_query``, ``school_suggestions`` (``[{"id", "uai", "label", "ep",
"kind", "note"}]``; ``note``: a lycée without 2de GT per the ministry), optionally
``school_note`` (the chosen school's),
``searched``, ``errors`` and the handlers ``search_schools(query)``, ``choose_school(id)``,
``change_school()``.  Ids: ``school-search``, ``school-suggestion-<UAI>``,
``school-chosen``, ``school-change``, ``school-none``.
"""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import field_error, field_hint, field_label


def _suggestion(S, r) -> rx.Component:
    return rx.el.button(
        rx.box(
            rx.text(r["label"], as_="span", display="block", overflow_wrap="anywhere"),
            rx.cond(
                r["note"] != "",
                rx.text(r["note"], as_="span", display="block", font_size="0.8rem", color="#555"),
            ),
            flex="1",
            min_width="0",
        ),
        rx.cond(
            r["ep"] != "",
            rx.badge(r["ep"], color_scheme="orange", variant="soft", flex_shrink="0"),
        ),
        type="button",
        id="school-suggestion-" + r["uai"],
        class_name="school-suggestion",
        on_click=S.choose_school(r["id"]),
        style={
            "display": "flex",
            "gap": "0.5rem",
            "align_items": "center",
            "width": "100%",
            "text_align": "left",
            "padding": "0.6rem 0.75rem",
            "background": "white",
            "border": "none",
            "border_bottom": f"1px solid {theme.GREY_BORDER}",
            "cursor": "pointer",
            "font_size": "0.95rem",
            "color": "#161616",
            "_hover": {"background": theme.INFO_BG},
            "_focus_visible": {"outline": f"2px solid {theme.BLUE}", "outline_offset": "-2px"},
        },
    )


def _search(S, hint: str, placeholder: str | rx.Var, none_text: str) -> rx.Component:
    return rx.box(
        field_hint(hint),
        rx.el.input(
            id="school-search",
            name="school_query",
            type="search",
            default_value=S.school_query,
            placeholder=placeholder,
            auto_complete="off",
            # Outside any form: Enter in this field does not submit the enclosing form.
            form="school-search-none",
            on_change=S.search_schools.debounce(300),
            aria_describedby="school-search-err",
            aria_controls="school-suggestions",
            style={
                "width": "100%",
                "padding": "0.6rem",
                "border": f"1px solid {theme.GREY_BORDER}",
                "border_radius": "4px",
                "font_size": "1rem",
                "box_sizing": "border-box",
            },
        ),
        # Always in the page (empty until something is found): the input's aria-controls
        # must point to an element that exists.
        rx.box(
            rx.foreach(S.school_suggestions, lambda r: _suggestion(S, r)),
            id="school-suggestions",
            role="group",
            aria_label="Établissements trouvés",
            border=rx.cond(
                S.school_suggestions.length() > 0, f"1px solid {theme.GREY_BORDER}", "none"
            ),
            border_top="none",
            border_radius="0 0 4px 4px",
            box_shadow=rx.cond(
                S.school_suggestions.length() > 0, "0 4px 10px rgba(0, 0, 0, 0.08)", "none"
            ),
        ),
        rx.cond(
            (S.school_suggestions.length() == 0) & S.searched,
            rx.text(
                none_text,
                id="school-none",
                font_size="0.85rem",
                margin_top="0.25rem",
                aria_live="polite",
            ),
        ),
    )


def _chosen(S) -> rx.Component:
    return rx.flex(
        rx.box(
            rx.text(S.school_label, id="school-chosen", font_weight="600", color="#161616"),
            rx.cond(S.school_ep != "", rx.badge(S.school_ep, color_scheme="orange")),
            *(
                [
                    rx.cond(
                        S.school_note != "",
                        rx.text(S.school_note, id="school-note", font_size="0.85rem"),
                    )
                ]
                if hasattr(S, "school_note")
                else []
            ),
            flex="1",
            min_width="0",
            overflow_wrap="anywhere",
        ),
        rx.button(
            "Changer",
            type="button",
            variant="outline",
            size="2",
            on_click=S.change_school,
            id="school-change",
            cursor="pointer",
            flex_shrink="0",
        ),
        gap="0.75rem",
        align="center",
        padding="0.75rem",
        background=theme.INFO_BG,
        border_radius="4px",
    )


def school_picker(
    S,
    label: str = "Établissement",
    hint: str = "Tapez au moins 2 lettres : ville, nom ou code UAI, puis choisissez dans la liste.",
    placeholder: str | rx.Var = "ex. : Meaux Henri Dunant",
    none_text: str = "Aucun établissement trouvé. Essayez avec le nom de la ville ou le code UAI.",
    error_key: str = "school_id",
) -> rx.Component:
    """The labelled picker with its error (``S.errors[error_key]``) under it."""
    error = S.errors.get(error_key, "")
    return rx.box(
        field_label(label, "school-search", required=True),
        rx.cond(S.school_id != "", _chosen(S), _search(S, hint, placeholder, none_text)),
        field_error(error, "school-search"),
        width="100%",
        margin_bottom="1rem",
    )
