"""« Candidature sur le site du partenaire » (issue 19): an operator's offer may send its
candidates to the operator's own page (``Offer.permalink``) instead of the MyStage
workflow.  The offer page then shows « Postuler sur le site du partenaire », a link to a
counting redirect (:data:`PARTNER_URL`), and « Postuler » on MyStage is refused
(:func:`~mystage.services.applications.eligibility.can_apply`).

Only ``http://`` and ``https://`` permalinks are ever linked to or redirected to: anything
else (``javascript:``, a relative path, a host-less URL) is treated as no link at all.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Offer, OfferState
from mystage.services.ids import client_id

PARTNER_URL = "/api/offres/{id}/partenaire"
PARTNER_LABEL = "Postuler sur le site du partenaire"
MSG_PARTNER_SITE = (
    "Pour cette offre, la candidature se fait sur le site du partenaire : "
    "utilise le lien « Postuler sur le site du partenaire »."
)
# Offers whose page is public (the link is only counted for them).
LINKED_STATES = (OfferState.PUBLISHED, OfferState.FULL)


def valid_permalink(url: Any) -> bool:
    """An absolute ``http(s)`` URL with a host, without spaces or control characters."""
    if not isinstance(url, str) or not url or len(url) > 300:
        return False
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def partner_link(s: Session, offer_id: Any) -> str:
    """The counting link of the offer's page (``/api/offres/<id>/partenaire``) when it is
    applied to on the partner's site with a valid permalink, else ""."""
    oid = client_id(offer_id, strings=False)
    if oid is None:
        return ""
    row = s.execute(
        sa.select(Offer.apply_on_partner_site, Offer.permalink).where(Offer.id == oid)
    ).first()
    if row is None or not row[0] or not valid_permalink(row[1]):
        return ""
    return PARTNER_URL.format(id=oid)


def partner_click(s: Session, offer_id: Any) -> str | None:
    """A click on « Postuler sur le site du partenaire »: counts it (one set-based
    ``UPDATE … SET partner_clicks = partner_clicks + 1``, committed) and returns the
    permalink to redirect to; None (nothing counted) when the offer is unknown, not
    public, not in partner-site mode or its permalink is not an http(s) URL."""
    oid = client_id(offer_id, strings=False)
    if oid is None:
        return None
    permalink = s.execute(
        sa.select(Offer.permalink).where(
            Offer.id == oid,
            Offer.apply_on_partner_site.is_(True),
            Offer.state.in_([str(x) for x in LINKED_STATES]),
        )
    ).scalar_one_or_none()
    if not valid_permalink(permalink):
        return None
    s.execute(
        sa.update(Offer)
        .where(Offer.id == oid)
        .values(partner_clicks=Offer.partner_clicks + 1)
        .execution_options(synchronize_session=False)
    )
    s.commit()
    return permalink
