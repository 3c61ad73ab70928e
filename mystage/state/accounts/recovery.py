"""« Mot de passe oublié » (mailed link or SMS code) and « Choisir un nouveau mot de passe »."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.state.session import client_ip
from mystage.state.values import form_str


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

        identifier = form_str(form_data, "identifier", 254)
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
            _reset_with_code, self._phone, form_str(form_data, "code", 12), password[:200]
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
