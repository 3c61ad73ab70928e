"""Form pieces: a labelled field with its error next to it, buttons, notices."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme


def field_label(label: str, input_id: str, required: bool = False, **props) -> rx.Component:
    """The visible label of a field (« * » when required); ``props``: more style
    (``font_size``…)."""
    return rx.el.label(
        label + (" *" if required else ""),
        html_for=input_id,
        font_weight="600",
        display="block",
        margin_bottom="0.25rem",
        **props,
    )


def field_error(error: rx.Var | str, input_id: str) -> rx.Component:
    """The error text under a field, announced to screen readers (id ``<input>-err``).
    Always in the page, hidden while empty: the field's aria-describedby points to it."""
    return rx.text(
        error,
        id=f"{input_id}-err",
        color=theme.ERROR,
        font_size="0.85rem",
        margin_top="0.25rem",
        role="alert",
        display=rx.cond(error != "", "block", "none"),
    )


def shown_error(error: rx.Var | str, error_id: str) -> rx.Component:
    """The error text (id ``error_id``), in the page only while ``error`` is not empty
    (:func:`field_error` stays in the page, hidden, for an aria-describedby)."""
    return rx.cond(
        error != "",
        rx.text(error, id=error_id, color=theme.ERROR, font_size="0.85rem", role="alert"),
    )


def field_hint(text: rx.Var | str) -> rx.Component:
    """The small grey hint between a field's label and its input."""
    return rx.text(text, font_size="0.8rem", color="#666", margin_bottom="0.25rem")


def field_box(
    label: str,
    input_id: str,
    *controls: rx.Component,
    error: rx.Var | str = "",
    hint: rx.Var | str = "",
    required: bool = False,
) -> rx.Component:
    """The frame of a field: its label, the hint if any, the ``controls`` (the input and
    what goes with it), then the error text (id ``<input_id>-err``)."""
    return rx.box(
        field_label(label, input_id, required),
        field_hint(hint) if isinstance(hint, rx.Var) or hint else rx.fragment(),
        *controls,
        field_error(error, input_id),
        width="100%",
        margin_bottom="1rem",
    )


def field(
    label: str,
    name: str,
    error: rx.Var | str = "",
    default: rx.Var | str = "",
    type: str = "text",
    hint: rx.Var | str = "",
    autocomplete: str = "",
    required: bool = False,
    input_mode: str = "",
    input_id: str = "",
) -> rx.Component:
    """A visible label, the input, an optional hint and the error text under it (the
    input's id is ``f-<name>`` unless ``input_id`` is given; the error's is ``<id>-err``)."""
    input_id = input_id or f"f-{name}"
    return field_box(
        label,
        input_id,
        rx.input(
            id=input_id,
            name=name,
            type=type,
            default_value=default,
            auto_complete=autocomplete or None,
            input_mode=input_mode or None,
            size="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{input_id}-err",
            color_scheme=rx.cond(error != "", "red", "indigo"),
        ),
        error=error,
        hint=hint,
        required=required,
    )


def checkbox_field(
    label: str, name: str, error: rx.Var | str = "", checked: rx.Var | bool = False
) -> rx.Component:
    input_id = f"f-{name}"
    return rx.box(
        rx.hstack(
            rx.el.input(
                type="checkbox",
                id=input_id,
                name=name,
                default_checked=checked,
                style={"width": "1.1rem", "height": "1.1rem", "flex_shrink": "0"},
            ),
            rx.el.label(label, html_for=input_id, font_size="0.9rem"),
            align="start",
            spacing="2",
        ),
        field_error(error, input_id),
        margin_bottom="1rem",
    )


def primary_button(label: str, **props) -> rx.Component:
    return rx.button(
        label,
        size="3",
        width="100%",
        background=theme.BLUE,
        color="white",
        cursor="pointer",
        _hover={"background": theme.BLUE_HOVER},
        **props,
    )


