"""The one map iframe of every page: a folium document served by ``/api/carte/<key>``.

The frame is sandboxed without ``allow-same-origin`` (the map runs in an opaque origin:
no access to the page, its cookies or its storage); popup links may still open the offer
page in the top window when clicked.
"""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.services.maps import SANDBOX


def map_frame(
    url: rx.Var,
    title: str,
    height: str,
    *,
    element_id: str,
    lazy: bool = False,
    placeholder: rx.Component | None = None,
    radius: str = "8px",
) -> rx.Component:
    """The map at ``url`` (a state's ``map_url``), or ``placeholder`` while it is ``""``.

    ``title`` names the frame for screen readers (French); ``lazy`` for maps below the
    fold."""
    frame = rx.el.iframe(
        src=url,
        sandbox=SANDBOX,
        title=title,
        id=element_id,
        width="100%",
        height=height,
        loading="lazy" if lazy else "eager",
        style={"border": f"1px solid {theme.GREY_BORDER}", "border_radius": radius},
    )
    if placeholder is None:
        return rx.cond(url != "", frame)
    return rx.cond(url != "", frame, placeholder)
