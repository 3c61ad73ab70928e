"""The preview of an offer by its editor, and « Publier »."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services.permissions import PermissionDenied
from mystage.state.session import caller, login_redirect
from mystage.state.values import id_param, str_dict

DENIED = "Vous n'avez pas accès à cette offre."


def _preview(s, user, offer_id: int):
    from mystage.services import offers, structures

    view = offers.offer_view(s, offer_id, viewer=user, preview=True)
    if view is None:
        raise PermissionDenied
    ctx = structures.employer_context(s, user)
    deactivated = offers.deactivations(s, [(view["id"], view["state"])])
    if view["id"] in deactivated:
        view = {
            **view,
            "state_label": offers.DEACTIVATED_LABEL,
            "state_note": deactivated[view["id"]],
            "badge": "deactivated",
        }
    return view, offers.missing_steps(s, offer_id), ctx


def transition_offer(s, user, offer_id: int, action: str) -> str:
    from mystage.services import offers

    return offers.transition(s, user, offer_id, action)


# What « Publier » did, by the offer's state after it (the platform may hold the offer for
# a moderator or for the author's activation link, issue 18): the dashboard's address
# parameter and its message.
PUBLISH_OUTCOMES = {
    "published": ("publiee", "L'offre n° {id} est publiée."),
    "pending": (
        "soumise",
        "L'offre n° {id} est envoyée à l'équipe MyStage : elle sera publiée après "
        "vérification. Vous recevrez un courriel.",
    ),
    "activation": (
        "a_valider",
        "L'offre n° {id} n'est pas encore visible : il vous faut la valider via le lien "
        "envoyé par courriel.",
    ),
}


def offer_state(s, offer_id: int) -> str:
    from mystage.models import Offer

    offer = s.get(Offer, offer_id)
    return offer.state if offer is not None else ""


VIEW_KEYS = (
    "id", "title", "description", "employer_name", "employer_description", "employer_website",
    "logo_url", "sector", "city", "postal_code", "street", "places_left", "hours",
    "lunch_break", "meals", "travel", "work_environment", "accessibility_text", "reserved",
    "state", "state_label", "application_window", "contact_name", "contact_email",
    "contact_phone", "all_year", "application_open", "applications_closed", "state_note",
    "badge",
)  # fmt: skip


def flatten_view(view: dict) -> dict[str, Any]:
    """offer_view → flat strings for the component (every key present, derived labels)."""
    view = dict(view)
    start, end = view.get("application_start") or "", view.get("application_end") or ""
    if not view.get("application_window"):
        if start and end:
            view["application_window"] = f"du {start} au {end}"
        elif end:
            view["application_window"] = f"jusqu'au {end}"
        elif start:
            view["application_window"] = f"à partir du {start}"
    contact = view.get("contact") or {}
    if isinstance(contact, dict):
        view.setdefault("contact_name", contact.get("name") or contact.get("tutor_name") or "")
        view.setdefault("contact_email", contact.get("email") or contact.get("tutor_email") or "")
        view.setdefault("contact_phone", contact.get("phone") or contact.get("tutor_phone") or "")
    if view.get("meals_on_site") is True and not view.get("meals"):
        view["meals"] = "Repas possible sur place."
    out: dict[str, Any] = {k: "" for k in VIEW_KEYS}
    for k, v in view.items():
        if isinstance(v, bool):
            out[k] = "1" if v else ""
        elif isinstance(v, list):
            out[k] = v
        elif isinstance(v, dict):
            out[k] = str_dict(v)
        else:
            out[k] = "" if v is None else str(v)
    return out


class OfferPreviewState(rx.State):
    offer_id: int = 0
    view: dict[str, Any] = {}
    weeks: list[dict[str, str]] = []
    levels: list[str] = []
    handicaps: list[str] = []
    missing: list[int] = []
    denied: str = ""
    message: str = ""
    error: str = ""
    can_publish: bool = True
    publish_block_reason: str = ""

    @rx.event
    async def load(self):
        self.offer_id = id_param(self.router.url.query_parameters.get("id", ""))
        self.message = ""
        self.error = ""
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        try:
            view, missing, ctx = await db.call(_preview, user, self.offer_id)
        except PermissionDenied:
            self.denied = DENIED
            self.view = {}
            return
        except Exception:  # noqa: BLE001
            self.denied = "Cette offre n'existe pas."
            self.view = {}
            return
        self.denied = ""
        self._set_view(view)
        self.missing = list(missing)
        self.can_publish = bool(ctx.get("can_publish", True))
        self.publish_block_reason = ctx.get("publish_block_reason", "")

    def _set_view(self, view: dict):
        self.view = flatten_view(view)
        self.weeks = [str_dict(w) for w in view.get("weeks") or []]
        self.levels = [str(x) for x in view.get("levels") or []]
        self.handicaps = [str(x) for x in view.get("handicaps") or []]

    @rx.event
    async def publish(self):
        user = await caller(self)
        if user is None:
            return rx.redirect("/connexion")
        error = await db.call(transition_offer, user, self.offer_id, "publish")
        if error:
            self.error = error
            return
        state = await db.call(offer_state, self.offer_id)
        param = PUBLISH_OUTCOMES.get(state, PUBLISH_OUTCOMES["published"])[0]
        return rx.redirect(f"/espace/employeur?onglet=offres&{param}={self.offer_id}")
