"""Login, sign-up, activation, password reset, magic link: thin states over services.accounts.

Every handler here is public by nature (anonymous visitors log in); the services apply
rate limits and lockouts on every path, so a crafted event gains nothing.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import reflex as rx

from mystage import db
from mystage.models import REFERENT_ROLES, SCHOOL_STAFF_ROLES, Role
from mystage.services import ministries
from mystage.services.ids import client_id
from mystage.state.navigation import load_document
from mystage.state.schools import search_schools
from mystage.state.session import SessionState, client_ip

# Employers sign up with their structure on /inscription/employeur.  School staff roles stay
# in the list so people find their profile, but choosing one opens /inscription/etablissement
# (the generic form refuses them: they need their school).
SIGNUP_ROLES = [r for r in Role if r not in (Role.ADMIN, Role.EMPLOYEUR)]
_ROLE_VALUES = frozenset(r.value for r in SIGNUP_ROLES)
_REFERENT_VALUES = frozenset(r.value for r in REFERENT_ROLES)
_STAFF_VALUES = frozenset(r.value for r in SCHOOL_STAFF_ROLES)
# Référent central: « Ministère (facultatif) », (slug, label); empty = every offer.
MINISTRY_OPTIONS = list(ministries.MINISTRIES.items())


def _str(form: dict, key: str, limit: int = 300) -> str:
    value = form.get(key)
    if not isinstance(value, str):
        return ""
    return value.strip()[:limit]


async def _go_session(state: rx.State, grant: str) -> None:
    """Open the session: the page loads ``/api/session?grant=…``, which sets the HttpOnly
    cookie (the page holds ``components.browser.document_load``; no eval)."""
    await load_document(state, "/api/session?" + urlencode({"grant": grant}))


def _safe_next(raw: str) -> str:
    if raw.startswith("/") and not raw.startswith("//") and "\\" not in raw:
        return raw[:300]
    return "/espace"


def _login(s, identifier: str, password: str, ip: str, next_url: str):
    from mystage.services import accounts

    grant, error = accounts.password_login(s, identifier, password, ip, next_url)
    return grant, error or ""


def _login_delay(s, ip: str) -> float:
    from mystage.services import accounts

    return accounts.login_delay(s, ip)


# The wait of a slowed-down login (accounts.login_delay); tests may swap it to record waits.
sleep = asyncio.sleep


class LoginState(rx.State):
    error: str = ""
    identifier: str = ""
    not_activated: bool = False
    info: str = ""

    @rx.event
    def load(self):
        self.error = ""
        self.not_activated = False
        code = self.router.url.query_parameters.get("erreur", "")
        self.info = (
            "Ce lien de connexion n'est plus valable. Connectez-vous à nouveau."
            if code == "lien"
            else ""
        )

    @rx.event
    async def submit(self, form_data: dict):
        identifier = _str(form_data, "identifier", 254)
        password = form_data.get("password") if isinstance(form_data.get("password"), str) else ""
        self.identifier = identifier
        self.not_activated = False
        if not identifier or not password:
            self.error = (
                "Saisissez votre adresse électronique ou votre téléphone, et votre mot de passe."
            )
            return
        next_url = _safe_next(self.router.url.query_parameters.get("suivant", "/espace"))
        ip = client_ip(self)
        # Many failures from this address: wait before checking (never refuse), outside
        # any database thread.
        delay = await db.call(_login_delay, ip)
        if delay > 0:
            await sleep(delay)
        grant, error = await db.call(_login, identifier, password[:200], ip, next_url)
        if grant is None:
            self.error = error
            self.not_activated = "pas encore activé" in error
            return
        self.error = ""
        await _go_session(self, grant)


def _register(s, data: dict):
    from mystage.services import accounts

    role = data.get("role")
    if role == Role.ELEVE:
        pupil = {k: v for k, v in data.items() if k != "role"}
        user, errors = accounts.register_pupil(s, **pupil)
    elif role in _REFERENT_VALUES:
        referent = {k: v for k, v in data.items() if k in _GENERIC_KEYS | _REFERENT_KEYS}
        user, errors = accounts.register_referent(s, **referent)
    else:  # parents, opérateurs; school staff and anything else are refused there
        generic = {k: v for k, v in data.items() if k in _GENERIC_KEYS | {"form_errors"}}
        user, errors = accounts.register_generic(s, **generic)
    if errors:
        return None, errors
    # user is None when the address already had an account (its owner was told): the
    # answer is the same as for a new account, from what was typed.
    email = accounts.normalize_email(data.get("email")) if data.get("email") else None
    phone = accounts.normalize_phone(data.get("phone")) if data.get("phone") else None
    if user is not None:
        email, phone = user.email, user.phone
    return {"email": email or "", "phone": "" if email else phone or ""}, {}


def _referent_choices(s):
    from mystage.services import accounts

    return accounts.referent_choices(s)


def _confirm_phone(s, phone: str, code: str):
    from mystage.services import accounts

    user, error = accounts.confirm_phone(s, phone, code)
    if user is None:
        return None, error or "Code incorrect."
    grant = accounts.issue_login_grant(s, user, accounts.after_signup_url(user))
    s.commit()
    return grant, ""


def _signup_school(s, school_id: int):
    from mystage.services import accounts

    return accounts.signup_school(s, school_id)


_GENERIC_KEYS = frozenset(
    {"role", "email", "phone", "password", "first_name", "last_name", "accept_terms", "ip"}
)
_PUPIL_KEYS = ("level", "class_id", "birth_date", "gender")
_REFERENT_KEYS = frozenset({"department_code", "academy", "job_title", "ministry", "form_errors"})
CLASS_NOT_LISTED = "aucune"  # « Ma classe n'est pas dans la liste »
MSG_CLASS_REQUIRED = "Choisis ta classe, ou « Ma classe n'est pas dans la liste »."


class SignupState(rx.State):
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    step: str = "form"  # form, check_mail, phone_code
    sent_to: str = ""
    code_error: str = ""
    role: str = ""  # the profile chosen in the form (shows the pupil fields for "eleve")
    # Pupil: the school picked in the autocomplete and its classes (public data).
    school_id: str = ""
    school_label: str = ""
    school_ep: str = ""
    school_classes: list[dict[str, str]] = []
    school_suggestions: list[dict[str, str]] = []
    school_query: str = ""
    searched: bool = False  # a search ran (to say « aucun établissement trouvé »)
    # Référents: the lists of the « Département » and « Académie » selects (public data,
    # loaded when a référent profile is chosen).
    departments: list[dict[str, str]] = []
    academies: list[dict[str, str]] = []
    _phone: str = ""
    _offer_id: int = 0
    _search_times: list[float] = []

    @rx.var
    def is_pupil(self) -> bool:
        return self.role == Role.ELEVE

    @rx.var
    def has_classes(self) -> bool:
        return len(self.school_classes) > 0

    @rx.var
    def is_referent(self) -> bool:
        return self.role in _REFERENT_VALUES

    @rx.event
    def load(self):
        from mystage.services.accounts import signup_redirect

        self.step = "form"
        self.errors = {}
        self.code_error = ""
        self.school_suggestions = []
        query = self.router.url.query_parameters
        role = query.get("role", "")
        elsewhere = signup_redirect(role)  # employers, school staff
        if elsewhere:
            return rx.redirect(elsewhere)
        if role in _ROLE_VALUES:
            self.values = {**self.values, "role": role}
            self.role = role
        offer = query.get("offre", "")
        offer = offer if isinstance(offer, str) else ""
        self._offer_id = client_id(offer) or 0
        if self.role in _REFERENT_VALUES and not self.departments:
            return SignupState.load_referent_choices

    @rx.event
    def set_role(self, role):
        """The « Vous êtes » select changed: show or hide the pupil or référent fields;
        school staff go to /inscription/etablissement (they sign up with their school)."""
        from mystage.services.accounts import signup_redirect

        role = role if isinstance(role, str) else ""
        elsewhere = signup_redirect(role) if role in _STAFF_VALUES else ""
        if elsewhere:
            return rx.redirect(elsewhere)
        self.role = role if role in _ROLE_VALUES else ""
        if self.role in _REFERENT_VALUES and not self.departments:
            return SignupState.load_referent_choices

    @rx.event
    async def load_referent_choices(self):
        """The « Département » and « Académie » lists (public reference data, once a tab)."""
        if self.departments:
            return
        choices = await db.call(_referent_choices)
        self.departments = choices["departments"]
        self.academies = choices["academies"]

    @rx.event
    async def search_schools(self, query):
        """Autocomplete of the school (see :mod:`mystage.state.schools.school_search`)."""
        await search_schools(self, query)

    @rx.event
    async def choose_school(self, school_id):
        """A suggestion was clicked: keep the school and load its classes."""
        school_id = client_id(school_id)
        found = await db.call(_signup_school, school_id) if school_id else None
        self.school_suggestions = []
        self.searched = False
        self.errors = {k: v for k, v in self.errors.items() if k not in ("school", "class_id")}
        if found is None:
            self._clear_school()
            self.errors = {
                **self.errors,
                "school": "Établissement introuvable. Cherche-le à nouveau.",
            }
            return
        self.school_id = found["id"]
        self.school_label = found["label"]
        self.school_ep = found["ep"]
        self.school_classes = found["classes"]
        self.values = {**self.values, "class_id": ""}

    @rx.event
    def change_school(self):
        """« Changer d'établissement »: back to the search field."""
        self._clear_school()
        self.school_query = ""

    def _clear_school(self):
        self.school_id = ""
        self.school_label = ""
        self.school_ep = ""
        self.school_classes = []
        self.values = {**self.values, "class_id": ""}

    @rx.event
    async def submit(self, form_data: dict):
        form_data = form_data if isinstance(form_data, dict) else {}
        keys = ("role", "first_name", "last_name", "email", "phone")
        self.values = {k: _str(form_data, k, 254) for k in keys}
        self.values.update({k: _str(form_data, k, 20) for k in _PUPIL_KEYS})
        self.role = self.values["role"] if self.values["role"] in _ROLE_VALUES else ""
        if self.role in _REFERENT_VALUES:
            self.values.update(
                department_code=_str(form_data, "department_code", 10),
                academy=_str(form_data, "academy", 100),
                job_title=_str(form_data, "job_title", 200),
                ministry=_str(form_data, "ministry", 60),
            )
        password = form_data.get("password")
        password2 = form_data.get("password2")
        password = password if isinstance(password, str) else ""
        password2 = password2 if isinstance(password2, str) else ""
        errors: dict[str, str] = {}
        if self.values["role"] not in _ROLE_VALUES:
            errors["role"] = "Choisissez votre profil."
        if password and password != password2:
            errors["password2"] = "Les deux mots de passe ne sont pas identiques."
        data = {
            "role": self.values["role"],
            "email": self.values["email"] or None,
            "phone": self.values["phone"] or None,
            "password": password[:200],
            "first_name": self.values["first_name"],
            "last_name": self.values["last_name"],
            "accept_terms": bool(form_data.get("accept_terms")),
            "ip": client_ip(self),
        }
        if self.role == Role.ELEVE:
            class_value = self.values["class_id"]
            if self.school_id and self.school_classes and not class_value:
                errors["class_id"] = MSG_CLASS_REQUIRED
            data.update(
                level=self.values["level"],
                school_id=self.school_id,
                class_id=None if class_value in ("", CLASS_NOT_LISTED) else class_value,
                birth_date=self.values["birth_date"],
                gender=self.values["gender"],
                targeted_offer_id=self._offer_id or None,
            )
            # The form's own checks go with the service's: all shown at once, none stored.
            data["form_errors"] = errors
        elif self.role in _REFERENT_VALUES:
            data.update(
                department_code=self.values["department_code"],
                academy=self.values["academy"],
                job_title=self.values["job_title"],
                ministry=self.values["ministry"] if self.role == Role.REFERENT_CENTRAL else "",
                form_errors=errors,
            )
        else:
            data["form_errors"] = errors
        created, errors = await db.call(_register, data)
        if created is None:
            self.errors = errors
            return
        self.errors = {}
        if created["email"]:
            self.step = "check_mail"
            self.sent_to = created["email"]
        else:
            self.step = "phone_code"
            self.sent_to = created["phone"]
            self._phone = created["phone"]

    @rx.event
    async def submit_code(self, form_data: dict):
        if self.step != "phone_code" or not self._phone:
            return
        form_data = form_data if isinstance(form_data, dict) else {}
        code = _str(form_data, "code", 12)
        grant, error = await db.call(_confirm_phone, self._phone, code)
        if grant is None:
            self.code_error = error
            return
        self.code_error = ""
        await _go_session(self, grant)


