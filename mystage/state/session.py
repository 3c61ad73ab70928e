"""Who is calling: the session cookie (HttpOnly) read on the server, never trusted from payloads.

Identity lives in backend-only vars (``_user_id``).  It is re-derived from the cookie
captured at websocket connect, so a lost state (expiry, restart) never loses the login
and a forged payload never grants one.
"""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.models import ROLE_LABELS, User

COOKIE_NAME = "mystage_session"


def session_user(s, token: str | None) -> User | None:
    """The live session ``token``'s user, or None (in the caller's database session: a
    handler that reads more resolves its caller in the same session)."""
    from mystage.services import accounts

    if not token:
        return None
    return accounts.user_for_session(s, token)


def summary_of(user: User | None) -> dict | None:
    """``{"id", "role", "name"}``: what :class:`SessionState` keeps of ``user``."""
    if user is None:
        return None
    return {
        "id": user.id,
        "role": user.role,
        "name": user.full_name or (user.email or user.phone or ""),
    }


def user_summary(s, token: str | None) -> dict | None:
    return summary_of(session_user(s, token))


def _load_user(s, user_id: int) -> User | None:
    return s.get(User, user_id)


class SessionState(rx.State):
    """Root-level session facts shown in the header; identity kept backend-only."""

    is_authenticated: bool = False
    user_name: str = ""
    user_role: str = ""
    _user_id: int | None = None

    def _token(self) -> str | None:
        from mystage.api.auth_routes import session_token_from_cookie_header

        try:
            header = self.router.headers.cookie
        except AttributeError:
            header = ""
        return session_token_from_cookie_header(header)

    async def current_user_id(self) -> int | None:
        """Re-derive the caller from the session cookie (authoritative on every call)."""
        return self._remember(await db.call(user_summary, self._token()))

    def _remember(self, summary: dict | None) -> int | None:
        """Keep what :func:`user_summary` found; returns the user's id.  Only what changed
        is assigned: Reflex sends and stores every assigned var, equal or not, and this
        runs on most events of every page."""
        values = {
            "_user_id": summary["id"] if summary else None,
            "is_authenticated": summary is not None,
            "user_name": summary["name"] if summary else "",
            "user_role": summary["role"] if summary else "",
        }
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)
        return values["_user_id"]

    async def current_user(self) -> User | None:
        user_id = await self.current_user_id()
        if user_id is None:
            return None
        return await db.call(_load_user, user_id)

    @rx.var
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.user_role, "")

    @rx.event
    async def load_session(self):
        await self.current_user_id()


async def caller(state: rx.State) -> User | None:
    """The authenticated user behind any state's event (None for anonymous callers)."""
    session = await state.get_state(SessionState)
    return await session.current_user()


def here(state: rx.State) -> str:
    """The address of the page the event comes from: path and query string."""
    url = state.router.url
    path = url.path or "/"
    return f"{path}?{url.query}" if url.query else path


def login_redirect(state: rx.State, next_url: str | None = None):
    """To « Se connecter », coming back afterwards to ``next_url`` or to the whole address
    of the current page (``/espace/employeur?onglet=traitees``, not ``/espace/employeur``);
    only a local path (``accounts.login_url``: never another site)."""
    from mystage.services import accounts

    return rx.redirect(accounts.login_url(next_url if next_url is not None else here(state)))


def client_ip(state: rx.State) -> str:
    """The client address of the event's websocket, through
    :func:`mystage.services.accounts.client_address.client_address`: the socket peer (Reflex writes
    it over any ``asgi-scope-client`` header a client sends; ``router.session.client_ip``
    otherwise), replaced by X-Forwarded-For only when the peer is in ``TRUSTED_PROXIES``."""
    from mystage.services.accounts import client_address

    router = state.router
    try:
        headers = router.headers.raw_headers
    except AttributeError:
        headers = {}
    peer = headers.get("asgi-scope-client") or router.session.client_ip or ""
    return client_address.client_address(peer, headers.get("x-forwarded-for"))
