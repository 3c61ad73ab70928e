"""Starlette routes mounted next to the Reflex app (sessions, private files, maps, health, site files) and the security middlewares."""
