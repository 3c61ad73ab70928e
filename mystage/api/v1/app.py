"""The ``/api/v1`` FastAPI application: its routers, errors, OpenAPI document."""

from __future__ import annotations

from fastapi import FastAPI

from mystage.api.v1 import errors, inputs
from mystage.api.v1.applications import router as applications_router
from mystage.api.v1.offers import router as offers_router
from mystage.api.v1.public import router as public_router
from mystage.api.v1.token import router as token_router

DESCRIPTION = """API de MyStage, la plateforme des stages d'observation (4e, 3e, 2de GT).

* **Opérateurs** (associations et plateformes partenaires) : publiez et gérez vos offres,
  lisez et traitez leurs candidatures, avec un jeton « mst_… » créé par l'équipe MyStage
  (`Authorization: Bearer mst_…`). Limite : le nombre de requêtes par minute du jeton
  (réponse 429 avec `Retry-After` au-delà).
* **Public** : les offres publiées, avec les critères de « Rechercher un stage », sans jeton.

Documentation lisible : `/api/docs`.
"""

TAGS = [
    {"name": "Offres (opérateurs)", "description": "Les offres de l'opérateur du jeton."},
    {"name": "Candidatures (opérateurs)", "description": "Les candidatures à ses offres."},
    {"name": "Offres publiques", "description": "Les offres publiées, sans jeton."},
    {"name": "Jeton", "description": "Le jeton utilisé : son opérateur, ses permissions."},
]


def build_api() -> FastAPI:
    api = FastAPI(
        title="API MyStage",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        servers=[{"url": "/api/v1"}],
        openapi_tags=TAGS,
    )
    errors.install(api)
    api.add_middleware(inputs.StripNul)
    api.include_router(offers_router)
    api.include_router(applications_router)
    api.include_router(public_router)
    api.include_router(token_router)
    return api
