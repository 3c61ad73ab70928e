"""A text field with suggestions from the server that never loses what is typed (issue 16).

The pattern for every field whose suggestions (or value) the server computes:

- The field is **uncontrolled** (``default_value``): the browser owns what is typed.  A
  field bound to a state var (``value=``) and fed by a debounced handler is overwritten by
  each late echo of the server — « 77100 » typed at 7 keys a second left « 0 ».
- What the page sends is **read from the field** (the form's data at submit, not the state):
  Enter right after the last key searches exactly what is in the field.
- Suggestions are asked with a debounced event carrying the state's ``epoch`` as it was
  when the key was typed; the state ignores an answer to an older epoch (a late request
  after « Rechercher », a choice or a new page cannot reopen the list).
- Choosing a suggestion writes its label into the field in the browser (``rx.set_value``,
  no round trip) and tells the state; only an explicit choice replaces the text.
- The list shows only while the field or one of its suggestions has the focus (CSS
  ``:focus-within``: a click elsewhere, Tab away or « Rechercher » closes it); Escape closes
  it until the next letter typed (a class set in the browser); Tab reaches the suggestions,
  Enter or a click chooses.  A mouse press on a suggestion keeps the focus in the field
  (``prevent_default``) so the list stays until the click lands, Safari included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex_base.vars.base import Var

from mystage.components import theme

CLOSED = "ac-closed"


def _on_key(box_id: str) -> Callable[[Var, Var], Any]:
    """Escape closes the list; a letter or a deletion opens it again (compiled, no eval)."""

    def handler(key: Var, _info: Var) -> Any:
        k = str(key)
        return rx.run_script(
            Var(
                _js_expr=(
                    f"((k, b) => {{ if (!b) return; if (k === 'Escape') b.classList.add('{CLOSED}');"
                    f" else if (k.length === 1 || k === 'Backspace' || k === 'Delete')"
                    f" b.classList.remove('{CLOSED}'); }})"
                    f"({k}, document.getElementById('{box_id}'))"
                ),
                _var_data=key._get_all_var_data(),
            )
        )

    return handler


def autocomplete_field(
    *,
    input_id: str,
    name: str,
    default: Var | str,
    on_type: Callable[[Var], Any],
    suggestions: Var,
    on_choose: Callable[[Var], Any],
    list_label: str,
    item_class: str,
    placeholder: str = "",
    input_style: dict | None = None,
    described_by: str = "",
) -> rx.Component:
    """The field (id ``input_id``, form name ``name``, first value ``default``) and its
    suggestions (``suggestions``: a list var of ``{"label"}``; buttons of class
    ``item_class`` in a group named ``list_label``).  ``on_type(value)``: the (debounced)
    event asking for suggestions; ``on_choose(label)``: the event of a choice."""
    box_id = f"{input_id}-ac"
    return rx.box(
        rx.el.input(
            id=input_id,
            name=name,
            default_value=default,
            on_change=on_type,
            on_key_down=_on_key(box_id),
            placeholder=placeholder,
            auto_complete="off",
            aria_describedby=described_by or None,
            aria_controls=f"{input_id}-list",
            style=input_style or theme.TEXT_INPUT,
        ),
        # Always in the page (empty without suggestions): aria-controls points to it.
        rx.box(
            rx.foreach(
                suggestions,
                lambda p: rx.button(
                    p["label"],
                    type="button",
                    variant="ghost",
                    size="2",
                    on_mouse_down=rx.prevent_default,
                    on_click=[rx.set_value(input_id, p["label"]), on_choose(p["label"])],
                    class_name=item_class,
                    justify_content="start",
                    width="100%",
                ),
            ),
            id=f"{input_id}-list",
            class_name="ac-list",
            display="flex",
            flex_direction="column",
            border=rx.cond(suggestions.length() > 0, f"1px solid {theme.GREY_BORDER}", "none"),
            border_radius="4px",
            background="white",
            width="100%",
            role="group",
            aria_label=list_label,
        ),
        id=box_id,
        class_name="ac",
        width="100%",
    )
