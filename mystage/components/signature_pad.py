"""A drawing pad for a signature, with finger, pen or mouse: the npm package
``react-signature-pad-wrapper`` (a React class component around szimek's ``signature_pad``,
pointer events) wrapped as a Reflex component.

- The canvas is as wide as its container (the wrapper sizes it from ``offsetWidth`` and the
  device pixel ratio, and again on a window resize, keeping the drawing): it works at 375 px.
  ``touch-action: none`` so a finger draws instead of scrolling the page.
- Reflex gives the component a React ref named after its id (``refs["ref_<id>"]``); its
  ``current`` is the wrapper's instance (``isEmpty()``, ``clear()``, ``toDataURL()``).
- Nothing is ``eval``'d (the Content-Security-Policy has no 'unsafe-eval'): the drawing is read
  by :func:`drawing_data_url`, an expression compiled into the trigger that sends it, e.g.
  ``on_click=SigningState.submit_signature(drawing_data_url())``; « Effacer » is a compiled
  function too (``rx.run_script`` with a Var, in a component trigger).
- The canvas has an accessible name (``aria-label``) and points to its hint and error
  (``aria-describedby``); drawing is not possible with a keyboard, so the signing dialog offers
  « Taper mon nom à la place ».
"""

from __future__ import annotations

import reflex as rx
from reflex_base.utils.format import format_ref
from reflex_base.vars.base import Var

from mystage.components import theme

# The package and the one it wraps are pinned in reflex.lock/ (bun.lock, package.json).
PACKAGE = "react-signature-pad-wrapper@4.3.3"
DEFAULT_ID = "signature-pad"
PAD_HEIGHT = "11rem"


class _SignaturePad(rx.NoSSRComponent):
    """``<SignaturePad options canvasProps redrawOnResize />`` (default export).  Client-side
    only: the wrapper measures its canvas when it mounts."""

    library = PACKAGE
    tag = "SignaturePad"
    is_default = True

    # signature_pad options: penColor, minWidth, maxWidth, backgroundColor…
    options: rx.Var[dict]
    # Spread onto the <canvas>: id, aria-label, aria-describedby, role, style (camelCase).
    canvas_props: rx.Var[dict]
    # Keep the drawing when the window is resized (a phone turned sideways).
    redraw_on_resize: rx.Var[bool]


class _PadFrame(rx.el.Div):
    """The pad's frame: a ``<div>`` that also reports ``pointerdown`` (a stroke starting with
    a finger, pen or mouse; signature_pad cancels the mouse events that would follow)."""

    on_pointer_down: rx.EventHandler[rx.event.no_args_event_spec]


def _ref(pad_id: str) -> Var:
    """``refs["ref_<id>"]`` (the React ref Reflex gives a component with an id)."""
    return Var(_js_expr=format_ref(pad_id))._as_ref()


def drawing_data_url(pad_id: str = DEFAULT_ID) -> Var[str]:
    """A JavaScript expression, evaluated in the browser when the trigger fires: the drawing
    as a PNG data URL (``"data:image/png;base64,…"``), or ``""`` when nothing is drawn (or
    the pad is not on the page)."""
    ref = _ref(pad_id)
    return Var(
        _js_expr=(
            f"((p) => (p && typeof p.isEmpty === 'function' && !p.isEmpty())"
            f" ? p.toDataURL('image/png') : '')({ref!s}?.current)"
        ),
        _var_data=ref._get_all_var_data(),
    ).to(str)


def clear_script(pad_id: str = DEFAULT_ID) -> Var:
    """A compiled statement that empties the pad."""
    ref = _ref(pad_id)
    return Var(
        _js_expr=f"{ref!s}?.current?.clear()",
        _var_data=ref._get_all_var_data(),
    )


def signature_pad(
    id: str = DEFAULT_ID,
    label: str = "Zone de signature : dessinez votre signature avec le doigt ou la souris",
    described_by: str = "",
    invalid: Var[bool] | bool = False,
    on_clear=None,
    on_draw_start=None,
) -> rx.Component:
    """The pad (canvas id ``id``, React ref ``ref_<id>``) full width, and « Effacer » under it
    (id ``<id>-clear``).  ``described_by``: ids of the hint and the error;  ``invalid``: red
    frame;  ``on_clear``: more events after « Effacer » (a state that
    clears its error);  ``on_draw_start``: events when a stroke starts (the same)."""
    canvas_props = {
        "id": id,
        "role": "img",
        "aria-label": label,
        "style": {
            "display": "block",
            "width": "100%",
            "height": "100%",
            "touchAction": "none",
            "cursor": "crosshair",
        },
    }
    if described_by:
        canvas_props["aria-describedby"] = described_by
    clear_events = [rx.run_script(clear_script(id))]
    if on_clear is not None:
        clear_events.extend(on_clear if isinstance(on_clear, list) else [on_clear])
    return rx.box(
        _PadFrame.create(
            _SignaturePad.create(
                id=id,
                options={
                    "penColor": "#000091",
                    "minWidth": 0.8,
                    "maxWidth": 2.6,
                },
                canvas_props=canvas_props,
                redraw_on_resize=True,
            ),
            # The line one signs on, drawn by CSS (not in the PNG).
            rx.box(
                position="absolute",
                left="1rem",
                right="1rem",
                bottom="2.25rem",
                border_bottom=f"1px dashed {theme.GREY_BORDER}",
                pointer_events="none",
                aria_hidden="true",
            ),
            position="relative",
            width="100%",
            height=PAD_HEIGHT,
            background="white",
            border=rx.cond(invalid, f"2px solid {theme.ERROR}", f"2px solid {theme.GREY_BORDER}"),
            border_radius="6px",
            overflow="hidden",
            touch_action="none",
            **({"on_pointer_down": on_draw_start} if on_draw_start is not None else {}),
        ),
        rx.flex(
            rx.button(
                rx.icon("eraser", size=16, aria_hidden="true"),
                "Effacer",
                type="button",
                variant="soft",
                color_scheme="gray",
                size="2",
                cursor="pointer",
                on_click=clear_events,
                id=f"{id}-clear",
            ),
            justify="end",
            margin_top="0.5rem",
        ),
        width="100%",
    )
