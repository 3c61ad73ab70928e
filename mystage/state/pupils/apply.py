"""``/offres/<id>/postuler``: « Postuler ».

Thin: every handler re-derives the caller from the session cookie (``caller(self)``) and
hands it to :mod:`mystage.services.pupils`, which checks the role (active pupil) and the
ownership of every id.  Handler arguments are typed ``Any`` on purpose: a client may send
anything, the services check and refuse without raising.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import pupils
from mystage.state import errors as errors_mod
from mystage.state.navigation import scroll_request
from mystage.state.offers import offer_id_from_path
from mystage.state.pupils.common import form_text, form_values, login
from mystage.state.session import caller
from mystage.state.values import flat

# --- « Postuler » -----------------------------------------------------------------------------

FORM_KEYS = ("week", "motivation", "contact_phone", "contact_email", "referent_email")
MSG_BUSY = "La plateforme est très sollicitée : ta candidature n'est pas encore partie, réessaie dans un instant."


class ApplyState(rx.State):
    """``/offres/<id>/postuler``."""

    loaded: bool = False
    found: bool = True
    offer_id: int = 0
    offer: dict[str, str] = {}
    allowed: bool = False
    blocked: str = ""  # "login", "role", "authorization", "other"
    reason: str = ""
    weeks: list[dict[str, str]] = []
    seconde: bool = False  # a 2de pupil: periods of one or two June weeks
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    cv_empty: bool = True
    cv_has_pdf: bool = False
    to_school: bool = False
    is_favorite: bool = False
    favorite_error: str = ""
    done: bool = False
    done_to_school: bool = False
    # The element the page scrolls to after a submit (components/browser.scroll_into_view).
    scroll_to_id: str = ""
    form_version: int = 0
    sending: bool = False  # « Envoi… » on the button while the application is recorded

    @rx.var
    def form_key(self) -> str:
        return f"apply-{self.offer_id}-{self.form_version}"

    @rx.var
    def back_path(self) -> str:
        return f"/offres/{self.offer_id}/postuler"

    @rx.var
    def signup_url(self) -> str:
        return f"/inscription?role=eleve&offre={self.offer_id}"

    @rx.event
    async def load(self):
        self.loaded = False
        self.done = False
        self.sending = False
        self.errors = {}
        self.favorite_error = ""
        self.offer_id = offer_id_from_path(self.router.url.path)
        user = await caller(self)
        ctx = await db.call(pupils.apply_context, user, self.offer_id)
        self.found = bool(ctx.get("found"))
        if not self.found:
            self.offer, self.weeks, self.allowed = {}, [], False
            self.loaded = True
            return
        self.offer = flat(ctx["offer"])
        self.allowed = bool(ctx["allowed"])
        self.blocked = ctx["blocked"]
        self.reason = ctx["reason"]
        self.weeks = [flat(w) for w in ctx["weeks"]]
        self.seconde = bool(ctx.get("seconde"))
        self.values = flat({**ctx["defaults"], "week": "", "motivation": ""})
        self.cv_empty = bool(ctx["cv"]["empty"])
        self.cv_has_pdf = bool(ctx["cv"]["has_pdf"])
        self.to_school = bool(ctx["to_school"])
        self.is_favorite = bool(ctx["is_favorite"])
        self.form_version += 1
        self.loaded = True

    @rx.event
    async def submit(self, form_data: Any):
        """« Envoyer ma candidature »: the button says « Envoi… » at once (first delta),
        then the application is recorded.  A busy database (another writer holds the
        lock) gives a French « réessaie » next to the button, the typed text kept and
        nothing stored; any other failure shows the site's error message with its
        reference (the same as every unexpected error)."""
        form = form_values(form_data)
        data = {k: form_text(form, k, 4000) for k in FORM_KEYS}
        # Typed values are kept (shown again if the form is drawn anew).
        self.values = {**self.values, **data}
        self.sending = True
        yield
        try:
            user = await caller(self)
            if user is None:
                yield login(self.back_path)
                return
            app_id, errors, to_school = await db.call(
                pupils.submit_application, user, self.offer_id, data
            )
        except Exception as exc:
            errors = {
                "form": MSG_BUSY if db.is_busy(exc) else errors_mod.message(errors_mod.report(exc))
            }
            app_id, to_school = None, False
        finally:
            self.sending = False
        if app_id is None:
            self.errors = errors
            if "form" in errors:
                self.scroll_to_id = scroll_request("apply-errors")
            return
        self.errors = {}
        self.done = True
        self.done_to_school = bool(to_school)
        self.scroll_to_id = scroll_request("contenu")

    @rx.event
    async def toggle_favorite(self):
        user = await caller(self)
        if user is None:
            return login(self.back_path)
        on, error = await db.call(pupils.set_favorite, user, self.offer_id, not self.is_favorite)
        self.is_favorite = bool(on)
        self.favorite_error = error
