"""School space, part 1: sign-up of heads and staff, invitations, team and rights, classes,
internship weeks, settings.

Thin: every handler re-derives the caller from the session cookie (:func:`caller`) and
passes the ids it got (from the URL, the form or the click) to :mod:`services.schools`,
which checks the caller's school and rights and raises :class:`PermissionDenied`.  Any
argument may be of any type: the services parse ids themselves, the handlers only shape
form values into strings.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date, timedelta
from typing import Any

import reflex as rx

from mystage import db
from mystage.models import LEVEL_LABELS
from mystage.services import schools
from mystage.services.accounts import passwords
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state import school_search
from mystage.state.session import caller, client_ip

SPACE_URL = schools.SPACE_URL
CLASSES_URL = f"{SPACE_URL}/classes"
WEEKS_URL = f"{SPACE_URL}/semaines"
SETTINGS_URL = f"{SPACE_URL}/parametres"
TEAM_URL = schools.STAFF_URL
SIGNUP_URL = "/inscription/etablissement"

HEAD = "chef"  # the sign-up form's value for « Je suis chef d'établissement »
FUNCTION_CHOICES = [
    {"value": HEAD, "label": "Je suis chef d'établissement"},
    *schools.staff_function_choices(),
]
_FUNCTIONS = frozenset(c["value"] for c in FUNCTION_CHOICES)
LEVEL_CHOICES = [{"value": str(k), "label": v} for k, v in LEVEL_LABELS.items()]
SCOPE_CHOICES = [{"value": k, "label": v} for k, v in schools.SCOPE_LABELS.items()]

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
MSG_FUNCTION = "Choisissez votre fonction."
MSG_SCHOOL_PICK = "Établissement introuvable. Cherchez-le à nouveau."


# --- small helpers ---------------------------------------------------------------------------


def _str(form: Any, key: str, limit: int = 300) -> str:
    value = form.get(key) if isinstance(form, dict) else None
    return value.strip()[:limit] if isinstance(value, str) else ""


def _raw(form: Any, key: str, limit: int = 200) -> str:
    """A value kept as typed (passwords)."""
    value = form.get(key) if isinstance(form, dict) else None
    return value[:limit] if isinstance(value, str) else ""


def _checked(form: Any, key: str) -> bool:
    value = form.get(key) if isinstance(form, dict) else None
    return value is True or (isinstance(value, str) and value.lower() in {"on", "true", "1"})


def _picked(form: Any, prefix: str, allowed: set[str]) -> list[str]:
    """The ids of the checked boxes named ``<prefix><id>``, among ``allowed`` only."""
    if not isinstance(form, dict):
        return []
    out = []
    for key in list(form)[:500]:
        if isinstance(key, str) and key.startswith(prefix) and _checked(form, key):
            cid = key[len(prefix) :]
            if cid in allowed and cid not in out:
                out.append(cid)
    return out


def _text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return "oui" if value is True else ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _row(d: dict) -> dict[str, str]:
    return {str(k): _text(v) for k, v in d.items()}


def _safe_id(value: Any) -> str:
    """An id as the digits string the page uses ("" for anything else; "0" is the
    « without a class » group)."""
    if (type(value) is int and value == 0) or value == "0":
        return "0"
    v = client_id(value)
    return str(v) if v is not None else ""


def week_periods(mondays: list[str]) -> list[str]:
    """Consecutive weeks grouped into periods: « Du 7 au 11 déc. 2026 », « Du 1er au
    12 févr. 2027 »."""
    from mystage.services import weeks

    days = sorted({d for d in (weeks.parse_date(m) for m in mondays) if d is not None})
    out: list[str] = []
    start = prev = None
    for d in days:
        if prev is not None and d - prev == timedelta(days=7):
            prev = d
            continue
        if start is not None:
            out.append(weeks.period_label(start, prev))
        start = prev = d
    if start is not None:
        out.append(weeks.period_label(start, prev))
    return out


def _chip_label(monday: date) -> str:
    """« 7 – 11 » (same month) or « 30 nov. – 4 déc. »: the chip text under the month."""
    from mystage.services import weeks

    friday = monday + timedelta(days=4)
    if friday.month == monday.month:
        return f"{monday.day} – {friday.day}"
    return f"{weeks.short_date_label(monday, False)} – {weeks.short_date_label(friday, False)}"


class _SpacePage(rx.State, mixin=True):
    """What every page of the school space shares: who is calling and why they may not."""

    loaded: bool = False
    denied: str = ""
    school_name: str = ""
    is_head: bool = False
    see_all: bool = False  # whole-school rights (the head, CPE, secrétariat…)

    async def _enter(self, path: str):
        """Resolve the caller and their school space.  Returns ``(user, redirect)``: the
        user when the space is open to them, else None with a redirect (anonymous) or
        ``self.denied`` set."""
        self.loaded = False
        user = await caller(self)
        if user is None:
            self.denied = ""
            return None, rx.redirect(f"/connexion?suivant={path}")
        try:
            ctx = await db.call(schools.space_context, user)
        except PermissionDenied:
            self.denied = MSG_STAFF_ONLY
            self.loaded = True
            return None, None
        self.school_name = ctx["school_name"]
        self.is_head = bool(ctx["is_head"])
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


# --- sign-up of heads and staff -----------------------------------------------------------------


def _signup_school(s, school_id: Any) -> dict[str, Any] | None:
    """The picked school (public data): label, official mailbox, académie domain, classes."""
    from mystage.models import School
    from mystage.services import accounts

    found = accounts.signup_school(s, school_id)
    if found is None:
        return None
    school = s.get(School, int(found["id"]))
    return {
        "id": found["id"],
        "label": found["label"],
        "ep": found["ep"],
        "official": schools.official_mailbox(school) if school else "",
        "domain": schools.academy_domain(school.academy) if school else "",
        "classes": found["classes"],
    }


def _register(s, head: bool, data: dict):
    if head:
        return schools.register_head(s, data=data, ip=data.pop("ip", ""))
    return schools.register_staff(s, data=data, ip=data.pop("ip", ""))


class SchoolSignupState(rx.State):
    """``/inscription/etablissement``: « Créer l'espace de mon établissement » (head) or
    « Rejoindre l'espace de mon établissement » (staff)."""

    function: str = ""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    done: str = ""  # "", "official", "academy", "staff"
    sent_to: str = ""
    picked_classes: list[str] = []
    school_id: str = ""
    school_label: str = ""
    school_ep: str = ""
    school_official: str = ""
    school_domain: str = ""
    school_classes: list[dict[str, str]] = []
    school_suggestions: list[dict[str, str]] = []
    school_query: str = ""
    searched: bool = False
    _search_times: list[float] = []

    @rx.var
    def is_head(self) -> bool:
        return self.function == HEAD

    @rx.var
    def is_staff(self) -> bool:
        return self.function in _FUNCTIONS and self.function != HEAD

    @rx.var
    def email_hint(self) -> str:
        if self.function == HEAD:
            if self.school_official:
                return (
                    f"L'adresse de l'établissement {self.school_official} (compte ouvert dès "
                    f"le lien reçu ouvert), ou votre adresse académique "
                    f"(…@{self.school_domain}, validée par l'équipe MyStage)."
                )
            return (
                "L'adresse de l'établissement ce.<UAI>@ac-….fr, ou votre adresse "
                "académique. Choisissez d'abord l'établissement."
            )
        if self.school_domain:
            return f"Votre adresse académique personnelle (…@{self.school_domain})."
        return "Votre adresse académique personnelle (…@ac-….fr)."

    @rx.event
    def load(self):
        self.done = ""
        self.errors = {}
        self.school_suggestions = []
        self.searched = False
        wanted = self.router.url.query_parameters.get("fonction", "")
        if isinstance(wanted, str) and wanted in _FUNCTIONS:
            self.function = wanted

    @rx.event
    def set_function(self, value: Any):
        self.function = value if isinstance(value, str) and value in _FUNCTIONS else ""
        if self.function:
            self.errors = {k: v for k, v in self.errors.items() if k != "function"}

    @rx.event
    async def search_schools(self, query: Any):
        """Autocomplete of the school (see :mod:`mystage.state.school_search`)."""
        await school_search.search(self, query)

    @rx.event
    async def choose_school(self, school_id: Any):
        school_id = client_id(school_id)
        found = await db.call(_signup_school, school_id) if school_id else None
        self.school_suggestions = []
        self.searched = False
        self.errors = {k: v for k, v in self.errors.items() if k not in ("school_id", "class_ids")}
        if found is None:
            self._clear_school()
            self.errors = {**self.errors, "school_id": MSG_SCHOOL_PICK}
            return
        self.school_id = found["id"]
        self.school_label = found["label"]
        self.school_ep = found["ep"]
        self.school_official = found["official"]
        self.school_domain = found["domain"]
        self.school_classes = [
            {"id": str(c["id"]), "name": str(c["name"])} for c in found["classes"]
        ]
        self.picked_classes = []

    @rx.event
    def change_school(self):
        self._clear_school()
        self.school_query = ""

    def _clear_school(self):
        self.school_id = ""
        self.school_label = ""
        self.school_ep = ""
        self.school_official = ""
        self.school_domain = ""
        self.school_classes = []

    @rx.event
    async def submit(self, form_data: Any):
        form = form_data if isinstance(form_data, dict) else {}
        function = _str(form, "function", 40) or self.function
        if function not in _FUNCTIONS:
            function = ""
        self.function = function
        self.values = {
            "civility": _str(form, "civility", 8),
            "first_name": _str(form, "first_name", 100),
            "last_name": _str(form, "last_name", 100),
            "email": _str(form, "email", 254),
        }
        allowed = {c["id"] for c in self.school_classes}
        class_ids = _picked(form, "class_", allowed)
        self.picked_classes = class_ids
        data: dict[str, Any] = {
            **self.values,
            "school_id": self.school_id,
            "function": function,
            "class_ids": class_ids,
            "password": _raw(form, "password"),
            "password2": _raw(form, "password2"),
            "accept_terms": _checked(form, "accept_terms"),
            "ip": client_ip(self),
        }
        if not function:
            # Run the service's checks too, so every error shows at once.
            _, errors = await db.call(_register, False, data)
            self.errors = {**errors, "function": MSG_FUNCTION}
            return
        created, errors = await db.call(_register, function == HEAD, data)
        if created is None:
            self.errors = errors or {"form": "Formulaire invalide."}
            return
        self.errors = {}
        self.sent_to = self.values["email"].lower()
        if function == HEAD:
            self.done = "academy" if created.get("needs_validation") else "official"
        else:
            self.done = "staff"