def _activate(s, token: str):
    from mystage.services import accounts

    user, error = accounts.activate(s, token)
    s.commit()
    if user is None:
        return False, error or "", "/connexion", False
    next_url = accounts.after_signup_url(user, "")
    login_url = "/connexion" + (f"?suivant={next_url}" if next_url else "")
    return True, "", login_url, accounts.awaits_validation(user)


class ActivationState(rx.State):
    done: bool = False
    error: str = ""
    resent: bool = False
    # The address is confirmed but the account waits for the MyStage team (référents).
    pending: bool = False
    # « Se connecter » after activation: back to the offer the pupil came from, if any.
    login_url: str = "/connexion"

    @rx.event
    async def load(self):
        self.resent = False
        token = self.router.url.query_parameters.get("token", "")[:200]
        if not token:
            self.done = False
            self.pending = False
            self.error = "Lien d'activation incomplet. Copiez le lien entier reçu par courriel."
            return
        ok, error, login_url, pending = await db.call(_activate, token)
        self.done = ok
        self.pending = ok and pending
        self.error = "" if ok else error
        self.login_url = login_url

    @rx.event
    async def resend(self, form_data: dict):
        identifier = _str(form_data, "identifier", 254)
        if identifier:
            await db.call(_resend, identifier, client_ip(self))
        self.resent = True


