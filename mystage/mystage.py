"""The Reflex app: pages, API routes, lifespan tasks.  Nothing else."""

import reflex as rx
from starlette.applications import Starlette
from starlette.routing import Mount

import mystage.models  # noqa: F401  (registers the tables)
from mystage import logs
from mystage.api.auth_routes import routes as auth_routes
from mystage.api.docs import routes as docs_routes
from mystage.api.exports import routes as export_routes
from mystage.api.files import routes as file_routes
from mystage.api.guard import RequestGuard
from mystage.api.health import routes as health_routes
from mystage.api.maps import routes as map_routes
from mystage.api.my_data import routes as my_data_routes
from mystage.api.partner import routes as partner_routes
from mystage.api.school_exports import routes as school_export_routes
from mystage.api.security import SecurityHeaders
from mystage.api.site import routes as site_routes
from mystage.api.v1 import build_api
from mystage.api.v1.cors import PublicCors
from mystage.components import theme
from mystage.components.layout import PAGES
from mystage.pages import import_all_pages
from mystage.pages.sitemap import sitemap_context
from mystage.settings import get_settings
from mystage.state import socket_takeover
from mystage.state.errors import backend_exception_handler, install_log_scrubber

import_all_pages()  # every page module registers its pages (components.layout.page)
install_log_scrubber()  # Reflex logs failed events with their headers: no cookie in the log
logs.configure(get_settings())  # LOG_FORMAT text|json for mystage's loggers (mystage/logs.py)
if _config_errors := get_settings().config_errors():
    raise SystemExit("Configuration refusée :\n- " + "\n- ".join(_config_errors))

api = Starlette(
    routes=[
        *health_routes,
        *auth_routes,
        *file_routes,
        *school_export_routes,
        *export_routes,
        *my_data_routes,
        *map_routes,
        *partner_routes,
        *site_routes,
        *docs_routes,
        Mount("/api/v1", app=build_api()),
    ]
)
api.add_middleware(RequestGuard)  # request size cap, /dev/mails only when it is on


class MyStageApp(rx.App):
    """The Reflex app, wrapped in the security headers middleware as the outermost layer
    (outside Reflex's CORS layers too), so it sees every response the server sends; inside
    it, the open CORS of the public read API (``/api/v1/public/*``, any origin)."""

    def __call__(self):
        return SecurityHeaders(PublicCors(super().__call__()))


app = MyStageApp(
    style=theme.base_style,
    stylesheets=["/mystage.css"],
    api_transformer=api,
    html_lang="fr",
    backend_exception_handler=backend_exception_handler,
)
socket_takeover.install(app)  # several hosts: a tab keeps its state when its host dies

if len({p[0] for p in PAGES}) != len(PAGES):
    raise RuntimeError("two pages claim the same route")
for route, title, component, on_load in PAGES:
    app.add_page(
        component, route=route, title=title, on_load=on_load, context=sitemap_context(route)
    )

if get_settings().jobs_in_process:
    from mystage.jobs.runner import job_loop

    app.register_lifespan_task(job_loop)
