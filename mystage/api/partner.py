"""``/api/offres/<id>/partenaire``: « Postuler sur le site du partenaire » (issue 19).  Counts
the click (``partner_clicks``) and redirects (302) to the operator's permalink; 404 when the
offer is not public, not applied to on the partner's site or its permalink is not an
http(s) URL (:func:`mystage.services.applications.partner_click`)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from mystage import db
from mystage.services import applications


def _click(offer_id: int) -> str | None:
    with db.session() as s:
        return applications.partner_click(s, offer_id)


async def partner_redirect(request: Request) -> Response:
    target = await run_in_threadpool(_click, request.path_params["offer_id"])
    if target is None:
        return PlainTextResponse("Offre introuvable.", status_code=404)
    # Never cached: every click is counted; no referrer sent with the pupil to the partner.
    return RedirectResponse(
        target,
        status_code=302,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


routes = [
    Route(
        applications.PARTNER_URL.format(id="{offer_id:int}"),
        partner_redirect,
        methods=["GET"],
        name="partner_redirect",
    )
]
