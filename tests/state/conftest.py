"""Helpers to drive Reflex states in-process with a given session cookie (no browser)."""

from __future__ import annotations

import pytest
import reflex as rx
from reflex.istate.data import RouterData


def make_state(cls, cookie: str = "", path: str = "/", query: str = ""):
    """A fresh state tree (root rx.State) and the substate ``cls`` wired to a router."""
    root = rx.State()
    router = RouterData.from_router_data(
        {
            "headers": {"cookie": cookie, "origin": "http://localhost:3000"},
            "pathname": path,
            "asPath": path + (f"?{query}" if query else ""),
            "query": {},
            "ip": "203.0.113.7",
        }
    )
    root.router = router
    sub = root.get_substate(cls.get_full_name().split(".")[1:])
    return sub


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def run_handler(result) -> list:
    """Run what a handler call returned (a coroutine, an async generator) to the end, as
    Reflex does; returns the events it returned or yielded (None left out)."""
    import inspect

    events: list = []
    if inspect.isawaitable(result):
        result = await result
    if inspect.isasyncgen(result):
        async for event in result:
            if event is not None:
                events.append(event)
    elif result is not None:
        events.append(result)
    return events
