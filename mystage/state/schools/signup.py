"""``/inscription/etablissement``: sign-up of heads and staff."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import schools
from mystage.services.ids import client_id
from mystage.state.schools.school_search import search_schools
from mystage.state.schools.values import form_checked, form_picked, form_raw
from mystage.state.session import client_ip
from mystage.state.values import form_str

HEAD = "chef"  # the sign-up form's value for « Je suis chef d'établissement »
FUNCTION_CHOICES = [
    {"value": HEAD, "label": "Je suis chef d'établissement"},
    *schools.staff_function_choices(),
]
_FUNCTIONS = frozenset(c["value"] for c in FUNCTION_CHOICES)
MSG_FUNCTION = "Choisissez votre fonction."
MSG_SCHOOL_PICK = "Établissement introuvable. Cherchez-le à nouveau."


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
        """Autocomplete of the school (see :mod:`mystage.state.schools.school_search`)."""
        await search_schools(self, query)

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
        function = form_str(form, "function", 40) or self.function
        if function not in _FUNCTIONS:
            function = ""
        self.function = function
        self.values = {
            "civility": form_str(form, "civility", 8),
            "first_name": form_str(form, "first_name", 100),
            "last_name": form_str(form, "last_name", 100),
            "email": form_str(form, "email", 254),
        }
        allowed = {c["id"] for c in self.school_classes}
        class_ids = form_picked(form, "class_", allowed)
        self.picked_classes = class_ids
        data: dict[str, Any] = {
            **self.values,
            "school_id": self.school_id,
            "function": function,
            "class_ids": class_ids,
            "password": form_raw(form, "password"),
            "password2": form_raw(form, "password2"),
            "accept_terms": form_checked(form, "accept_terms"),
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
