"""Small pieces shared by the school space's pages: notices, badges, sections, tables,
the export link, the page frames (``space_page`` for the management pages, ``detail_view``
for a class or a pupil), the fields of their forms (``labelled`` around ``text_input`` or
``choice_select``, ``plain_fieldset``, ``class_checkboxes``) and their buttons."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import (
    field_error,
    field_hint,
    field_label,
    loading_spinner,
    notice,
    page_title,
)
from mystage.components.school_nav import school_nav
from mystage.state.schools import (
    SPACE_URL,
)

SMALL = "0.85rem"
MUTED = "#666"
COLOURS = ("green", "blue", "orange", "red")


def denied_notice(text) -> rx.Component:
    """Why the caller may not see the page, under the page's one h1."""
    return rx.vstack(
        page_title("Accès refusé"),
        notice(text, "error", id="school-denied", width="100%"),
        rx.link("← Tableau de bord", href=SPACE_URL, font_size=SMALL),
        width="100%",
        align="start",
    )


def loaded_view(S, view: rx.Component, denied: rx.Component | None = None) -> rx.Component:
    """A spinner until ``S`` has loaded, then why the caller may not see the page (``denied``,
    by default with a link back to the dashboard), or it."""
    if denied is None:
        denied = denied_notice(S.denied)
    return rx.cond(~S.loaded, loading_spinner(), rx.cond(S.denied != "", denied, view))


def colour_of(value) -> rx.Var:
    return rx.match(value, *[(c, c) for c in COLOURS], "gray")


def stage_badge(label, colour, **props) -> rx.Component:
    return rx.badge(
        label, color_scheme=colour_of(colour), variant="soft", size="2", white_space="normal",
        **props,
    )  # fmt: skip


def ep_badge(ep) -> rx.Component:
    return rx.cond(
        ep != "",
        rx.badge(ep, color_scheme="purple", variant="solid", size="2", id="school-ep"),
    )


def section(title, *children, right=None, **props) -> rx.Component:
    head = rx.flex(
        rx.heading(title, as_="h2", size="5", color="#161616"),
        rx.spacer(),
        right if right is not None else rx.fragment(),
        width="100%",
        align="center",
        wrap="wrap",
        gap="0.75rem",
        margin_bottom="0.75rem",
    )
    return rx.box(head, *children, width="100%", min_width="0", **props)


def scroll_box(table: rx.Component, **props) -> rx.Component:
    """Tables scroll sideways inside their box; the page itself never does."""
    return rx.box(
        table,
        width="100%",
        max_width="100%",
        overflow_x="auto",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        tab_index=0,
        **props,
    )


def export_button(href, label="Exporter (xlsx)", button_id: str = "export-xlsx") -> rx.Component:
    """A plain link (the browser downloads the file sent by the API route)."""
    return rx.el.a(
        rx.icon("download", size=16),
        label,
        href=href,
        download="",
        # A document navigation (the router would otherwise look for a page there).
        custom_attrs={"reloadDocument": True},
        id=button_id,
        style={
            "display": "inline-flex",
            "align_items": "center",
            "gap": "0.4rem",
            "padding": "0.4rem 0.9rem",
            "border": f"1px solid {theme.BLUE}",
            "border_radius": "4px",
            "color": theme.BLUE,
            "font_weight": "600",
            "font_size": "0.9rem",
            "text_decoration": "none",
            "white_space": "nowrap",
            "background": "white",
        },
    )


def progress_bar(percent) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.box(
                width=percent + "%", height="100%", background=theme.SUCCESS, border_radius="4px"
            ),
            width="6rem",
            height="0.6rem",
            background="#e5e5e5",
            border_radius="4px",
            overflow="hidden",
            role="progressbar",
            aria_valuenow=percent,
            aria_valuemin="0",
            aria_valuemax="100",
            aria_label="Stages confirmés",
            flex_shrink="0",
        ),
        rx.text(percent, " %", font_size=SMALL, white_space="nowrap"),
        align="center",
        spacing="2",
    )


def head_cells(*labels: str) -> rx.Component:
    return rx.table.row(*[rx.table.column_header_cell(h, white_space="nowrap") for h in labels])


SELECT_STYLE = theme.SELECT
SMALL_SELECT = {**SELECT_STYLE, "padding": "0.35rem", "font_size": "0.9rem", "width": "auto"}


def error_of(errors, key: str, input_id: str) -> rx.Component:
    return field_error(errors.get(key, ""), input_id)


def h2(text, **props) -> rx.Component:
    return rx.heading(text, as_="h2", size="5", color="#161616", margin_y="1rem", **props)


def _space_denied(S) -> rx.Component:
    return rx.vstack(
        notice(S.denied, "error", id="space-denied"),
        rx.link("Retour à mon espace", href="/espace", color=theme.BLUE),
        align="start",
        width="100%",
    )


def space_page(S, key: str, title: str, *children) -> rx.Component:
    """A page of the school space: the navigation, the title, then the content or why the
    caller may not see it."""
    return rx.vstack(
        school_nav(key),
        rx.text(S.school_name, color=theme.GREY_TEXT, font_size="0.9rem"),
        page_title(title),
        rx.cond(S.denied != "", _space_denied(S), rx.box(*children, width="100%")),
        width="100%",
        align="start",
        spacing="0",
    )


def small_button(label, **props) -> rx.Component:
    props.setdefault("variant", "soft")
    return rx.button(label, size="2", cursor="pointer", type="button", **props)