def _resend(s, identifier: str, ip: str):
    from mystage.services import accounts

    accounts.resend_activation(s, identifier, ip)
    s.commit()


def _request_reset(s, identifier: str, ip: str) -> str:
    from mystage.services import accounts

    kind = accounts.request_password_reset(s, identifier, ip)
    s.commit()
    return kind


def _reset_with_code(s, phone: str, code: str, password: str):
    from mystage.services import accounts

    user, errors = accounts.reset_password_with_code(s, phone, code, password)
    s.commit()
    return user is not None, errors


def _reset_with_token(s, token: str, password: str):
    from mystage.services import accounts

    user, errors = accounts.reset_password(s, token, password)
    s.commit()
    return user is not None, errors


class ResetState(rx.State):
    """« Mot de passe oublié » (mail link) and the SMS-code variant for phone accounts."""

    step: str = "ask"  # ask, sent, code, done
    identifier: str = ""
    errors: dict[str, str] = {}
    _phone: str = ""

    @rx.event
    def load(self):
        self.step = "ask"
        self.errors = {}

    @rx.event
    async def request(self, form_data: dict):
        from mystage.services.accounts import identifier_kind, normalize_phone

        identifier = _str(form_data, "identifier", 254)
        self.identifier = identifier
        kind = identifier_kind(identifier)
        if kind is None:
            self.errors = {
                "identifier": "Saisissez une adresse électronique ou un numéro de portable valide."
            }
            return
        self.errors = {}
        await db.call(_request_reset, identifier, client_ip(self))
        if kind == "phone":
            self._phone = normalize_phone(identifier) or ""
            self.step = "code"
        else:
            self.step = "sent"

    @rx.event
    async def submit_code(self, form_data: dict):
        if self.step != "code" or not self._phone:
            return
        password = form_data.get("password")
        password2 = form_data.get("password2")
        if not isinstance(password, str) or password != password2:
            self.errors = {"password2": "Les deux mots de passe ne sont pas identiques."}
            return
        ok, errors = await db.call(
            _reset_with_code, self._phone, _str(form_data, "code", 12), password[:200]
        )
        self.errors = errors
        if ok:
            self.step = "done"


