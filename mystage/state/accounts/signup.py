"""« Créer un compte »: the generic form, pupils (school, class) and référents (territory),
then the SMS code of a phone-only sign-up."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.models import REFERENT_ROLES, SCHOOL_STAFF_ROLES, PupilLevel, Role
from mystage.services import ministries
from mystage.services.ids import client_id
from mystage.state.schools import search_schools
from mystage.state.session import client_ip
from mystage.state.signup_steps import check_phone_code, show_next_step
from mystage.state.values import form_str

# Employers sign up with their structure on /inscription/employeur.  School staff roles stay
# in the list so people find their profile, but choosing one opens /inscription/etablissement
# (the generic form refuses them: they need their school).
SIGNUP_ROLES = [r for r in Role if r not in (Role.ADMIN, Role.EMPLOYEUR)]
_ROLE_VALUES = frozenset(r.value for r in SIGNUP_ROLES)
_REFERENT_VALUES = frozenset(r.value for r in REFERENT_ROLES)
_STAFF_VALUES = frozenset(r.value for r in SCHOOL_STAFF_ROLES)
# Référent central: « Ministère (facultatif) », (slug, label); empty = every offer.
MINISTRY_OPTIONS = ministries.OPTIONS


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


def _kind_error(level: str, kind: str) -> str:
    from mystage.services import accounts

    return accounts.school_kind_error(level, kind)


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
    school_kind: str = ""  # "college" / "lycee"
    school_note: str = ""  # a lycée without 2de GT per the ministry
    # The level chosen in the select (the suggestions follow it: lycées for 2de GT).
    level: str = ""
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
        """Autocomplete of the school (see :mod:`mystage.state.schools.school_search`):
        only lycées for a pupil of 2de GT, only collèges for 4e/3e."""
        await search_schools(self, query, self.level or None)

    @rx.event
    async def set_level(self, level):
        """The « Ton niveau » select changed: the suggestions follow the level, and a school
        of the other kind already chosen is flagged next to the field (checked again when
        the form is sent)."""
        level = level if isinstance(level, str) and level in set(PupilLevel) else ""
        self.level = level
        self.values = {**self.values, "level": level}
        error = _kind_error(level, self.school_kind) if self.school_id else ""
        errors = {k: v for k, v in self.errors.items() if k != "school"}
        self.errors = {**errors, "school": error} if error else errors
        if not self.school_id and len(self.school_query.strip()) >= 2:
            await search_schools(self, self.school_query, self.level or None)

    @rx.event
    async def choose_school(self, school_id):
        """A suggestion was clicked: keep the school and load its classes (a school of the
        wrong kind for the level chosen is refused with a message)."""
        school_id = client_id(school_id)
        found = await db.call(_signup_school, school_id) if school_id else None
        self.errors = {k: v for k, v in self.errors.items() if k not in ("school", "class_id")}
        if found is None:
            self.school_suggestions = []
            self.searched = False
            self._clear_school()
            self.errors = {
                **self.errors,
                "school": "Établissement introuvable. Cherche-le à nouveau.",
            }
            return
        error = _kind_error(self.level, found["kind"])
        if error:
            self._clear_school()
            self.errors = {**self.errors, "school": error}
            return
        self.school_suggestions = []
        self.searched = False
        self.school_id = found["id"]
        self.school_label = found["label"]
        self.school_ep = found["ep"]
        self.school_kind = found["kind"]
        self.school_note = found["note"]
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
        self.school_kind = ""
        self.school_note = ""
        self.school_classes = []
        self.values = {**self.values, "class_id": ""}

    @rx.event
    async def submit(self, form_data: dict):
        form_data = form_data if isinstance(form_data, dict) else {}
        keys = ("role", "first_name", "last_name", "email", "phone")
        self.values = {k: form_str(form_data, k, 254) for k in keys}
        self.values.update({k: form_str(form_data, k, 20) for k in _PUPIL_KEYS})
        self.level = self.values["level"]
        self.role = self.values["role"] if self.values["role"] in _ROLE_VALUES else ""
        if self.role in _REFERENT_VALUES:
            self.values.update(
                department_code=form_str(form_data, "department_code", 10),
                academy=form_str(form_data, "academy", 100),
                job_title=form_str(form_data, "job_title", 200),
                ministry=form_str(form_data, "ministry", 60),
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
        show_next_step(self, created)

    @rx.event
    async def submit_code(self, form_data: dict):
        await check_phone_code(self, form_data)