def notice(text: rx.Var | str, kind: str = "info", **props) -> rx.Component:
    colors = {
        "info": (theme.INFO_BG, theme.BLUE),
        "success": (theme.SUCCESS_BG, theme.SUCCESS),
        "error": ("#ffe9e9", theme.ERROR),
    }
    bg, fg = colors[kind]
    color = fg if kind != "info" else "#161616"
    # A component (often an rx.text, a <p>) goes in a <div>: a <p> in a <p> is invalid HTML,
    # which the browser rewrites, and React's hydration of the pre-rendered page then fails.
    body = (
        rx.box(text, color=color) if isinstance(text, rx.Component) else rx.text(text, color=color)
    )
    return rx.box(
        body,
        background=bg,
        border_left=f"4px solid {fg}",
        padding="0.75rem 1rem",
        border_radius="4px",
        margin_bottom="1rem",
        role="status" if kind != "error" else "alert",
        **props,
    )


def card(*children, **props) -> rx.Component:
    return rx.box(
        *children,
        background="white",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        padding=["1.25rem", "1.5rem", "2rem"],
        width="100%",
        **props,
    )


def panel(*children, padding: str = "1rem", **props) -> rx.Component:
    """A white box with a thin grey border and rounded corners (a result, a figure)."""
    return rx.box(
        *children,
        padding=padding,
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        background="white",
        **props,
    )


def loading_spinner() -> rx.Component:
    """A centred spinner while a page loads what it shows."""
    return rx.center(rx.spinner(size="3"), width="100%", padding="3rem")


def loading_line(text: str = "Chargement…") -> rx.Component:
    """Said inside a page's frame (its title already shown) while its data comes — never
    in place of the whole page."""
    return rx.text(text, color="#666", id="page-loading", aria_live="polite")


def until_ready() -> dict:
    """Props of a control that acts on the server (shows or hides fields at once): disabled
    until the page is ready, so a choice made before cannot be lost (issue 16: on a cold
    load of /inscription, « Référent départemental » chosen at once showed nothing)."""
    return {
        "disabled": ~rx.State.is_hydrated,
        "aria_busy": rx.cond(rx.State.is_hydrated, "false", "true"),
    }


def ready_hint(hint_id: str) -> rx.Component:
    """« Chargement… » next to a control of :func:`until_ready` while it waits."""
    return rx.cond(
        ~rx.State.is_hydrated,
        rx.text("Chargement…", id=hint_id, font_size="0.85rem", color="#666", aria_live="polite"),
    )


def page_title(text: str | rx.Var, **props) -> rx.Component:
    return rx.heading(
        text, as_="h1", size="7", color="#161616", **{"margin_bottom": "1rem", **props}
    )


def textarea_field(
    label: str,
    name: str,
    error: rx.Var | str = "",
    default: rx.Var | str = "",
    max_chars: int = 1000,
    hint: str = "",
    required: bool = False,
    rows: int = 5,
    input_id: str = "",
) -> rx.Component:
    """A textarea with a live character counter (updated in the browser, no round trip);
    id ``f-<name>`` unless ``input_id`` is given."""
    input_id = input_id or f"f-{name}"
    count_id = f"{input_id}-count"
    script = (
        f"(function(){{var e=document.getElementById('{input_id}');"
        f"var c=document.getElementById('{count_id}');if(e&&c){{c.textContent="
        f"e.value.length+' / {max_chars} caractères';"
        f"c.style.color=e.value.length>{max_chars}?'{theme.ERROR}':'#666';}}}})()"
    )
    default_len = default.length().to_string() if isinstance(default, rx.Var) else str(len(default))
    return field_box(
        label,
        input_id,
        rx.el.textarea(
            id=input_id,
            name=name,
            default_value=default,
            rows=rows,
            on_change=lambda _value: rx.run_script(script),
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{count_id} {input_id}-err",
            style={
                "width": "100%",
                "padding": "0.6rem",
                "border": rx.cond(
                    error != "", f"2px solid {theme.ERROR}", f"1px solid {theme.GREY_BORDER}"
                ),
                "border_radius": "4px",
                "font_family": "inherit",
                "font_size": "1rem",
                "box_sizing": "border-box",
            },
        ),
        rx.text(
            default_len + f" / {max_chars} caractères",
            id=count_id,
            font_size="0.8rem",
            color="#666",
            text_align="right",
            aria_live="polite",
        ),
        error=error,
        hint=hint,
        required=required,
    )


