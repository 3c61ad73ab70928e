"""Home (placeholder until the search issue), audience pages and footer pages.

The audience pages (/eleves, /parents, /etablissements, /employeurs) and the footer pages
(/contact, /mentions-legales, /accessibilite, /donnees-personnelles) are texts kept as data
in ``mystage/pages/content/``; this module only turns them into components:

- one h1 per page, an h2 per section, an h3 per sub-section (headings in order);
- real lists (numbered steps are an ``<ol>``), FAQ items as native ``<details>``, which
  open with the keyboard and are announced by screen readers without any script;
- links whose text says where they go; downloads and external sites as plain ``<a>``
  (a client-side route cannot serve ``/documents/…``);
- one column on phones (375 px, long words wrap), a sticky « Sur cette page » on desktop.
"""

from __future__ import annotations

import re

import reflex as rx

from mystage.components import theme
from mystage.components.layout import page
from mystage.documents import french_spaces as _t
from mystage.pages.content import AUDIENCE_PAGES, FOOTER_PAGES
from mystage.pages.content.blocks import (
    Action,
    Actions,
    Block,
    Bullets,
    Callout,
    Download,
    Faq,
    Links,
    Page,
    Para,
    Section,
    Steps,
    Sub,
)

INK = "#161616"
TEXT_WIDTH = "46rem"
PLACEHOLDER = re.compile(r"(\[[^\]]+\])")


def _rich(text: str) -> list[rx.Component | str]:
    """Text with each « [détail à compléter] » highlighted for the deploying organisation."""
    out: list[rx.Component | str] = []
    for part in PLACEHOLDER.split(_t(text)):
        if not part:
            continue
        if PLACEHOLDER.fullmatch(part):
            out.append(
                rx.el.mark(
                    part,
                    background="#fff1a8",
                    color=INK,
                    padding_x="0.15em",
                    border_radius="2px",
                )
            )
        else:
            out.append(part)
    return out


def _is_plain_href(href: str) -> bool:
    """Static files and other sites: a real navigation, not a client-side route.

    ``rx.el.a`` is React Router's ``Link`` in Reflex 0.10: these links get
    ``reload_document`` so that the browser itself fetches ``/documents/…``."""
    return "://" in href or href.startswith(("/documents/", "mailto:", "tel:"))


def _link(content: rx.Component | str, href: str, **props) -> rx.Component:
    """A link to ``href``: a plain ``<a>`` that reloads the document when
    :func:`_is_plain_href`, a client-side route otherwise."""
    if _is_plain_href(href):
        return rx.el.a(content, href=href, reload_document=True, **props)
    return rx.link(content, href=href, **props)


def text_link(label: str, href: str, **props) -> rx.Component:
    style = {"color": theme.BLUE, "text_decoration": "underline", "font_weight": "500"}
    style.update(props)
    return _link(_t(label), href, **style)


def paragraph(text: str, strong: bool = False) -> rx.Component:
    return rx.text(
        *_rich(text),
        as_="p",
        size="3",
        line_height="1.6",
        margin_bottom="0.75rem",
        font_weight="700" if strong else None,
        color=INK if strong else None,
    )


def _disc_list(*items: rx.Component, line_height: str) -> rx.Component:
    """A bulleted ``<ul>`` of the content's ``<li>`` items."""
    return rx.el.ul(
        *items,
        list_style_type="disc",
        padding_left="1.25rem",
        margin="0 0 1rem 0",
        line_height=line_height,
    )


def bullets(items: tuple[str, ...]) -> rx.Component:
    return _disc_list(
        *[rx.el.li(*_rich(item), margin_bottom="0.4rem") for item in items], line_height="1.6"
    )


def _block_title(text: str, margin_bottom: str) -> rx.Component:
    """The bold title on its own line at the top of a step or a callout."""
    return rx.el.strong(_t(text), display="block", color=INK, margin_bottom=margin_bottom)


def steps(items: tuple[tuple[str, str], ...]) -> rx.Component:
    """A numbered procedure: the number is text (read out), the list stays an <ol>."""
    return rx.el.ol(
        *[
            rx.el.li(
                rx.box(
                    str(n),
                    flex_shrink="0",
                    width="2rem",
                    height="2rem",
                    line_height="2rem",
                    text_align="center",
                    border_radius="50%",
                    background=theme.BLUE,
                    color="white",
                    font_weight="700",
                ),
                rx.box(
                    _block_title(title, "0.2rem"),
                    rx.text(*_rich(text), as_="p", line_height="1.6"),
                    min_width="0",
                ),
                display="flex",
                gap="0.75rem",
                align_items="flex-start",
                margin_bottom="1.1rem",
            )
            for n, (title, text) in enumerate(items, start=1)
        ],
        role="list",
        list_style="none",
        padding="0",
        margin="0.5rem 0 1rem 0",
    )