class NewPasswordState(rx.State):
    errors: dict[str, str] = {}
    done: bool = False

    @rx.event
    def load(self):
        self.errors = {}
        self.done = False

    @rx.event
    async def submit(self, form_data: dict):
        token = self.router.url.query_parameters.get("token", "")[:200]
        password = form_data.get("password")
        password2 = form_data.get("password2")
        if not isinstance(password, str) or password != password2:
            self.errors = {"password2": "Les deux mots de passe ne sont pas identiques."}
            return
        if not token:
            self.errors = {"password": "Lien incomplet. Refaites une demande."}
            return
        ok, errors = await db.call(_reset_with_token, token, password[:200])
        self.errors = errors
        self.done = ok


def _request_magic(s, email: str, ip: str, next_url: str):
    from mystage.services import accounts

    accounts.request_magic_link(s, email, ip, next_url)
    s.commit()


def _consume_magic(s, token: str, ip: str):
    from mystage.services import accounts

    grant, error = accounts.magic_link_grant(s, token, ip)
    return grant, error or ""


class MagicLinkState(rx.State):
    """« Recevoir un lien de connexion »: the link opens this page; a click logs in.

    The click (not the page load) consumes the link, so mail scanners that prefetch
    links cannot burn it.
    """

    sent: bool = False
    error: str = ""
    has_token: bool = False

    @rx.event
    def load(self):
        self.sent = False
        self.error = ""
        self.has_token = bool(self.router.url.query_parameters.get("token", ""))

    @rx.event
    async def request(self, form_data: dict):
        from mystage.services.accounts import normalize_email

        email = normalize_email(_str(form_data, "email", 254))
        if email is None:
            self.error = "Saisissez une adresse électronique valide."
            return
        self.error = ""
        await db.call(_request_magic, email, client_ip(self), "/espace")
        self.sent = True

    @rx.event
    async def consume(self):
        token = self.router.url.query_parameters.get("token", "")[:200]
        if not token:
            self.error = "Lien incomplet."
            return
        grant, error = await db.call(_consume_magic, token, client_ip(self))
        if grant is None:
            self.error = error
            return
        await _go_session(self, grant)


__all__ = [
    "ActivationState",
    "LoginState",
    "MagicLinkState",
    "NewPasswordState",
    "ResetState",
    "SessionState",
    "SignupState",
]
