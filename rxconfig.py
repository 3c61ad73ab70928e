"""Reflex configuration.  Every value comes from mystage/settings.py (environment)."""

import reflex as rx

from mystage.settings import get_settings

_s = get_settings()

config = rx.Config(
    app_name="mystage",
    db_url=_s.database_url,
    async_db_url=_s.async_database_url,
    redis_url=_s.redis_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=_s.port,
    backend_port=_s.port,
    deploy_url=_s.public_url,
    api_url=_s.public_url,
    # CORS of every HTTP route and the websocket's Origin check: our own site only.
    cors_allowed_origins=list(_s.allowed_origins),
    # Pages are pre-compressed with gzip only: the security headers middleware reads the
    # inline scripts of each HTML page to allow them by hash (mystage/api/security.py).
    frontend_compression_formats=["gzip"],
    state_manager_mode="redis" if _s.redis_url else "memory",
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", radius="medium", has_background=True)
        ),
    ],
)
