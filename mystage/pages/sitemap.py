"""The pages listed in ``/sitemap.xml``: an allowlist, so a new page stays out until added.

Private spaces (``/espace/…``), the dev mailbox, pages reached through a one-time link
(activation, password reset, magic link, invitation) and pages with an id in their address
are never listed.  Reflex's SitemapPlugin skips a page whose context says ``sitemap: None``.
"""

from __future__ import annotations

from mystage.pages.content import AUDIENCE_PAGES, FOOTER_PAGES
from mystage.services.accounts import EMPLOYER_SIGNUP_URL, SCHOOL_SIGNUP_URL

PUBLIC_ROUTES: frozenset[str] = frozenset(
    {
        "/",
        "/offres",
        "/statistiques",
        "/connexion",
        "/inscription",
        EMPLOYER_SIGNUP_URL,
        SCHOOL_SIGNUP_URL,
        *(p.route for p in (*AUDIENCE_PAGES, *FOOTER_PAGES)),
    }
)


def sitemap_context(route: str) -> dict:
    """The ``context`` to register a page with: listed in the sitemap or not."""
    return {} if route in PUBLIC_ROUTES else {"sitemap": None}