def callout(block: Callout) -> rx.Component:
    edge, background = (
        (theme.RED, "#fef4f4") if block.kind == "vigilance" else (theme.BLUE, theme.INFO_BG)
    )
    return rx.box(
        _block_title(block.title, "0.25rem") if block.title else rx.fragment(),
        rx.text(*_rich(block.text), as_="p", line_height="1.6", color=INK),
        bullets(block.items) if block.items else rx.fragment(),
        border_left=f"4px solid {edge}",
        background=background,
        padding="0.85rem 1rem 0.35rem 1rem",
        border_radius="4px",
        margin="0.5rem 0 1.25rem 0",
    )


def faq(items: tuple[tuple[str, str | tuple[str, ...]], ...]) -> rx.Component:
    """Collapsible questions: native <details>/<summary>, one per question."""
    return rx.box(
        *[
            rx.el.details(
                rx.el.summary(
                    _t(question),
                    cursor="pointer",
                    font_weight="600",
                    color=INK,
                    padding="0.85rem 0.5rem",
                    line_height="1.4",
                ),
                rx.box(
                    *[paragraph(p) for p in ((answer,) if isinstance(answer, str) else answer)],
                    padding="0 0.5rem 0.5rem 1.5rem",
                ),
                border_bottom=f"1px solid {theme.GREY_BORDER}",
            )
            for question, answer in items
        ],
        border_top=f"1px solid {theme.GREY_BORDER}",
        margin_bottom="1.25rem",
    )


def links(block: Links) -> rx.Component:
    return _disc_list(
        *[
            rx.el.li(
                text_link(item.label, item.href),
                rx.text(*_rich(item.note), as_="p", size="2", margin_top="0.2rem")
                if item.note
                else rx.fragment(),
                margin_bottom="0.9rem",
            )
            for item in block.items
        ],
        line_height="1.5",
    )


def download(block: Download) -> rx.Component:
    """A download whose link text names the document and its format."""
    return rx.box(
        rx.icon("file-down", size=24, color=theme.BLUE, flex_shrink="0"),
        rx.box(
            rx.el.a(
                _t(f"{block.label} ({block.fmt})"),
                href=block.href,
                download=block.href.rsplit("/", 1)[-1],
                reload_document=True,
                color=theme.BLUE,
                font_weight="600",
                text_decoration="underline",
            ),
            rx.text(block.note, as_="p", size="2", margin_top="0.25rem")
            if block.note
            else rx.fragment(),
            min_width="0",
        ),
        display="flex",
        gap="0.75rem",
        align_items="flex-start",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="6px",
        padding="0.85rem 1rem",
        margin_bottom="1rem",
        background="white",
    )


def action_link(action: Action, id_suffix: str = "") -> rx.Component:
    """A call to action: a link styled as a button (no <button> nested in the <a>)."""
    style = {
        "display": "block",
        "text_align": "center",
        "padding": "0.75rem 1.25rem",
        "border_radius": "4px",
        "border": f"2px solid {theme.BLUE}",
        "font_weight": "600",
        "text_decoration": "none",
        "width": ["100%", "auto"],
        "background": theme.BLUE if action.primary else "white",
        "color": "white" if action.primary else theme.BLUE,
        "_hover": {
            "background": theme.BLUE_HOVER if action.primary else theme.BLUE_LIGHT,
            "color": "white" if action.primary else theme.BLUE,
            "text_decoration": "underline",
        },
    }
    id_ = f"{action.id}{id_suffix}" if action.id else None
    # The label gets its colour on its own span: Radix's link class would override it.
    label = rx.el.span(_t(action.label), color=style["color"])
    return _link(label, action.href, id=id_, **style)


def actions(items: tuple[Action, ...], id_suffix: str = "") -> rx.Component:
    return rx.flex(
        *[action_link(a, id_suffix) for a in items],
        direction=rx.breakpoints(initial="column", sm="row"),
        wrap="wrap",
        gap="0.75rem",
        margin="0.5rem 0 1.25rem 0",
    )


