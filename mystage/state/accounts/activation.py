"""« Activation du compte »: the mailed link, and a new link on request."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.state.session import client_ip
from mystage.state.values import form_str


def _activate(s, token: str):
    from mystage.models import Role
    from mystage.services import accounts

    user, error = accounts.activate(s, token)
    s.commit()
    if user is None:
        return False, error or "", "/connexion", False, False
    next_url = accounts.after_signup_url(user, "")
    login_url = accounts.login_url(next_url) if next_url else "/connexion"
    return True, "", login_url, accounts.awaits_validation(user), user.role == Role.ELEVE


class ActivationState(rx.State):
    done: bool = False
    error: str = ""
    resent: bool = False
    # The address is confirmed but the account waits for the MyStage team (référents).
    pending: bool = False
    # « Se connecter » after activation: back to the offer the pupil came from, if any.
    login_url: str = "/connexion"
    # A pupil's account: the page says « tu » (the recipient's role decides, as in mails).
    tu: bool = False

    @rx.event
    async def load(self):
        self.resent = False
        token = self.router.url.query_parameters.get("token", "")[:200]
        if not token:
            self.done = False
            self.pending = False
            self.error = "Lien d'activation incomplet. Copiez le lien entier reçu par courriel."
            return
        ok, error, login_url, pending, tu = await db.call(_activate, token)
        self.done = ok
        self.tu = tu
        self.pending = ok and pending
        self.error = "" if ok else error
        self.login_url = login_url

    @rx.event
    async def resend(self, form_data: dict):
        identifier = form_str(form_data, "identifier", 254)
        if identifier:
            await db.call(_resend, identifier, client_ip(self))
        self.resent = True


def _resend(s, identifier: str, ip: str):
    from mystage.services import accounts

    accounts.resend_activation(s, identifier, ip)
    s.commit()
