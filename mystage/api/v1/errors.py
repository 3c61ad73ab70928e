"""The API's error answers, one shape for all: ``{"detail": "<French sentence>"}`` and, for
invalid input (422), ``"errors": {"<field>": "<French message>"}`` — the same messages as the
offer form."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

MSG_INVALID = "Certaines valeurs ne sont pas valides : voir « errors »."


class ApiError(BaseModel):
    """An error: a French sentence, and the field messages for 422."""

    detail: str = Field(examples=["Jeton manquant ou invalide."])
    errors: dict[str, str] = Field(default_factory=dict, examples=[{"title": "Indiquez un titre."}])


class FieldErrors(Exception):
    """Raised by a route with the service's field errors: answered 422."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(MSG_INVALID)
        self.errors = errors


BODY_FIELD = "requete"  # an error about the whole request (its body is not JSON…)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or BODY_FIELD


_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "string_too_long": "Texte trop long.",
    "string_too_short": "Texte trop court.",
    "int_parsing": "Indiquez un nombre entier.",
    "int_type": "Indiquez un nombre entier.",
    "float_parsing": "Indiquez un nombre.",
    "bool_parsing": "Indiquez true ou false.",
    "date_from_datetime_parsing": "Indiquez une date AAAA-MM-JJ.",
    "date_parsing": "Indiquez une date AAAA-MM-JJ.",
    "greater_than_equal": "Valeur trop petite.",
    "less_than_equal": "Valeur trop grande.",
    "literal_error": "Valeur non autorisée.",
    "enum": "Valeur non autorisée.",
    "json_invalid": "JSON invalide.",
    "model_attributes_type": "Objet JSON attendu.",
    "dict_type": "Objet JSON attendu.",
    "list_type": "Liste attendue.",
    "string_type": "Texte attendu.",
    "extra_forbidden": "Champ inconnu.",
}


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors: dict[str, str] = {}
    for err in exc.errors():
        kind = err.get("type")
        field = BODY_FIELD if kind == "json_invalid" else _field(tuple(err.get("loc", ())))
        errors.setdefault(field, _MESSAGES.get(kind, "Valeur invalide."))
    return JSONResponse({"detail": MSG_INVALID, "errors": errors}, status_code=422)


async def _fields(request: Request, exc: FieldErrors) -> JSONResponse:
    return JSONResponse({"detail": MSG_INVALID, "errors": exc.errors}, status_code=422)


# Starlette's own details (an unknown path, a method the path has not) said in French.
_DEFAULT_DETAILS = {404: "Introuvable.", 405: "Méthode non autorisée pour cette adresse."}


# FastAPI's 400 for a body it cannot decode (not UTF-8…): a 422 like invalid JSON.
_UNREADABLE_BODY = "There was an error parsing the body"


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else "Erreur."
    if exc.status_code == 400 and detail == _UNREADABLE_BODY:
        errors = {BODY_FIELD: _MESSAGES["json_invalid"]}
        return JSONResponse({"detail": MSG_INVALID, "errors": errors}, status_code=422)
    if detail == HTTPStatus(exc.status_code).phrase and exc.status_code in _DEFAULT_DETAILS:
        detail = _DEFAULT_DETAILS[exc.status_code]
    return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)


def install(api: Any) -> None:
    api.add_exception_handler(RequestValidationError, _validation)
    api.add_exception_handler(FieldErrors, _fields)
    api.add_exception_handler(StarletteHTTPException, _http)
    _document(api)


_REF = "#/components/schemas/"
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": _REF + "ApiError"}}}
MSG_NOT_FOUND_DOC = "Introuvable (identifiant inconnu, ou l'objet d'un autre opérateur)."


def _document(api: Any) -> None:
    """The OpenAPI document says what the handlers above answer, whatever each route
    declares: FastAPI documents a 422 as its own ``HTTPValidationError`` (``detail`` a list),
    we answer :class:`ApiError`; a route behind a token may answer 401 and 429 (auth), a
    route with a path parameter 404.  Checked by schemathesis (tests/e2e/test_api_fuzz.py)."""
    generate = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema:
            return api.openapi_schema
        schema = generate()  # cached by FastAPI: completed in place, once
        complete_document(schema)
        return schema

    api.openapi = openapi


def complete_document(schema: dict[str, Any]) -> None:
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ApiError", ApiError.model_json_schema(ref_template=_REF + "{model}"))
    error = {"content": _ERROR_CONTENT}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for response in responses.values():
                if response.get("description") == "Successful Response":
                    response["description"] = "Succès."
            ref = str(responses.get("422", {}).get("content", {}))
            if "422" in responses and "HTTPValidationError" in ref:
                responses["422"] = {"description": COMMON_RESPONSES[422]["description"], **error}
            if operation.get("security"):
                for code in (401, 429):
                    responses.setdefault(
                        str(code), {"description": COMMON_RESPONSES[code]["description"], **error}
                    )
            if any(p.get("in") == "path" for p in operation.get("parameters", ())):
                responses.setdefault("404", {"description": MSG_NOT_FOUND_DOC, **error})
    if "HTTPValidationError" not in str(schema.get("paths", {})):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)


# Documented on every operator route (OpenAPI ``responses``).
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ApiError, "description": "Jeton manquant, invalide ou révoqué."},
    403: {"model": ApiError, "description": "Le jeton n'a pas la permission (scope) nécessaire."},
    422: {"model": ApiError, "description": "Valeurs invalides (un message par champ)."},
    429: {
        "model": ApiError,
        "description": "Trop de requêtes : réessayez après Retry-After secondes.",
    },
}
