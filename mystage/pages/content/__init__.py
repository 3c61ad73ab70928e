"""Texts of the public pages, as data (see ``blocks.py``); rendered by ``pages/public.py``."""

from __future__ import annotations

from . import eleves, employeurs, etablissements, parents, pied_de_page
from .blocks import Page

AUDIENCE_PAGES: tuple[Page, ...] = (
    eleves.PAGE,
    parents.PAGE,
    etablissements.PAGE,
    employeurs.PAGE,
)
FOOTER_PAGES: tuple[Page, ...] = pied_de_page.PAGES