def table_box(headers: list[str], body, **props) -> rx.Component:
    """The framed (« surface ») table of the management pages; see ``scroll_table`` for the
    dashboard's tables."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                # An empty header (a column of buttons) is named for screen readers.
                rx.table.row(
                    *[
                        rx.table.column_header_cell(
                            h or rx.el.span("Actions", class_name="sr-only")
                        )
                        for h in headers
                    ]
                ),
            ),
            rx.table.body(body),
            variant="surface",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        **props,
    )


def muted(*children, size: str = SMALL, **props) -> rx.Component:
    """A small grey line of text."""
    return rx.text(*children, font_size=size, color=MUTED, **props)


def status_notices(message, error, message_id: str, error_id: str, **props) -> tuple:
    """The success message and the error of a page's last action (shown when not empty)."""
    return (
        rx.cond(message != "", notice(message, "success", id=message_id, **props)),
        rx.cond(error != "", notice(error, "error", id=error_id, **props)),
    )


def labelled(
    label: str,
    input_id: str,
    control: rx.Component,
    errors=None,
    key: str = "",
    required: bool = False,
    hint=None,
    **props,
) -> rx.Component:
    """A field: its visible label, an optional hint, the control, then its error
    (``errors[key]``, id ``<input_id>-err``) when ``errors`` is given."""
    return rx.box(
        field_label(label, input_id, required),
        *([field_hint(hint)] if hint is not None else []),
        control,
        *([error_of(errors, key, input_id)] if errors is not None else []),
        **props,
    )


def text_input(input_id: str, name: str, default, **props) -> rx.Component:
    """A large text input described by its error (``<input_id>-err``)."""
    props.setdefault("aria_describedby", f"{input_id}-err")
    return rx.input(id=input_id, name=name, default_value=default, size="3", width="100%", **props)


def choice_select(select_id: str, name: str, placeholder: str, choices, **props) -> rx.Component:
    """A native select: an empty first option, then ``choices`` (``{"value", "label"}``)."""
    return rx.el.select(
        rx.el.option(placeholder, value=""),
        *[rx.el.option(c["label"], value=c["value"]) for c in choices],
        id=select_id,
        name=name,
        aria_describedby=f"{select_id}-err",
        style=SELECT_STYLE,
        **props,
    )


def plain_fieldset(legend: str, *children, margin: str = "0 0 1rem 0") -> rx.Component:
    """A group of inputs under a bold legend, without the browser's frame."""
    return rx.el.fieldset(
        rx.el.legend(legend, font_weight="600"),
        *children,
        border="none",
        padding="0",
        margin=margin,
    )


def class_checkbox(prefix: str, c, checked, **input_props) -> tuple[rx.Component, rx.Component]:
    """A class's checkbox (field ``class_<id>``, id ``<prefix>-class-<id>``) and its label."""
    input_id = f"{prefix}-class-" + c["id"]
    return (
        rx.el.input(
            type="checkbox",
            id=input_id,
            name="class_" + c["id"],
            default_checked=checked,
            **input_props,
        ),
        rx.el.label(c["name"], html_for=input_id),
    )


def class_checkboxes(options, prefix: str, is_checked, min_width: str, **input_props):
    """A checkbox per class of ``options``, side by side (ticked where ``is_checked(class)``)."""
    return rx.flex(
        rx.foreach(
            options,
            lambda c: rx.hstack(
                *class_checkbox(prefix, c, is_checked(c), **input_props),
                spacing="2",
                align="center",
                min_width=min_width,
            ),
        ),
        gap="0.5rem 1.25rem",
        wrap="wrap",
    )


def inline_confirm(question: str, label: str, on_confirm, confirm_id: str, on_cancel):
    """« Really? » in a table row: the question, the red confirmation and « Annuler »."""
    return rx.vstack(
        rx.text(question, font_size="0.9rem"),
        rx.hstack(
            small_button(
                label, on_click=on_confirm, color_scheme="red", variant="solid", id=confirm_id
            ),
            small_button("Annuler", on_click=on_cancel),
        ),
        spacing="1",
    )


def blue_button(label, size: str | None = "3", **props) -> rx.Component:
    """The page's main action (a blue button)."""
    return rx.button(label, size=size, background=theme.BLUE, cursor="pointer", **props)


def scroll_table(head: rx.Component, *rows, size: str = "2", table_id=None, **props):
    """A table (``head``: its header row) that scrolls sideways in its box."""
    return scroll_box(
        rx.table.root(
            rx.table.header(head),
            rx.table.body(*rows),
            width="100%",
            size=size,
            id=table_id,
        ),
        **props,
    )


def detail_view(
    S,
    *body,
    back,
    back_href,
    title,
    subtitle: tuple,
    notice_ids: tuple[str, str],
    view_id: str,
    status=None,
) -> rx.Component:
    """A page under the dashboard (a class, a pupil): the way back, the title with the grey
    line under it (and ``status``), the space's navigation, ``S.notice`` and ``S.error``,
    then ``body``."""
    head = rx.text(*subtitle, color=MUTED, margin_top="-0.75rem")
    return rx.vstack(
        rx.link(back, href=back_href, font_size=SMALL),
        rx.vstack(page_title(title), head, *([status] if status is not None else []), spacing="1"),
        school_nav("tableau"),
        *status_notices(S.notice, S.error, *notice_ids, width="100%"),
        *body,
        width="100%",
        align="start",
        spacing="4",
        id=view_id,
    )
