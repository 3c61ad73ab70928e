"""Login by password (« Se connecter ») and by mailed link (« Recevoir un lien de connexion »).

Every handler here is public by nature (anonymous visitors log in); the services apply
rate limits and lockouts on every path, so a crafted event gains nothing."""

from __future__ import annotations

import asyncio

import reflex as rx

from mystage import db
from mystage.state.navigation import open_session
from mystage.state.session import client_ip
from mystage.state.values import form_str


def _safe_next(raw: str) -> str:
    """Where to go after logging in: the whole local address given (path and query string,
    ``/espace/employeur?onglet=traitees``), never another site; « /espace » otherwise."""
    from mystage.services.accounts import safe_next_url

    if not isinstance(raw, str) or not raw.strip():
        return "/espace"
    url = safe_next_url(raw)
    return url if url != "/" or raw.strip() == "/" else "/espace"


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
        identifier = form_str(form_data, "identifier", 254)
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
        await open_session(self, grant)


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

        email = normalize_email(form_str(form_data, "email", 254))
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
        await open_session(self, grant)
