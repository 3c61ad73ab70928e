"""A pupil signs up into a class: ``/classe/[code]`` (the class code handed out in class) and
``/inscription/eleve?invitation=…`` (a listed pupil's invitation).  The school and the class
come from the code or the link, never from the form; the level from the class."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.models import LEVEL_LABELS, PupilLevel
from mystage.services import schools
from mystage.state.session import client_ip
from mystage.state.signup_steps import check_phone_code, show_next_step
from mystage.state.values import as_str, form_str

_KEYS = ("first_name", "last_name", "email", "phone", "birth_date", "gender", "level")
LEVEL_CHOICES = [{"value": lv.value, "label": LEVEL_LABELS[lv]} for lv in PupilLevel]


def _by_code(s, code: str, ip: str | None):
    return schools.class_by_code(s, code, ip)


def _by_invitation(s, token: str):
    return schools.class_by_invitation(s, token)


def _register(s, code: str, invitation: str, data: dict, ip: str | None):
    from mystage.services import accounts

    user, errors = schools.register_class_pupil(
        s, code=code or None, invitation=invitation or None, data=data, ip=ip
    )
    if errors:
        return None, errors
    email = accounts.normalize_email(data.get("email")) if data.get("email") else None
    phone = accounts.normalize_phone(data.get("phone")) if data.get("phone") else None
    if user is not None:
        email, phone = user.email, user.phone
    return {"email": email or "", "phone": "" if email else phone or ""}, {}


class ClassSignupState(rx.State):
    """The class sign-up form: the class shown, the pupil's fields, then « check your mail »
    or the SMS code."""

    loaded: bool = False
    invalid: str = ""  # the code or the link is not valid (the message)
    info: dict[str, str] = {}
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    step: str = "form"  # form, check_mail, phone_code
    sent_to: str = ""
    code_error: str = ""
    _code: str = ""
    _invitation: str = ""
    _phone: str = ""

    @rx.var
    def needs_level(self) -> bool:
        return self.info.get("level", "") == ""

    @rx.event
    async def load(self):
        self.loaded = False
        self.step = "form"
        self.errors = {}
        self.code_error = ""
        self.invalid = ""
        self.info = {}
        self.values = {}
        path = self.router.url.path or ""
        query = self.router.url.query_parameters
        token = query.get("invitation", "") if path.startswith("/inscription") else ""
        token = token if isinstance(token, str) else ""
        if token:
            self._invitation, self._code = token[:200], ""
            info, error = await db.call(_by_invitation, self._invitation)
        else:
            parts = [p for p in path.split("/") if p]
            self._code = parts[1][:20] if len(parts) > 1 else ""
            self._invitation = ""
            info, error = await db.call(_by_code, self._code, client_ip(self))
        if info is None:
            self.invalid = error
        else:
            self.info = {k: as_str(v) for k, v in info.items()}
            self.values = {
                k: self.info.get(k, "") for k in ("first_name", "last_name", "email", "phone")
            }
        self.loaded = True

    @rx.event
    async def submit(self, form: dict):
        form = form if isinstance(form, dict) else {}
        if not self.info:
            return
        self.values = {k: form_str(form, k, 254) for k in _KEYS}
        password = form.get("password")
        password2 = form.get("password2")
        password = password[:200] if isinstance(password, str) else ""
        password2 = password2[:200] if isinstance(password2, str) else ""
        form_errors: dict[str, str] = {}
        if password and password != password2:
            form_errors["password2"] = "Les deux mots de passe ne sont pas identiques."
        data = {
            **{k: self.values[k] for k in _KEYS},
            "password": password,
            "accept_terms": bool(form.get("accept_terms")),
            "form_errors": form_errors,
        }
        created, errors = await db.call(
            _register, self._code, self._invitation, data, client_ip(self)
        )
        if created is None:
            if errors.get("code"):
                self.invalid = errors["code"]
            self.errors = errors
            return
        show_next_step(self, created)

    @rx.event
    async def submit_code(self, form: dict):
        await check_phone_code(self, form)
