"""The pupil's space: « Postuler », « Mes candidatures », « Mon CV », « Mes favoris » and
the pupil section of « Mon espace ».

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
from mystage.services.ids import client_id
from mystage.state import errors as errors_mod
from mystage.state.navigation import scroll_request
from mystage.state.offers import offer_id_from_path
from mystage.state.session import caller

APPLICATIONS_URL = "/espace/eleve/candidatures"
CV_URL = "/espace/eleve/cv"
FAVORITES_URL = "/espace/eleve/favoris"
CV_PDF_MAX_BYTES = pupils.CV_PDF_MAX_BYTES


def _login(next_path: str):
    return rx.redirect(f"/connexion?suivant={next_path}")


def _form(form_data: Any) -> dict[str, Any]:
    return form_data if isinstance(form_data, dict) else {}


def _text(form: dict[str, Any], key: str, limit: int) -> str:
    v = form.get(key)
    return v[:limit] if isinstance(v, str) else ""


def _flat(d: dict[str, Any]) -> dict[str, str]:
    """Values for a ``dict[str, str]`` var: booleans as "1"/"", None as ""."""
    out = {}
    for k, v in d.items():
        if isinstance(v, bool):
            out[k] = "1" if v else ""
        else:
            out[k] = "" if v is None else str(v)
    return out


# --- service calls (run in a thread with their own session) -----------------------------------


def _my_applications(s, user):
    return pupils.my_applications(s, user), pupils.pupil_overview(s, user)


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
        self.offer = _flat(ctx["offer"])
        self.allowed = bool(ctx["allowed"])
        self.blocked = ctx["blocked"]
        self.reason = ctx["reason"]
        self.weeks = [_flat(w) for w in ctx["weeks"]]
        self.values = _flat({**ctx["defaults"], "week": "", "motivation": ""})
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
        form = _form(form_data)
        data = {k: _text(form, k, 4000) for k in FORM_KEYS}
        # Typed values are kept (shown again if the form is drawn anew).
        self.values = {**self.values, **data}
        self.sending = True
        yield
        try:
            user = await caller(self)
            if user is None:
                yield _login(self.back_path)
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
            return _login(self.back_path)
        on, error = await db.call(pupils.set_favorite, user, self.offer_id, not self.is_favorite)
        self.is_favorite = bool(on)
        self.favorite_error = error


# --- « Mes candidatures » ---------------------------------------------------------------------

DIALOG_TEXTS = {
    "confirm": (
        "Confirmer ton stage ?",
        "En confirmant ce stage ({week}), tes autres candidatures pour cette semaine seront "
        "retirées et les employeurs prévenus. L'employeur et ton établissement "
        "prépareront ensuite la convention de stage.",
    ),
    "cancel_by_pupil": (
        "Annuler ta candidature ?",
        "Ta candidature à « {title} » ({week}) sera annulée. L'employeur sera prévenu s'il "
        "l'a déjà reçue.",
    ),
}
DONE_TEXTS = {
    "confirm": "Ton stage est confirmé ! Tes autres candidatures pour cette semaine sont retirées.",
    "cancel_by_pupil": "Ta candidature est annulée.",
}


class MyApplicationsState(rx.State):
    """``/espace/eleve/candidatures``."""

    loaded: bool = False
    denied: str = ""
    rows: list[dict[str, str]] = []
    authorized: bool = True
    notice: str = ""
    error: str = ""
    dialog_open: bool = False
    dialog_action: str = ""
    dialog_app_id: int = 0
    dialog_title: str = ""
    dialog_text: str = ""

    async def _reload(self, user) -> None:
        rows, overview = await db.call(_my_applications, user)
        self.rows = [_flat(r) for r in rows]
        self.authorized = bool(overview.get("authorized", True))

    @rx.event
    async def load(self):
        self.loaded = False
        self.notice = ""
        self.error = ""
        self.dialog_open = False
        user = await caller(self)
        if user is None:
            return _login(APPLICATIONS_URL)
        if not pupils.is_pupil(user):
            self.denied = pupils.MSG_PUPILS_ONLY
            self.rows = []
            self.loaded = True
            return
        self.denied = ""
        await self._reload(user)
        self.loaded = True

    @rx.event
    def ask(self, app_id: Any, action: Any):
        """Open the confirmation dialog for a button (the action runs on « Oui »)."""
        if not isinstance(action, str) or action not in DIALOG_TEXTS:
            return
        app_id = client_id(app_id)
        if app_id is None:
            return
        row = next((r for r in self.rows if r.get("id") == str(app_id)), {})
        title, text = DIALOG_TEXTS[action]
        self.dialog_action = action
        self.dialog_app_id = app_id
        self.dialog_title = title
        self.dialog_text = text.format(
            title=row.get("offer_title", "cette offre"),
            week=(row.get("week_label") or "cette semaine").lower(),
        )
        self.error = ""
        self.notice = ""
        self.dialog_open = True

    @rx.event
    def close_dialog(self):
        self.dialog_open = False

    @rx.event
    def set_dialog_open(self, value: Any):
        self.dialog_open = value is True

    @rx.event
    async def do_action(self, form_data: Any = None):
        """« Oui » in the dialog: the service checks that the caller is the application's
        pupil and that the action is possible now."""
        self.dialog_open = False
        user = await caller(self)
        if user is None:
            return _login(APPLICATIONS_URL)
        action = self.dialog_action
        message = _text(_form(form_data), "message", 2000)
        error = await db.call(pupils.act_on_application, user, self.dialog_app_id, action, message)
        self.dialog_action, self.dialog_app_id = "", 0
        if error:
            self.error = error
            self.notice = ""
        else:
            self.error = ""
            self.notice = DONE_TEXTS.get(action, "C'est fait.")
        if pupils.is_pupil(user):
            await self._reload(user)


# --- « Mon CV » -------------------------------------------------------------------------------


class CVState(rx.State):
    """``/espace/eleve/cv``."""

    loaded: bool = False
    denied: str = ""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    saved: bool = False
    has_pdf: bool = False
    updated: str = ""
    pdf_notice: str = ""
    pdf_error: str = ""
    form_version: int = 0

    @rx.var
    def form_key(self) -> str:
        return f"cv-{self.form_version}"

    def _fill(self, cv: dict[str, Any]) -> None:
        self.values = {k: str(cv.get(k) or "") for k in pupils.CV_SECTIONS}
        self.has_pdf = bool(cv.get("has_pdf"))
        self.updated = str(cv.get("updated") or "")

    @rx.event
    async def load(self):
        self.loaded = False
        self.saved = False
        self.errors = {}
        self.pdf_notice = ""
        self.pdf_error = ""
        user = await caller(self)
        if user is None:
            return _login(CV_URL)
        if not pupils.is_pupil(user):
            self.denied = pupils.MSG_PUPILS_ONLY
            self.loaded = True
            return
        self.denied = ""
        self._fill(await db.call(pupils.get_cv, user))
        self.form_version += 1
        self.loaded = True

    @rx.event
    async def save(self, form_data: Any):
        user = await caller(self)
        if user is None:
            return _login(CV_URL)
        if not isinstance(form_data, dict):
            self.errors, self.saved = {"form": pupils.MSG_FORM}, False
            return
        data = {k: _text(form_data, k, pupils.CV_SECTION_MAX * 4) for k in pupils.CV_SECTIONS}
        errors = await db.call(pupils.save_cv, user, data)
        self.values = {**self.values, **data}
        self.errors = errors
        self.saved = not errors
        if not errors:
            self._fill(await db.call(pupils.get_cv, user))

    @rx.event
    async def upload_pdf(self, files: list[rx.UploadFile]):
        user = await caller(self)
        if user is None:
            return _login(CV_URL)
        self.pdf_notice = ""
        if not isinstance(files, list) or not files or not hasattr(files[0], "read"):
            self.pdf_error = pupils.MSG_PDF_EMPTY
            return
        try:  # annotated for Reflex's upload route; never trusted
            data = await files[0].read(CV_PDF_MAX_BYTES + 1)
        except (TypeError, ValueError, OSError):
            data = b""
        error = await db.call(pupils.store_cv_pdf, user, data)
        self.pdf_error = error
        if not error:
            self.pdf_notice = "Ton CV en PDF est enregistré."
            self._fill(await db.call(pupils.get_cv, user))
        return rx.clear_selected_files("cv-pdf")

    @rx.event
    async def delete_pdf(self):
        user = await caller(self)
        if user is None:
            return _login(CV_URL)
        error = await db.call(pupils.delete_cv_pdf, user)
        self.pdf_error = error
        self.pdf_notice = "" if error else "Le PDF est supprimé."
        if not error:
            self._fill(await db.call(pupils.get_cv, user))


# --- « Mes favoris » --------------------------------------------------------------------------


class FavoritesState(rx.State):
    """``/espace/eleve/favoris``."""

    loaded: bool = False
    denied: str = ""
    rows: list[dict[str, str]] = []
    error: str = ""

    @rx.event
    async def load(self):
        self.loaded = False
        self.error = ""
        user = await caller(self)
        if user is None:
            return _login(FAVORITES_URL)
        if not pupils.is_pupil(user):
            self.denied = pupils.MSG_PUPILS_ONLY
            self.rows = []
            self.loaded = True
            return
        self.denied = ""
        self.rows = [_flat(r) for r in await db.call(pupils.list_favorites, user)]
        self.loaded = True

    @rx.event
    async def remove(self, offer_id: Any):
        offer_id = client_id(offer_id)
        if offer_id is None:
            return
        user = await caller(self)
        if user is None:
            return _login(FAVORITES_URL)
        _on, error = await db.call(pupils.set_favorite, user, offer_id, False)
        self.error = error
        if pupils.is_pupil(user):
            self.rows = [_flat(r) for r in await db.call(pupils.list_favorites, user)]


# --- « Mon espace » (pupil section) -----------------------------------------------------------


class PupilSpaceState(rx.State):
    """The pupil section of ``/espace`` (nothing shown to other roles)."""

    is_pupil: bool = False
    counts: dict[str, str] = {}
    authorized: bool = True
    authorized_on: str = ""
    cv_empty: bool = True
    favorites: str = "0"
    targeted: dict[str, str] = {}  # the offer they came from, not applied to yet

    @rx.event
    async def load(self):
        user = await caller(self)
        overview = await db.call(pupils.pupil_overview, user) if pupils.is_pupil(user) else {}
        self.is_pupil = bool(overview)
        if not overview:
            self.counts = {}
            self.targeted = {}
            return
        self.targeted = {k: str(v) for k, v in overview.get("targeted", {}).items()}
        self.counts = _flat(overview["counts"])
        self.authorized = bool(overview["authorized"])
        self.authorized_on = overview["authorized_on"]
        self.cv_empty = bool(overview["cv"]["empty"])
        self.favorites = str(overview["favorites"])