def select_field(
    label: str,
    name: str,
    options: list[tuple[str, str]] | rx.Var,
    error: rx.Var | str = "",
    default: rx.Var | str = "",
    placeholder: str = "Choisir…",
    required: bool = False,
) -> rx.Component:
    """A native select (works everywhere, keyboard and screen readers included)."""
    input_id = f"f-{name}"
    if isinstance(options, rx.Var):
        opts = rx.foreach(options, lambda o: rx.el.option(o["name"], value=o["id"]))
    else:
        opts = rx.fragment(*[rx.el.option(lbl, value=val) for val, lbl in options])
    return labelled_select(
        label,
        input_id,
        rx.el.option(placeholder, value=""),
        opts,
        name=name,
        default_value=default,
        required=required,
        errors=((error, input_id),),
        box_props={"width": "100%", "margin_bottom": "1rem"},
    )


def labelled_select(
    label: str,
    input_id: str,
    *options: rx.Component,
    errors: tuple[tuple[rx.Var | str, str], ...] = (),
    required: bool = False,
    style: dict | None = None,
    box_props: dict | None = None,
    **select_props,
) -> rx.Component:
    """A label (« * » when ``required``), a native select of ``options`` (id ``input_id``, style ``theme.SELECT``
    unless ``style``; ``select_props``: name, value and on_change, default_value, key…),
    then one :func:`field_error` per ``(text, id)`` of ``errors``; ``box_props`` go to the
    wrapper (``min_width``, ``flex``…)."""
    return rx.box(
        field_label(label, input_id, required),
        rx.el.select(
            *options, id=input_id, **select_props, style=theme.SELECT if style is None else style
        ),
        *[field_error(text, error_id) for text, error_id in errors],
        **(box_props or {}),
    )


def radio_field(
    label: str,
    name: str,
    options: list[tuple[str, str]],
    default: rx.Var | str = "",
    error: rx.Var | str = "",
) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(label, font_weight="600", margin_bottom="0.25rem"),
        *[
            rx.hstack(
                rx.el.input(
                    type="radio",
                    id=f"f-{name}-{val}",
                    name=name,
                    value=val,
                    default_checked=default == val,
                ),
                rx.el.label(lbl, html_for=f"f-{name}-{val}"),
                spacing="2",
                align="center",
            )
            for val, lbl in options
        ],
        shown_error(error, f"f-{name}-err"),
        border="none",
        padding="0",
        margin="0 0 1rem 0",
    )


def upload_field(
    label: str, upload_id: str, *children: rx.Component, **upload_props
) -> rx.Component:
    """``rx.upload`` with a visible label tied to its file input (``<upload_id>-input``),
    which Reflex leaves unlabelled.  The drop zone is not a tab stop of its own
    (``no_keyboard``): the button inside it opens the file dialog, and so does the label."""
    input_id = f"{upload_id}-input"
    zone = rx.upload(*children, id=upload_id, no_keyboard=True, **upload_props)
    if not _label_file_input(zone, input_id):  # Reflex changed how it builds rx.upload
        raise RuntimeError("rx.upload without a file input")
    return rx.box(field_label(label, input_id), zone, width="100%")


def _label_file_input(component: rx.Component, input_id: str) -> bool:
    """Give the upload's ``<input type=file>`` an id: a new input carrying the original's
    react-dropzone props (``getInputProps()``) replaces it."""
    children = getattr(component, "children", [])
    for i, child in enumerate(children):
        if getattr(child, "tag", "") == "input":
            labelled = rx.el.input(type="file", id=input_id)
            labelled.special_props = child.special_props
            children[i] = labelled
            return True
        if _label_file_input(child, input_id):
            return True
    return False
