"""What every page of the school space shares: its addresses, the access messages, and the
:class:`SpacePage` mixin that resolves the caller and their school space.

Thin states: every handler re-derives the caller from the session cookie (:func:`caller`) and
passes the ids it got (from the URL, the form or the click) to :mod:`mystage.services.schools`,
which checks the caller's school, role and classes and raises :class:`PermissionDenied`."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.services import schools
from mystage.services.permissions import PermissionDenied
from mystage.state.session import caller, login_redirect

DENIED = "Vous n'avez pas accès à cet établissement ou à cette page."
NOT_STAFF = "Cet espace est réservé aux personnels d'un établissement."
SPACE_URL = schools.SPACE_URL
CLASSES_URL = f"{SPACE_URL}/classes"
WEEKS_URL = f"{SPACE_URL}/semaines"
SETTINGS_URL = f"{SPACE_URL}/parametres"
TEAM_URL = schools.STAFF_URL
SIGNUP_URL = "/inscription/etablissement"
MSG_WAITING = (
    "Votre demande d'accès est en attente : le chef d'établissement doit l'accepter. "
    "Vous recevrez un courriel dès que ce sera fait."
)
MSG_NO_MEMBERSHIP = (
    "Votre compte n'a pas encore accès à l'espace de l'établissement : demandez au chef "
    "d'établissement de vous inviter."
)
MSG_REFUSED = (
    "Le chef d'établissement n'a pas accepté votre demande d'accès, ou vous a retiré "
    "l'accès. Adressez-vous à lui si vous pensez qu'il s'agit d'une erreur."
)
MSG_STAFF_ONLY = "Cet espace est réservé aux personnels des établissements scolaires."


class SpacePage(rx.State, mixin=True):
    """What every page of the school space shares: who is calling and why they may not."""

    loaded: bool = False
    denied: str = ""
    school_name: str = ""
    is_head: bool = False
    see_all: bool = False  # whole-school rights (the head, CPE, secrétariat…)
    school_kind: str = ""  # "college" / "lycee"
    # The ministry's data show no 2de GT in this lycée: the sentence to show ("" otherwise).
    no_seconde: str = ""

    async def _enter(self, path: str):
        """Resolve the caller and their school space.  Returns ``(user, redirect)``: the
        user when the space is open to them, else None with a redirect (anonymous) or
        ``self.denied`` set."""
        self.loaded = False
        user = await caller(self)
        if user is None:
            self.denied = ""
            return None, login_redirect(self)
        try:
            ctx = await db.call(schools.space_context, user)
        except PermissionDenied:
            self.denied = MSG_STAFF_ONLY
            self.loaded = True
            return None, None
        self.school_name = ctx["school_name"]
        self.is_head = bool(ctx["is_head"])
        self.school_kind = ctx.get("kind") or ""
        self.no_seconde = (
            schools.MSG_NO_SECONDE
            if self.school_kind == "lycee" and ctx.get("seconde_gt") == "no"
            else ""
        )
        self.see_all = ctx["scope"] == "school"
        status = ctx["member_status"]
        if status != "active":
            self.denied = {"pending": MSG_WAITING, "none": MSG_NO_MEMBERSHIP}.get(
                status, MSG_REFUSED
            )
            self.loaded = True
            return None, None
        self.denied = ""
        return user, None

    async def _actor(self):
        """The caller of an action (None for an anonymous one, who is sent to log in)."""
        return await caller(self)
