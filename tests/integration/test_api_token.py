"""The API's plumbing (issue 19): ``GET /api/v1/token`` behind a token (401 at once when
revoked, 429 past the token's minute), the OpenAPI document describing the error answers
every route gives, NUL characters removed before a route sees them (PostgreSQL refuses them)."""

from __future__ import annotations

import warnings

import pytest
from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # starlette 1.10 prefers httpx2; httpx is what we have
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from mystage import clock
from mystage.api.v1 import auth, build_api, errors, inputs
from mystage.models import Operator, OperatorToken
from mystage.services import admin_orgs


def _token(dbs, rate: int = 100, scopes: str = "offers:read") -> tuple[str, OperatorToken]:
    op = Operator(name=f"Opérateur {rate} {scopes}")
    dbs.add(op)
    dbs.flush()
    raw = admin_orgs.TOKEN_PREFIX + f"test{rate}{len(scopes)}xyz"
    token = OperatorToken(
        operator_id=op.id, name="essai", prefix=raw[:12], scopes=scopes,
        token_hash=admin_orgs.hash_api_token(raw), rate_per_minute=rate,
    )  # fmt: skip
    dbs.add(token)
    dbs.commit()
    return raw, token


@pytest.fixture
def client():
    with TestClient(build_api(), base_url="https://testserver") as c:
        yield c


def test_token_route_says_who_calls(dbs, client):
    raw, token = _token(dbs)
    r = client.get("/token", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["prefix"] == raw[:12] and body["scopes"] == ["offers:read"]
    assert body["rate_per_minute"] == 100 and body["operator"].startswith("Opérateur")
    assert raw not in r.text


def test_missing_bad_and_revoked_tokens_are_refused_at_once(dbs, client):
    raw, token = _token(dbs)
    assert client.get("/token").status_code == 401
    r = client.get("/token", headers={"Authorization": "Bearer mst_pas-un-jeton"})
    assert r.status_code == 401 and r.json() == {"detail": auth.MSG_TOKEN}
    assert r.headers["www-authenticate"] == "Bearer"
    ok = {"Authorization": f"Bearer {raw}"}
    assert client.get("/token", headers=ok).status_code == 200
    dbs.get(OperatorToken, token.id).revoked_at = clock.now()
    dbs.commit()
    assert client.get("/token", headers=ok).status_code == 401


def test_past_the_tokens_minute_429_with_retry_after(dbs, client):
    raw, _ = _token(dbs, rate=2)
    ok = {"Authorization": f"Bearer {raw}"}
    assert [client.get("/token", headers=ok).status_code for _ in range(2)] == [200, 200]
    r = client.get("/token", headers=ok)
    assert r.status_code == 429 and r.headers["retry-after"] == "60"
    assert r.json() == {"detail": auth.MSG_RATE}


def test_unknown_path_and_method_answered_in_french(client):
    r = client.get("/nulle-part")
    assert r.status_code == 404 and r.json() == {"detail": "Introuvable."}
    r = client.post("/token")
    assert r.status_code == 405 and r.json()["detail"].startswith("Méthode")


class Echo(BaseModel):
    text: str
    items: list[str] = []


def _echo_app() -> FastAPI:
    api = FastAPI()
    errors.install(api)
    api.add_middleware(inputs.StripNul)
    router = APIRouter()

    @router.get("/echo/{key}", response_model=Echo)
    def echo(key: str, q: str = "", caller=Depends(auth.operator("offers:read"))) -> Echo:
        return Echo(text=key + "|" + q)

    @router.post("/echo", response_model=Echo)
    def echo_body(data: Echo) -> Echo:
        return data

    api.include_router(router)
    return api


def test_openapi_document_describes_the_error_answers():
    doc = _echo_app().openapi()
    get = doc["paths"]["/echo/{key}"]["get"]["responses"]
    assert {"200", "401", "404", "422", "429"} <= set(get)
    for code in ("401", "404", "422", "429"):
        assert get[code]["content"]["application/json"]["schema"]["$ref"].endswith("/ApiError")
    post = doc["paths"]["/echo"]["post"]["responses"]
    assert "/ApiError" in post["422"]["content"]["application/json"]["schema"]["$ref"]
    assert "401" not in post and "404" not in post  # no token, no path parameter
    assert "HTTPValidationError" not in str(doc)
    assert get["200"]["description"] == "Succès."
    # The real API's document too (every route, whoever wrote it).
    real = build_api().openapi()
    assert real["openapi"].startswith("3.1") and "HTTPValidationError" not in str(real)
    assert "/token" in real["paths"]


def test_nul_characters_never_reach_a_route(dbs):
    raw, _ = _token(dbs, rate=50)
    json_ = {"Content-Type": "application/json"}
    with TestClient(_echo_app(), base_url="https://testserver", headers=json_) as c:
        r = c.get("/echo/a%00b?q=c%00d", headers={"Authorization": f"Bearer {raw}"})
        assert r.status_code == 200 and r.json()["text"] == "ab|cd"
        r = c.post("/echo", content='{"text": "x\\u0000y", "items": ["\\u0000z"]}')
        assert r.status_code == 200 and r.json() == {"text": "xy", "items": ["z"]}
        r = c.post("/echo", content='{"text": "a\\\\u0000"}')  # a backslash, then « u0000 »
        assert r.status_code == 200 and r.json()["text"] == "a\\u0000"
        r = c.post("/echo", content="pas du json\x00")
        assert r.status_code == 422 and r.json()["errors"] == {"requete": "JSON invalide."}
        r = c.post("/echo", content=b'{"text": "\xe9t\xe9"}')  # Latin-1, not UTF-8: 422
        assert r.status_code == 422 and r.json()["errors"] == {"requete": "JSON invalide."}