# --- invitation --------------------------------------------------------------------------------


def _accept(s, token: str, first: str, last: str, password: str, terms: bool):
    from mystage.services import accounts

    user, errors = schools.accept_invitation(s, token, first, last, password, accept_terms=terms)
    if user is None:
        return None, errors
    grant = accounts.issue_login_grant(s, user, SPACE_URL)
    return grant, {}


class InvitationState(rx.State):
    """``/invitation?token=…``: the invited staff member creates the account."""

    valid: bool = False
    info: dict[str, str] = {}
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    done: bool = False
    _grant: str = ""
    _grant_at: float = 0.0

    def _token(self) -> str:
        token = self.router.url.query_parameters.get("token", "")
        return token[:200] if isinstance(token, str) else ""

    @rx.event
    async def load(self):
        self.done = False
        self.errors = {}
        self._grant = ""
        token = self._token()
        info = await db.call(schools.invitation_info, token) if token else None
        self.valid = info is not None
        self.info = _row(info) if info else {}

    @rx.event
    async def submit(self, form_data: Any):
        form = form_data if isinstance(form_data, dict) else {}
        token = self._token()
        self.values = {
            "first_name": _str(form, "first_name", 100),
            "last_name": _str(form, "last_name", 100),
        }
        password, password2 = _raw(form, "password"), _raw(form, "password2")
        mismatch = password != password2
        # Mismatched passwords: the service still checks the rest (all errors at once) but
        # gets no password, so it cannot create the account.
        grant, errors = await db.call(
            _accept,
            token,
            self.values["first_name"],
            self.values["last_name"],
            "" if mismatch else password,
            _checked(form, "accept_terms"),
        )
        if grant is None:
            errors = dict(errors)
            if "token" in errors:
                self.valid = False
                self.info = {}
            elif mismatch:
                errors.pop("password", None)
                names = (self.values["first_name"], self.values["last_name"])
                # The estimator costs up to ~0.1 s of CPU: off the event loop.
                pw_error = await asyncio.to_thread(passwords.password_error, password, names)
                if pw_error:
                    errors["password"] = pw_error
                else:
                    errors["password2"] = schools.MSG_PASSWORD_MISMATCH
            self.errors = errors
            return
        self.errors = {}
        self.done = True
        self._grant = grant
        self._grant_at = time.monotonic()

    @rx.event
    async def go(self):
        """« Accéder à l'espace de l'établissement »: log in with the grant just issued
        (backend-only, 2 minutes), else through the login page."""
        from mystage.state.accounts import open_session

        grant, self._grant = self._grant, ""
        if self.done and grant and time.monotonic() - self._grant_at < 110:
            await open_session(self, grant)
            return None
        return rx.redirect(f"/connexion?suivant={SPACE_URL}")


