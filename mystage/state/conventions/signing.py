"""The signing dialog's state (``components.signing.signing_dialog``), one for every page that
offers « Signer »: the employer's and the school's convention pages and lists (group signing),
the pupil's convention page, the legal representative's link page.

Steps: 1 « Recevoir mon code » → 2 the 6-digit code → 3 draw the signature (or type one's
name) → « Signer » → 4 « Signature enregistrée » (with the PDF when the convention is signed
by everyone).

Who signs is never taken from the browser: a logged-in signatory (employer, head, pupil) is
re-derived from the session cookie in every handler (:func:`caller`); a legal representative
has no account and signs through the personal link of the page (its raw token, kept
backend-only).  The convention ids are client ids, bounded here; the services
(:mod:`mystage.services.conventions`) check that this caller may sign each of them, the code
(hashed, 10 minutes, 5 tries, rate limits) and the drawing, and record the signature with the
client's IP and user agent taken from the websocket here.
"""

from __future__ import annotations

import re
from typing import Any

import reflex as rx

from mystage import db
from mystage.services import conventions, pupils
from mystage.services.ids import client_id
from mystage.state.session import caller, client_ip, login_redirect
from mystage.state.values import as_str

# At most this many conventions in one group signature (the services' GROUP_MAX).
MAX_IDS = 50
TOKEN_MAX = 200
NAME_MAX = 120
# A drawn signature: a PNG data URL, well under the websocket's 1 MB message limit.
PNG_PREFIX = "data:image/png;base64,"
DRAWING_MAX = 900_000
CODE_RE = re.compile(r"^[0-9]{6}$")

NOT_FOUND = "Convention introuvable."
MSG_SESSION = "Votre session a expiré : reconnectez-vous pour signer."
MSG_CODE_FORMAT = "Saisissez les 6 chiffres du code reçu."
MSG_DRAW = "Dessinez votre signature dans le cadre, ou tapez votre nom à la place."
MSG_NAME = "Tapez votre nom complet (prénom et nom)."
MSG_DRAWING_BAD = "Le dessin n'a pas pu être lu : effacez-le et signez à nouveau."
MSG_LINK = (
    "Ce lien de signature n'est pas valide ou a expiré. Demandez un nouveau lien à "
    "l'établissement de l'élève."
)

STEP_REQUEST, STEP_CODE, STEP_DRAW, STEP_DONE = 1, 2, 3, 4


def bounded_ids(raw: Any) -> list[int]:
    """Convention ids from the browser: valid ids only (``client_id``), once each, in order,
    at most :data:`MAX_IDS`."""
    if not isinstance(raw, (list, tuple)):
        raw = [raw]
    ids: list[int] = []
    for item in raw[: MAX_IDS * 2]:
        i = client_id(item)
        if i is not None and i not in ids:
            ids.append(i)
    return ids[:MAX_IDS]


def code_digits(value: Any) -> str:
    """What is typed in the code field: its digits only, at most 6."""
    return re.sub(r"[^0-9]", "", value if isinstance(value, str) else "")[:6]


def link_token(raw: Any) -> str:
    """A legal representative's raw token from the page's address (URL-safe characters)."""
    if not isinstance(raw, str) or not 0 < len(raw) <= TOKEN_MAX:
        return ""
    return raw if re.fullmatch(r"[A-Za-z0-9_\-]+", raw) else ""


def token_from_path(path: Any) -> str:
    """``/convention/signer/<token>`` → token ("" when absent or malformed)."""
    if not isinstance(path, str):
        return ""
    parts = [p for p in path.split("?", 1)[0].split("#", 1)[0].split("/") if p]
    if len(parts) == 3 and parts[:2] == ["convention", "signer"]:
        return link_token(parts[2])
    return ""


def _user_agent(state: rx.State) -> str:
    try:
        ua = state.router.headers.user_agent
    except AttributeError:
        ua = ""
    return ua[:300] if isinstance(ua, str) else ""


# --- work done in a worker thread with a fresh session (db.call) -------------------------------


def _link_summary(s, token: str) -> dict | None:
    return conventions.link_view(s, token)


def _request_code(s, user, link: str, ids: list[int], ip: str):
    return conventions.request_code(s, user=user, link=link or None, convention_ids=ids, ip=ip)


def _check_code(s, user, link: str, ids: list[int], code: str, ip: str) -> str:
    """The code checked before the drawing, when the services offer it (``check_code``: a
    wrong code counts as a try and is refused now, not after the drawing); otherwise only its
    form is checked here and ``sign`` checks it."""
    check = getattr(conventions, "check_code", None)
    if check is None:
        return ""
    return check(s, user=user, link=link or None, convention_ids=ids, code=code, ip=ip)


