"""``/robots.txt``: crawlers stay out of the private spaces and find the sitemap.

The sitemap itself (``/sitemap.xml``) is written at build time by Reflex's SitemapPlugin with
the public pages only (``mystage.pages.sitemap``) and PUBLIC_URL as base (``deploy_url``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from mystage.settings import get_settings

# /convention/: the legal representatives' personal signing links (the pages say noindex too).
DISALLOWED = ("/espace/", "/espace", "/convention/", "/dev/", "/api/", "/_event", "/_upload")


def robots_txt() -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines.append(f"Sitemap: {get_settings().public_url}/sitemap.xml")
    return "\n".join(lines) + "\n"


async def robots(request: Request) -> Response:
    return PlainTextResponse(robots_txt(), headers={"Cache-Control": "public, max-age=3600"})


routes = [Route("/robots.txt", robots, methods=["GET"], name="robots")]
