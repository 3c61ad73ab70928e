"""Employer side, the offers: « Déposer une offre » (4 steps), preview, « Mon espace »
(dashboard), and the public offer page.

Thin: every handler re-derives the caller from the session cookie and lets the services
check role and ownership (they raise PermissionDenied); ids from the client are only
ever used as lookups that the services authorise.
"""

from __future__ import annotations

from mystage.state.offers.dashboard import EmployerDashboardState
from mystage.state.offers.form import STEP_TITLES, WEEKDAYS, OfferFormState
from mystage.state.offers.preview import DENIED, OfferPreviewState, flatten_view
from mystage.state.offers.public import OfferPageState, offer_id_from_path

__all__ = [
    "DENIED",
    "STEP_TITLES",
    "WEEKDAYS",
    "EmployerDashboardState",
    "OfferFormState",
    "OfferPageState",
    "OfferPreviewState",
    "flatten_view",
    "offer_id_from_path",
]
