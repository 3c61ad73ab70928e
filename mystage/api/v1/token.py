"""``GET /token``: the token the caller uses — its operator, its permissions, its limit.  An
operator checks its set-up with it (the first call of the documentation's examples)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from mystage import db
from mystage.api.v1 import auth, errors
from mystage.models import Operator, OperatorToken

router = APIRouter(tags=["Jeton"])


class TokenInfo(BaseModel):
    """The calling token (never its secret)."""

    operator_id: int = Field(examples=[3])
    operator: str = Field(description="Nom de l'opérateur.", examples=["Tous en stage"])
    name: str = Field(description="Nom donné au jeton.", examples=["Production"])
    prefix: str = Field(description="Début du jeton, pour le reconnaître.", examples=["mst_Ab3dE"])
    scopes: list[str] = Field(examples=[["offers:read", "offers:write", "applications"]])
    rate_per_minute: int = Field(description="Requêtes permises par minute.", examples=[120])


@router.get(
    "/token",
    summary="Le jeton utilisé",
    description="L'opérateur du jeton, ses permissions et sa limite de requêtes par minute.",
    response_model=TokenInfo,
    response_description="Le jeton.",
    responses={k: errors.COMMON_RESPONSES[k] for k in (401, 429)},
)
def token_info(caller: auth.Caller = Depends(auth.operator(None))) -> TokenInfo:
    with db.session() as s:
        token = s.get(OperatorToken, caller.token_id)
        operator = s.get(Operator, caller.operator_id)
        if token is None or operator is None:  # deleted since the check: as if revoked
            raise auth.unauthorized()
        return TokenInfo(
            operator_id=operator.id,
            operator=operator.name,
            name=token.name,
            prefix=token.prefix,
            scopes=sorted(caller.scopes),
            rate_per_minute=token.rate_per_minute,
        )