# --- team and rights (head only) ----------------------------------------------------------------


def _team(s, user):
    staff = schools.staff_list(s, user)
    return staff, schools.classes(s, user)


class SchoolTeamState(_SpacePage, rx.State):
    """``/espace/etablissement/equipe``."""

    pending: list[dict[str, str]] = []
    active: list[dict[str, str]] = []
    former: list[dict[str, str]] = []
    invitations: list[dict[str, str]] = []
    class_options: list[dict[str, str]] = []
    message: str = ""
    error: str = ""
    editing: str = ""  # membership id whose rights are being edited
    edit_scope: str = ""
    edit_classes: list[str] = []
    edit_mains: list[str] = []
    rights_errors: dict[str, str] = {}
    confirm_remove: str = ""
    invite_values: dict[str, str] = {}
    invite_errors: dict[str, str] = {}
    invite_sent: str = ""
    _members: dict[str, dict[str, Any]] = {}

    @rx.event
    async def load(self):
        self.message = ""
        self.error = ""
        self.editing = ""
        self.confirm_remove = ""
        self.invite_errors = {}
        self.invite_sent = ""
        user, redirect = await self._enter(TEAM_URL)
        if user is None:
            self._clear()
            return redirect
        await self._refresh(user)
        self.loaded = True

    def _clear(self):
        self.pending, self.active, self.former, self.invitations = [], [], [], []
        self.class_options = []
        self._members = {}

    async def _refresh(self, user) -> bool:
        try:
            staff, classes = await db.call(_team, user)
        except PermissionDenied as e:
            self.denied = e.message
            self._clear()
            return False
        members: dict[str, dict[str, Any]] = {}
        for key in ("pending", "active", "former"):
            for m in staff[key]:
                members[str(m["id"])] = m
        self._members = members
        self.pending = [self._member_row(m) for m in staff["pending"]]
        self.active = [self._member_row(m) for m in staff["active"]]
        self.former = [self._member_row(m) for m in staff["former"]]
        self.invitations = [_row(i) for i in staff["invitations"]]
        self.class_options = [
            {"id": str(c["id"]), "name": c["name"], "level": c["level_label"]} for c in classes
        ]
        return True

    @staticmethod
    def _member_row(m: dict) -> dict[str, str]:
        row = _row({k: v for k, v in m.items() if k != "classes"})
        names = [c["name"] + (" (professeur principal)" if c["main"] else "") for c in m["classes"]]
        row["classes_label"] = ", ".join(names)
        return row

    async def _after(self, user, message: str = "", error: str = ""):
        self.message = message
        self.error = error
        await self._refresh(user)

    @rx.event
    async def decide(self, membership_id: Any, accept: Any):
        membership_id = client_id(membership_id)
        if membership_id is None:
            return
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={TEAM_URL}")
        self.message, self.error = "", ""
        accepted = accept is True
        try:
            err = await db.call(schools.decide_staff, user, membership_id, accepted)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        done = "Demande acceptée : cette personne a maintenant accès à l'espace."
        await self._after(user, "" if err else (done if accepted else "Demande refusée."), err)

    @rx.event
    def ask_remove(self, membership_id: Any):
        mid = _safe_id(membership_id)
        self.confirm_remove = mid if mid in self._members else ""

    @rx.event
    def cancel_remove(self):
        self.confirm_remove = ""

    @rx.event
    async def remove(self):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={TEAM_URL}")
        self.message, self.error = "", ""
        mid, self.confirm_remove = self.confirm_remove, ""
        if not mid:
            return
        try:
            err = await db.call(schools.remove_staff, user, mid)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        await self._after(user, "" if err else "Cette personne n'a plus accès à l'espace.", err)

    @rx.event
    def edit_rights(self, membership_id: Any):
        mid = _safe_id(membership_id)
        m = self._members.get(mid)
        self.rights_errors = {}
        if m is None or m.get("is_head"):
            self.editing = ""
            return
        self.editing = mid
        self.edit_scope = str(m.get("scope") or "school")
        self.edit_classes = [str(c["id"]) for c in m.get("classes", [])]
        self.edit_mains = [str(c["id"]) for c in m.get("classes", []) if c.get("main")]

    @rx.event
    def cancel_rights(self):
        self.editing = ""
        self.rights_errors = {}

    @rx.event
    async def save_rights(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={TEAM_URL}")
        self.message, self.error = "", ""
        if not self.editing:
            return
        form = form_data if isinstance(form_data, dict) else {}
        allowed = {c["id"] for c in self.class_options}
        scope = _str(form, "scope", 10)
        class_ids = _picked(form, "class_", allowed)
        mains = _picked(form, "main_", allowed)
        # Remember what was ticked, so an error keeps the choices.
        self.edit_scope, self.edit_classes, self.edit_mains = scope, class_ids, mains
        try:
            errors = await db.call(
                schools.set_staff_rights,
                user,
                self.editing,
                scope=scope,
                class_ids=class_ids,
                main_class_ids=[c for c in mains if c in class_ids],
            )
        except PermissionDenied as e:
            self.error, self.message, self.editing = e.message, "", ""
            return
        if errors:
            self.rights_errors = errors
            return
        self.rights_errors = {}
        self.editing = ""
        await self._after(user, "Droits enregistrés.")

    @rx.event
    async def invite(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={TEAM_URL}")
        self.message, self.error = "", ""
        form = form_data if isinstance(form_data, dict) else {}
        allowed = {c["id"] for c in self.class_options}
        class_ids = _picked(form, "class_", allowed)
        data = {
            "email": _str(form, "email", 254),
            "function": _str(form, "function", 40),
            "scope": _str(form, "scope", 10),
            "class_ids": class_ids,
        }
        self.invite_values = {**{k: data[k] for k in ("email", "function", "scope")}}
        self.invite_values["class_ids"] = ",".join(class_ids)
        self.invite_sent = ""
        try:
            errors = await db.call(schools.invite_staff, user, data)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        if errors:
            self.invite_errors = errors
            return
        self.invite_errors = {}
        self.invite_values = {}
        self.invite_sent = data["email"].lower()
        await self._after(user)

    @rx.event
    async def cancel_invitation(self, invitation_id: Any):
        invitation_id = client_id(invitation_id)
        if invitation_id is None:
            return
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={TEAM_URL}")
        self.message, self.error = "", ""
        try:
            err = await db.call(schools.cancel_invitation, user, invitation_id)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        await self._after(user, "" if err else "Invitation annulée.", err)


# --- classes ------------------------------------------------------------------------------------


def _pupils(s, user, class_id: Any):
    table = schools.class_table(s, user, class_id)
    return [
        {
            "id": str(r["id"]),
            "name": r["name"],
            "authorized": "oui" if r["authorized"] else "",
            "applications": str(r["applications"]),
        }
        for r in table["rows"]
    ]


class SchoolClassesState(_SpacePage, rx.State):
    """``/espace/etablissement/classes``."""

    rows: list[dict[str, str]] = []
    can_manage: bool = False
    message: str = ""
    error: str = ""
    create_values: dict[str, str] = {}
    create_errors: dict[str, str] = {}
    form_key: int = 0  # a new key empties the creation form after a success
    renaming: str = ""
    rename_errors: dict[str, str] = {}
    confirm_delete: str = ""
    row_error: dict[str, str] = {}
    open_class: str = ""  # class whose pupils are shown ("0": pupils without a class)
    open_name: str = ""
    pupils: list[dict[str, str]] = []
    move_error: dict[str, str] = {}

    @rx.var
    def move_targets(self) -> list[dict[str, str]]:
        """Where a pupil may go: the other classes (and « Sans classe » for whole-school
        staff)."""
        out = [{"id": r["id"], "name": r["name"]} for r in self.rows if r["id"] != self.open_class]
        if self.see_all and self.open_class != "0":
            out.append({"id": "0", "name": "Sans classe"})
        return out

    @rx.event
    async def load(self):
        self.message = ""
        self.error = ""
        self.renaming = ""
        self.confirm_delete = ""
        self.row_error = {}
        self.open_class = ""
        self.pupils = []
        self.create_errors = {}
        user, redirect = await self._enter(CLASSES_URL)
        if user is None:
            self.rows = []
            return redirect
        await self._refresh(user)
        self.loaded = True

    async def _refresh(self, user) -> None:
        try:
            rows = await db.call(schools.classes, user)
        except PermissionDenied as e:
            self.denied = e.message
            self.rows = []
            return
        self.can_manage = self.is_head
        self.rows = [
            {
                "id": str(r["id"]),
                "name": r["name"],
                "level": r["level"] or "",
                "level_label": r["level_label"],
                "pupils": str(r["pupils"]),
                "authorized": str(r["authorized"]),
                "main_teachers": ", ".join(r["main_teachers"]),
            }
            for r in rows
        ]

    async def _reload_pupils(self, user) -> None:
        if not self.open_class:
            self.pupils = []
            return
        try:
            self.pupils = await db.call(_pupils, user, self.open_class)
        except PermissionDenied:
            self.open_class = ""
            self.pupils = []

    @rx.event
    async def create(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={CLASSES_URL}")
        self.message, self.error = "", ""
        form = form_data if isinstance(form_data, dict) else {}
        name, level = _str(form, "name", 100), _str(form, "level", 20)
        self.create_values = {"name": name, "level": level}
        try:
            class_id, errors = await db.call(schools.create_class, user, name, level)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        if errors:
            self.create_errors = errors
            return
        self.create_errors = {}
        self.create_values = {}
        self.form_key += 1
        self.error = ""
        self.message = f"Classe « {' '.join(name.split())} » créée."
        await self._refresh(user)

    @rx.event
    def start_rename(self, class_id: Any):
        cid = _safe_id(class_id)
        self.renaming = cid if any(r["id"] == cid for r in self.rows) else ""
        self.rename_errors = {}

    @rx.event
    def cancel_rename(self):
        self.renaming = ""
        self.rename_errors = {}

    @rx.event
    async def rename(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={CLASSES_URL}")
        self.message, self.error = "", ""
        if not self.renaming:
            return
        form = form_data if isinstance(form_data, dict) else {}
        name, level = _str(form, "name", 100), _str(form, "level", 20)
        try:
            errors = await db.call(schools.rename_class, user, self.renaming, name, level)
        except PermissionDenied as e:
            self.error, self.message, self.renaming = e.message, "", ""
            return
        if errors:
            self.rename_errors = errors
            return
        self.renaming = ""
        self.rename_errors = {}
        self.error = ""
        self.message = "Classe modifiée."
        await self._refresh(user)
        if self.open_class not in ("", "0"):
            name = next((r["name"] for r in self.rows if r["id"] == self.open_class), "")
            self.open_name = f"Élèves de la classe {name}" if name else self.open_name

    @rx.event
    def ask_delete(self, class_id: Any):
        cid = _safe_id(class_id)
        self.confirm_delete = cid if any(r["id"] == cid for r in self.rows) else ""
        self.row_error = {}

    @rx.event
    def cancel_delete(self):
        self.confirm_delete = ""

    @rx.event
    async def delete(self):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={CLASSES_URL}")
        self.message, self.error = "", ""
        cid, self.confirm_delete = self.confirm_delete, ""
        if not cid:
            return
        try:
            err = await db.call(schools.delete_class, user, cid)
        except PermissionDenied as e:
            self.error, self.message = e.message, ""
            return
        if err:
            self.row_error = {cid: err}
            return
        self.row_error = {}
        self.error = ""
        self.message = "Classe supprimée."
        if self.open_class == cid:
            self.open_class, self.pupils = "", []
        await self._refresh(user)

    @rx.event
    async def show_pupils(self, class_id: Any):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={CLASSES_URL}")
        cid = _safe_id(class_id)
        if cid == "0":
            name = "Élèves sans classe"
        else:
            name = next((r["name"] for r in self.rows if r["id"] == cid), "")
            if not name:
                return
            name = f"Élèves de la classe {name}"
        if self.open_class == cid:  # second click: close
            self.open_class, self.pupils = "", []
            return
        self.move_error = {}
        try:
            pupils = await db.call(_pupils, user, cid)
        except PermissionDenied as e:
            self.error = e.message
            return
        self.open_class, self.open_name, self.pupils = cid, name, pupils

    @rx.event
    async def move(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={CLASSES_URL}")
        self.message, self.error = "", ""
        form = form_data if isinstance(form_data, dict) else {}
        pupil_id = _str(form, "pupil_id", 12)
        target = _str(form, "class_id", 12)
        if not target:
            self.move_error = {pupil_id: "Choisissez la nouvelle classe."}
            return
        try:
            err = await db.call(schools.move_pupil, user, pupil_id, target)
        except PermissionDenied as e:
            self.move_error = {pupil_id: e.message}
            return
        if err:
            self.move_error = {pupil_id: err}
            return
        self.move_error = {}
        self.row_error = {}  # « the class still has pupils » may no longer be true
        self.error = ""
        self.message = "Élève changé de classe."
        await self._refresh(user)
        await self._reload_pupils(user)


# --- internship weeks ------------------------------------------------------------------------


class SchoolWeeksState(_SpacePage, rx.State):
    """``/espace/etablissement/semaines``: the school year's Mondays as toggle chips."""

    year: str = ""
    years: list[dict[str, str]] = []
    year_label: str = ""
    chips: list[dict[str, str]] = []  # value, chip, label, month, first ("1" on a new month)
    scope: str = ""  # "" = the whole school, else a class id
    class_options: list[dict[str, str]] = []
    selected: list[str] = []
    school_selected: list[str] = []
    can_edit: bool = False
    saved: bool = False
    error: str = ""
    dirty: bool = False
    follows_school: bool = False  # the chosen class has no weeks of its own
    _class_weeks: dict[str, list[str]] = {}

    @rx.var
    def periods(self) -> list[str]:
        return week_periods(self.selected)

    @rx.var
    def school_periods(self) -> list[str]:
        return week_periods(self.school_selected)

    @rx.var
    def scope_name(self) -> str:
        for c in self.class_options:
            if c["id"] == self.scope:
                return c["name"]
        return ""

    @rx.event
    async def load(self):
        self.saved = False
        self.error = ""
        self.dirty = False
        user, redirect = await self._enter(WEEKS_URL)
        if user is None:
            self.chips = []
            return redirect
        wanted = self.router.url.query_parameters.get("annee", "")
        await self._fetch(user, wanted if isinstance(wanted, str) else "")
        self.loaded = True

    async def _fetch(self, user, year: Any) -> bool:
        try:
            data = await db.call(schools.school_weeks, user, year=_safe_id(year) or None)
        except PermissionDenied as e:
            if e.message == schools.MSG_YEAR:
                data = await db.call(schools.school_weeks, user)
            else:
                self.denied = e.message
                self.chips = []
                return False
        self.year = str(data["year"])
        self.year_label = data["year_label"]
        self.years = [{"id": str(y["value"]), "name": y["label"]} for y in data["years"]]
        if self.year not in {y["id"] for y in self.years}:
            self.years = [{"id": self.year, "name": self.year_label}, *self.years]
        from mystage.services import weeks

        chips = []
        month = ""
        for w in data["calendar"]:
            monday = weeks.parse_date(w["value"])
            chips.append(
                {
                    "value": w["value"],
                    "label": w["label"],
                    "chip": _chip_label(monday) if monday else w["value"],
                    "month": w["month"],
                    "first": "1" if w["month"] != month else "",
                    "past": "1" if w["past"] else "",
                }
            )
            month = w["month"]
        self.chips = chips
        self.school_selected = list(data["school"])
        self._class_weeks = {str(c["id"]): list(c["weeks"]) for c in data["classes"]}
        self.class_options = [{"id": str(c["id"]), "name": c["name"]} for c in data["classes"]]
        if self.scope and self.scope not in self._class_weeks:
            self.scope = ""
        self.can_edit = bool(data["can_edit"])
        self._select_scope()
        return True

    def _select_scope(self):
        if self.scope:
            self.selected = list(self._class_weeks.get(self.scope, []))
        else:
            self.selected = list(self.school_selected)
        self.follows_school = bool(self.scope) and not self.selected
        self.dirty = False

    @rx.event
    def set_scope(self, value: Any):
        cid = _safe_id(value)
        self.scope = cid if cid in self._class_weeks else ""
        self.saved = False
        self.error = ""
        self._select_scope()

    @rx.event
    async def set_year(self, value: Any):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={WEEKS_URL}")
        self.saved = False
        self.error = ""
        await self._fetch(user, value)

    @rx.event
    def toggle(self, value: Any):
        if not self.can_edit or not isinstance(value, str):
            return
        if value not in {c["value"] for c in self.chips}:
            return
        if value in self.selected:
            self.selected = [v for v in self.selected if v != value]
        else:
            self.selected = sorted([*self.selected, value])
        self.saved = False
        self.dirty = True

    @rx.event
    async def save(self):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={WEEKS_URL}")
        try:
            errors = await db.call(
                schools.set_weeks,
                user,
                list(self.selected),
                class_id=self.scope or None,
                year=self.year or None,
            )
        except PermissionDenied as e:
            self.error = e.message
            return
        if errors:
            self.error = next(iter(errors.values()))
            return
        self.error = ""
        scope = self.scope
        await self._fetch(user, self.year)
        self.scope = scope if scope in self._class_weeks else ""
        self._select_scope()
        self.saved = True


# --- settings -----------------------------------------------------------------------------------


class SchoolSettingsState(_SpacePage, rx.State):
    """``/espace/etablissement/parametres``."""

    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    validation_required: bool = False
    can_edit: bool = False
    saved: bool = False
    form_key: int = 0

    @rx.event
    async def load(self):
        self.saved = False
        self.errors = {}
        user, redirect = await self._enter(SETTINGS_URL)
        if user is None:
            self.values = {}
            return redirect
        await self._fetch(user)
        self.loaded = True

    async def _fetch(self, user) -> None:
        try:
            data = await db.call(schools.school_settings, user)
        except PermissionDenied as e:
            self.denied = e.message
            self.values = {}
            return
        self.values = {
            "search_scope": data["search_scope"],
            "search_radius_km": str(data["search_radius_km"] or ""),
            "referent_email": data["referent_email"] or "",
            "official_email": data["official_email"] or "",
        }
        self.validation_required = bool(data["validation_required"])
        self.can_edit = bool(data["can_edit"])
        self.form_key += 1

    @rx.event
    async def save(self, form_data: Any):
        user = await self._actor()
        if user is None:
            return rx.redirect(f"/connexion?suivant={SETTINGS_URL}")
        form = form_data if isinstance(form_data, dict) else {}
        data = {
            "search_scope": _str(form, "search_scope", 20),
            "search_radius_km": _str(form, "search_radius_km", 10),
            "validation_required": _checked(form, "validation_required"),
            "referent_email": _str(form, "referent_email", 254),
        }
        self.saved = False
        try:
            errors = await db.call(schools.update_settings, user, data)
        except PermissionDenied as e:
            self.errors = {"form": e.message}
            return
        if errors:
            self.errors = errors
            self.values = {
                **self.values,
                **{k: v for k, v in data.items() if isinstance(v, str)},
            }
            self.validation_required = bool(data["validation_required"])
            return
        self.errors = {}
        await self._fetch(user)
        self.saved = True