def _sign(s, user, link: str, ids: list[int], code, drawing, typed_name, ip, user_agent):
    return conventions.sign(
        s,
        user=user,
        link=link or None,
        convention_ids=ids,
        code=code,
        drawing=drawing,
        typed_name=typed_name,
        ip=ip,
        user_agent=user_agent,
    )


def _pdf_links(s, user, link: str, ids: list[int]) -> list[dict[str, str]]:
    """The final PDF of each convention now signed by everyone (label, url)."""
    links: list[dict[str, str]] = []
    for conv_id in ids:
        view = conventions.link_view(s, link) if link else conventions.view(s, user, conv_id)
        if not isinstance(view, dict) or view.get("state") != "signed" or not view.get("pdf_url"):
            continue
        url = as_str(view["pdf_url"])
        if link and "lien=" not in url:
            url += f"?lien={link}"
        label = "La convention signée (PDF)" if len(ids) == 1 else f"Convention n° {conv_id} (PDF)"
        links.append({"label": label, "url": url})
        if link:
            break
    return links


class SigningState(rx.State):
    """One signing dialog per page.  Public: ``open_signing(ids)``, ``open_link(token)``,
    ``request_code``, ``set_code``, ``confirm_code``, ``use_typed_name``, ``set_typed_name``,
    ``submit_signature(drawing)``, ``back``, ``close``, ``set_open``; vars ``is_open``,
    ``step``, ``signed`` (bumped on every success: a page may reload after it)."""

    is_open: bool = False
    step: int = STEP_REQUEST
    count: int = 0  # conventions signed together
    pupil: bool = False  # the caller is the pupil: « tu »
    summary: str = ""
    sent_to: str = ""
    code: str = ""
    typed_mode: bool = False
    typed_name: str = ""
    code_error: str = ""
    signature_error: str = ""
    form_error: str = ""
    busy: bool = False
    reached_draw: bool = False  # the drawing step was shown (the pad stays, hidden, after)
    pdf_links: list[dict[str, str]] = []
    signed: int = 0
    # Backend only: what the dialog was opened for.
    _ids: list[int] = []
    _link: str = ""

    def _reset(self) -> None:
        self.step = STEP_REQUEST
        self.sent_to = ""
        self.code = ""
        self.typed_mode = False
        self.typed_name = ""
        self.code_error = ""
        self.signature_error = ""
        self.form_error = ""
        self.busy = False
        self.reached_draw = False
        self.pdf_links = []

    def _shut(self) -> None:
        self._reset()
        self.is_open = False
        self._ids = []
        self._link = ""
        self.count = 0
        self.summary = ""

    async def _who(self):
        """(ok, user, link): the caller re-derived now.  In link mode the user is None and
        the link is the page's token; otherwise the logged-in user (``ok`` False when the
        session is gone: the dialog says so and nothing is called)."""
        if not self._ids and not self._link:
            self.form_error = NOT_FOUND
            return False, None, ""
        if self._link:
            return True, None, self._link
        user = await caller(self)
        if user is None:
            self.form_error = MSG_SESSION
            return False, None, ""
        return True, user, ""

    # --- opening ------------------------------------------------------------------------------

    @rx.event
    async def open_signing(self, ids: Any):
        """« Signer » / « Signer en groupe » / « J'ai pris connaissance » of a logged-in
        signatory: the dialog for these convention ids (checked by the services at each
        step).  Anonymous: nothing opens, the login page instead."""
        self._shut()
        user = await caller(self)
        if user is None:
            return login_redirect(self)
        conv_ids = bounded_ids(ids)
        if not conv_ids:
            return
        self._ids = conv_ids
        self.count = len(conv_ids)
        self.pupil = pupils.is_pupil(user)
        if len(conv_ids) > 1:
            self.summary = f"Vous allez signer {len(conv_ids)} conventions avec un seul code."
        elif self.pupil:
            self.summary = (
                "En signant, tu indiques que tu as lu la convention de ton stage et que tu en "
                "as pris connaissance."
            )
        else:
            self.summary = "Vous allez signer cette convention de stage."
        self.is_open = True

    @rx.event
    async def open_link(self, token: Any):
        """« Signer la convention » of a legal representative (no account): the personal link
        of the page.  An invalid, expired or used link opens nothing and says so."""
        self._shut()
        token = link_token(token)
        view = await db.call(_link_summary, token) if token else None
        if not isinstance(view, dict) or not view.get("can_sign"):
            self.form_error = MSG_LINK
            return
        conv_id = client_id(view.get("id"))
        self._link = token
        self._ids = [conv_id] if conv_id is not None else []
        self.count = 1
        self.pupil = False
        name = as_str(view.get("name"))
        self.summary = (
            f"{name}, vous allez signer la convention de stage en tant que représentant légal."
            if name
            else "Vous allez signer la convention de stage en tant que représentant légal."
        )
        self.is_open = True

    # --- step 1: the code ---------------------------------------------------------------------

    @rx.event
    async def request_code(self):
        """« Recevoir mon code » (and « Renvoyer un code »): a new 6-digit code by SMS (by mail
        without a mobile)."""
        if not self.is_open:
            return
        self.form_error = ""
        self.code_error = ""
        ok, user, link = await self._who()
        if not ok:
            return
        result = await db.call(_request_code, user, link, list(self._ids), client_ip(self))
        error, sent_to = (
            result if isinstance(result, tuple) and len(result) == 2 else (NOT_FOUND, "")
        )
        if error:
            self.form_error = as_str(error)
            return
        self.sent_to = as_str(sent_to)
        self.code = ""
        self.step = STEP_CODE

    @rx.event
    def set_code(self, value: Any):
        """What is typed in the code field: its digits only, at most 6."""
        digits = code_digits(value)
        self.code = digits
        if self.code_error and len(digits) == 6:
            self.code_error = ""

    @rx.event
    async def confirm_code(self, form_data: Any = None):
        """« Continuer » under the code: to the drawing once the code has its 6 digits."""
        if not self.is_open or self.step not in (STEP_CODE, STEP_DRAW):
            return
        if isinstance(form_data, dict) and isinstance(form_data.get("code"), str):
            self.code = code_digits(form_data["code"])
        if not CODE_RE.match(self.code):
            self.code_error = MSG_CODE_FORMAT
            return
        ok, user, link = await self._who()
        if not ok:
            return
        error = await db.call(_check_code, user, link, list(self._ids), self.code, client_ip(self))
        if error:
            self.code_error = as_str(error)
            return
        self.code_error = ""
        self.form_error = ""
        self.step = STEP_DRAW
        self.reached_draw = True

    @rx.event
    def back(self):
        """« Modifier le code » on the drawing step."""
        if self.is_open and self.step == STEP_DRAW:
            self.step = STEP_CODE

    # --- step 3: the signature ----------------------------------------------------------------

    @rx.event
    def use_typed_name(self):
        """« Taper mon nom à la place » / « Dessiner ma signature »."""
        self.typed_mode = not self.typed_mode
        self.signature_error = ""

    @rx.event
    def set_typed_name(self, value: Any):
        self.typed_name = value.strip()[:NAME_MAX] if isinstance(value, str) else ""
        if self.typed_name:
            self.signature_error = ""

    @rx.event
    def clear_signature_error(self):
        self.signature_error = ""

    @rx.event
    async def submit_signature(self, drawing: Any = ""):
        """« Signer »: ``drawing`` is the pad's PNG data URL, read in the browser when the
        button is clicked (``components.signature_pad.drawing_data_url``), "" when nothing is
        drawn; with « Taper mon nom » the typed name is signed instead."""
        if not self.is_open or self.step != STEP_DRAW or self.busy:
            return
        self.form_error = ""
        self.signature_error = ""
        if not CODE_RE.match(self.code):
            self.code_error = MSG_CODE_FORMAT
            self.step = STEP_CODE
            return
        drawing = drawing if isinstance(drawing, str) else ""
        typed_name = self.typed_name if self.typed_mode else ""
        if self.typed_mode:
            drawing = ""
            if len(typed_name) < 3 or " " not in typed_name:
                self.signature_error = MSG_NAME
                return
        elif not drawing:
            self.signature_error = MSG_DRAW
            return
        elif not drawing.startswith(PNG_PREFIX) or len(drawing) > DRAWING_MAX:
            self.signature_error = MSG_DRAWING_BAD
            return
        ok, user, link = await self._who()
        if not ok:
            return
        self.busy = True
        yield
        try:
            errors = await db.call(
                _sign,
                user,
                link,
                list(self._ids),
                self.code,
                drawing,
                typed_name,
                client_ip(self),
                _user_agent(self),
            )
        finally:
            self.busy = False
        if not isinstance(errors, dict):
            errors = {"form": NOT_FOUND}
        if errors:
            self.code_error = as_str(errors.get("code", ""))
            self.signature_error = as_str(errors.get("signature", ""))
            self.form_error = as_str(errors.get("form", ""))
            if not (self.code_error or self.signature_error or self.form_error):
                self.form_error = as_str(next(iter(errors.values())))
            if self.code_error:
                self.step = STEP_CODE
            return
        self.pdf_links = await db.call(_pdf_links, user, link, list(self._ids))
        self.step = STEP_DONE
        self.signed += 1

    # --- closing ------------------------------------------------------------------------------

    @rx.event
    def close(self):
        self._shut()

    @rx.event
    def set_open(self, value: Any):
        """The dialog's own close (Échap, outside click): closes, never opens."""
        if value is not True:
            self._shut()
