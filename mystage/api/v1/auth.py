"""Operator authentication: ``Authorization: Bearer mst_…`` (an API token made in the back
office, stored hashed), its scopes, and its rate limit (``rate_per_minute``; 429 with
``Retry-After``; counted in the database so every worker shares it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mystage import db
from mystage.services import admin_orgs
from mystage.services.accounts import ratelimit

SCOPES = ("offers:read", "offers:write", "applications")
RATE_SCOPE = "api_token"
RATE_WINDOW = timedelta(minutes=1)
MSG_TOKEN = "Jeton manquant, invalide ou révoqué."
MSG_SCOPE = "Ce jeton n'a pas la permission « {scope} »."
MSG_RATE = "Trop de requêtes pour ce jeton : réessayez dans une minute."

bearer = HTTPBearer(auto_error=False, description="Jeton d'API « mst_… » (back office).")


@dataclass(frozen=True)
class Caller:
    """Who calls: the operator, the token and its scopes."""

    operator_id: int
    token_id: int
    scopes: frozenset[str]


def _check(raw: str) -> Caller | None | str:
    """The caller, None for a bad token, "rate" when the token's minute is used up."""
    with db.session() as s:
        token = admin_orgs.token_for(s, raw)
        if token is None:
            s.rollback()
            return None
        key = f"token:{token.id}"
        if not ratelimit.check(s, RATE_SCOPE, key, max(1, token.rate_per_minute), RATE_WINDOW):
            s.commit()  # last use stamped
            return "rate"
        ratelimit.record(s, RATE_SCOPE, key, success=True)
        caller = Caller(
            operator_id=token.operator_id,
            token_id=token.id,
            scopes=frozenset(x.strip() for x in (token.scopes or "").split(",") if x.strip()),
        )
        s.commit()
        return caller


def unauthorized() -> HTTPException:
    return HTTPException(401, MSG_TOKEN, headers={"WWW-Authenticate": "Bearer"})


def operator(scope: str | None):
    """A route dependency: the calling operator, with ``scope`` (401 / 403 / 429 else);
    ``None``: any live token."""
    assert scope is None or scope in SCOPES, scope

    def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
    ) -> Caller:
        raw = credentials.credentials if credentials is not None else ""
        found = _check(raw) if raw else None
        if found is None:
            raise unauthorized()
        if found == "rate":
            raise HTTPException(429, MSG_RATE, headers={"Retry-After": "60"})
        if scope is not None and scope not in found.scopes:
            raise HTTPException(403, MSG_SCOPE.format(scope=scope))
        return found

    return dependency