def sub_section(block: Sub, section_id: str) -> rx.Component:
    return rx.box(
        rx.heading(_t(block.title), as_="h3", size="4", color=INK, margin="1.25rem 0 0.5rem 0"),
        *[render_block(b, section_id) for b in block.blocks],
    )


def render_block(block: Block, section_id: str = "") -> rx.Component:
    if isinstance(block, Para):
        return paragraph(block.text, block.strong)
    if isinstance(block, Bullets):
        return bullets(block.items)
    if isinstance(block, Steps):
        return steps(block.items)
    if isinstance(block, Callout):
        return callout(block)
    if isinstance(block, Faq):
        return faq(block.items)
    if isinstance(block, Links):
        return links(block)
    if isinstance(block, Download):
        return download(block)
    if isinstance(block, Actions):
        return actions(block.items, id_suffix=f"-{section_id}" if section_id else "")
    if isinstance(block, Sub):
        return sub_section(block, section_id)
    raise TypeError(f"unknown content block {block!r}")


def section(title: str, *children: rx.Component, id_: str) -> rx.Component:
    """A titled section (h2) with an anchor, for the « Sur cette page » links."""
    return rx.el.section(
        rx.heading(
            _t(title),
            as_="h2",
            size=rx.breakpoints(initial="5", md="6"),
            color=INK,
            margin_bottom="0.75rem",
            id=f"{id_}-titre",
        ),
        *children,
        id=id_,
        aria_labelledby=f"{id_}-titre",
        border_top=f"1px solid {theme.GREY_BORDER}",
        padding_top="1.5rem",
        margin_top="1.5rem",
        scroll_margin_top="1rem",
    )


def summary_nav(sections: tuple[Section, ...]) -> rx.Component:
    return rx.el.nav(
        rx.text("Sur cette page", as_="p", font_weight="700", color=INK, margin_bottom="0.5rem"),
        rx.el.ul(
            *[
                rx.el.li(
                    rx.el.a(_t(s.title), href=f"#{s.id}", color=theme.BLUE),
                    margin_bottom="0.4rem",
                )
                for s in sections
            ],
            list_style="none",
            padding="0",
            margin="0",
            line_height="1.4",
            font_size="0.95rem",
        ),
        aria_label="Sur cette page",
        background=theme.GREY_LIGHT,
        border_radius="6px",
        padding="1rem 1.25rem",
        position=["static", "static", "static", "sticky"],
        top="1rem",
        align_self="start",
        margin_bottom="1rem",
    )


def content_page(p: Page) -> rx.Component:
    """A whole text page: h1, lead, calls to action, summary, sections."""
    body = rx.box(
        *[
            section(s.title, *[render_block(b, s.id) for b in s.blocks], id_=s.id)
            for s in p.sections
        ],
        rx.text("Dernière mise à jour : ", *_rich(p.updated), as_="p", size="2", margin_top="2rem")
        if p.updated
        else rx.fragment(),
        max_width=TEXT_WIDTH,
        min_width="0",
    )
    show_summary = p.summary and len(p.sections) > 2
    return rx.box(
        rx.box(
            rx.heading(
                _t(p.heading),
                as_="h1",
                size=rx.breakpoints(initial="7", md="8"),
                color=INK,
                margin_bottom="0.75rem",
            ),
            *[
                rx.text(*_rich(lead), as_="p", size="4", line_height="1.5", margin_bottom="0.75rem")
                for lead in p.lead
            ],
            actions(p.actions) if p.actions else rx.fragment(),
            max_width=TEXT_WIDTH,
        ),
        rx.box(
            summary_nav(p.sections) if show_summary else rx.fragment(),
            body,
            display="grid",
            grid_template_columns=(
                ["minmax(0, 1fr)", "minmax(0, 1fr)", "minmax(0, 1fr)", "15rem minmax(0, 1fr)"]
                if show_summary
                else "minmax(0, 1fr)"
            ),
            gap=["0", "0", "0", "2.5rem"],
        ),
        width="100%",
        overflow_wrap="break-word",
    )


def _register(p: Page) -> None:
    def render() -> rx.Component:
        return content_page(p)

    render.__name__ = "page_" + (p.route.strip("/").replace("-", "_") or "accueil")
    page(p.route, p.title)(render)


for _content in (*AUDIENCE_PAGES, *FOOTER_PAGES):
    _register(_content)
