"""The small vocabulary the public texts are written in (plain data, no Reflex).

A page is a title, a lead, calls to action and sections; a section holds blocks.
``mystage/pages/public.py`` turns them into components: headings in order (h1 for the
page, h2 for a section, h3 for a ``Sub``), real lists, native ``<details>`` for the FAQ.
Text between square brackets, such as « [Nom de l'organisme qui déploie MyStage] », is a
detail the deploying organisation must fill in: it is highlighted on screen.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Para:
    text: str
    strong: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Steps:
    """A numbered procedure: (short title, explanation) pairs."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Callout:
    """A framed remark.  kind: "info" (blue) or "vigilance" (red edge)."""

    text: str
    title: str = ""
    kind: str = "info"
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Faq:
    """Questions and answers; an answer is one paragraph or several."""

    items: tuple[tuple[str, str | tuple[str, ...]], ...]


@dataclass(frozen=True)
class Link:
    label: str  # the link text, explicit on its own (« Code du travail sur Légifrance »)
    href: str
    note: str = ""  # what the reader will find there


@dataclass(frozen=True)
class Links:
    items: tuple[Link, ...]


@dataclass(frozen=True)
class Download:
    label: str  # « Télécharger le modèle de convention de stage »
    href: str  # /documents/…
    fmt: str  # « RTF, s'ouvre avec un traitement de texte »
    note: str = ""


@dataclass(frozen=True)
class Action:
    label: str
    href: str
    primary: bool = True
    id: str = ""


@dataclass(frozen=True)
class Actions:
    items: tuple[Action, ...]


@dataclass(frozen=True)
class Sub:
    """A sub-section with its own h3 heading."""

    title: str
    blocks: tuple[Block, ...]


Block = Para | Bullets | Steps | Callout | Faq | Links | Download | Actions | Sub


@dataclass(frozen=True)
class Section:
    id: str  # anchor, also used by the « Sur cette page » summary
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Page:
    route: str
    title: str  # browser tab title (« … — MyStage » is added)
    heading: str  # the h1
    lead: tuple[str, ...]
    sections: tuple[Section, ...]
    actions: tuple[Action, ...] = ()
    summary: bool = True  # show « Sur cette page »
    updated: str = ""  # « Dernière mise à jour : … » at the bottom
