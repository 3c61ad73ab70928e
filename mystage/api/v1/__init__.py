"""The REST API ``/api/v1`` (issue 19): operators publish offers with their API tokens,
read and decide their offers' applications; anyone reads the published offers
(``/api/v1/public``).  A FastAPI application mounted in the app's Starlette routes, so its
OpenAPI 3.1 document (``/api/v1/openapi.json``) is generated from the typed routes."""

from mystage.api.v1.app import build_api

__all__ = ["build_api"]
