"""Every id a client can send — handler arguments, ids in forms, ids in the address —
is bounded to 1..2³¹−1 by one helper (:func:`mystage.services.ids.client_id`) before it
reaches a query: crafted values (2**63, 2**70, -1, 0, "12abc", 1.5, None, lists, dicts…)
never raise (the old ``OverflowError`` of SQLite / « integer out of range » of
PostgreSQL), never end up in a state var, and change nothing in the database.

The handlers are found by introspection (every state of ``mystage.state``, every event
handler with a parameter named ``…id``), and every page's ``on_load`` handlers are called
with crafted ids in the dynamic segments of its route and in the query string, so a new
handler or page is covered without touching this file.  Each call is made anonymously and
as a pupil, a school head, an employer, an admin and a référent."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from typing import Any

import pytest
import reflex as rx
import sqlalchemy as sa
from sqlmodel import select

import mystage.state
from mystage.models import (
    Application,
    Favorite,
    Offer,
    OffPlatformFigure,
    Role,
    SchoolClass,
    StaffMembership,
    Structure,
    User,
)
from mystage.services import accounts
from mystage.services.ids import MAX_ID, client_id, client_ids
from tests.state.conftest import make_state
from tests.unit import test_school_isolation
from tests.unit.test_schools import account, school_db  # noqa: F401  (the « s » fixture)

world = test_school_isolation.world

CRAFTED: list[Any] = [
    2**63, 2**63 - 1, 2**70, 2**31, -1, 0, -(2**63), "9223372036854775808", "2147483648",
    "12abc", "0x10", "1e3", " 7 ", "٣", "", None, True, 1.5, 2.0, float("inf"), float("nan"),
    [1], {"id": 1}, "1 OR 1=1", "9" * 40,
]  # fmt: skip
# Through the handlers (each one as every role): the values that matter.
CRAFTED_CALLS: list[Any] = [2**63, 2**31, 0, "12abc", 1.5, None, [1]]
# The same, as they can appear in an address (path segment or query string).
CRAFTED_TEXT = ["9223372036854775808", "2147483648", "12abc"]
ACTIONS = [
    "accept", "refuse", "review", "confirm", "cancel_by_pupil", "cancel_by_employer",
    "unpublish", "republish", "close_applications", "deactivate", "remove",
    "school_validate", "school_refuse",
]  # fmt: skip


# --- the helper ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", CRAFTED)
def test_client_id_refuses_everything_but_small_positive_integers(value):
    assert client_id(value) == (7 if value == " 7 " else None)


@pytest.mark.parametrize("value, expected", [(1, 1), ("42", 42), (MAX_ID, MAX_ID), ("0042", 42)])
def test_client_id_accepts_ids(value, expected):
    assert client_id(value) == expected


def test_client_ids():
    assert client_ids([1, "2", 2]) == [1, 2]
    assert client_ids("3,4") == [3, 4]
    assert client_ids(None) == [] and client_ids("") == []
    for bad in ([1, 2**63], ["x"], {"a": 1}, 7, [None], [1] * 1000, [True]):
        assert client_ids(bad) is None


# --- the world: one user per role ---------------------------------------------------------


def _cookie(s, user: User) -> str:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


@pytest.fixture
def people(s, world):
    employer = s.exec(select(User).where(User.email == "claire@boulangerie-martin.fr")).one()
    admin = account(s, Role.ADMIN, "admin@exemple.fr", None)
    referent = account(
        s, Role.REFERENT_DEPARTEMENTAL, "ref77@ac-creteil.fr", None, department_code="77"
    )
    users = {
        "anonyme": None,
        "élève": world["pa1"],
        "chef": world["ha"],
        "employeur": employer,
        "admin": admin,
        "référent": referent,
    }
    return {name: (_cookie(s, u) if u else "") for name, u in users.items()}


def snapshot(s) -> dict[str, list]:
    """What a crafted id could change."""
    s.expire_all()
    tables = {
        "applications": sa.select(
            Application.id, Application.state, Application.school_message,
            Application.decided_by_id,
        ),
        "offers": sa.select(Offer.id, Offer.state, Offer.title, Offer.places_left),
        "users": sa.select(
            User.id, User.status, User.class_id, User.school_id,
            User.parental_authorization_at, User.role,
        ),
        "memberships": sa.select(StaffMembership.id, StaffMembership.status),
        "classes": sa.select(SchoolClass.id, SchoolClass.name, SchoolClass.deleted_at),
        "favorites": sa.select(Favorite.user_id, Favorite.offer_id),
        "figures": sa.select(OffPlatformFigure.id, OffPlatformFigure.count),
        "structures": sa.select(Structure.id, Structure.name, Structure.status),
    }  # fmt: skip
    return {k: sorted(map(tuple, s.execute(q).all()), key=repr) for k, q in tables.items()}


# --- introspection ------------------------------------------------------------------------


def _states() -> list[type[rx.State]]:
    # Every module at any depth (state/conventions/ re-exports nothing from its package).
    for mod in pkgutil.walk_packages(mystage.state.__path__, "mystage.state."):
        importlib.import_module(mod.name)
    found, todo = [], [rx.State]
    while todo:
        cls = todo.pop()
        for sub in cls.get_substates():
            todo.append(sub)
            if sub.__module__.startswith("mystage.state"):
                found.append(sub)
    return sorted(found, key=lambda c: c.get_full_name())


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id")


def _handlers_with_ids() -> list[tuple[type[rx.State], str, list[str]]]:
    out = []
    for cls in _states():
        for name, handler in cls.event_handlers.items():
            params = list(inspect.signature(handler.fn).parameters)[1:]
            if any(_is_id(p) for p in params):
                out.append((cls, name, params))
    return out


# Handlers that act on an id kept by an earlier one (a confirmation dialog's « Oui »).
FOLLOW_UPS = {"confirm", "do_action", "decide", "remove", "delete", "rename", "save_rights"}


def _follow_ups(cls) -> list[str]:
    names = []
    for name, handler in cls.event_handlers.items():
        params = list(inspect.signature(handler.fn).parameters.values())[1:]
        required = [p for p in params if p.default is inspect.Parameter.empty]
        if name in FOLLOW_UPS and [p.name for p in required] in ([], ["form_data"]):
            names.append(name)
    return names


def _arg_values(param: str, crafted: Any) -> list[Any]:
    if _is_id(param):
        return [crafted]
    if param == "action":
        return ACTIONS
    if param == "form_data":
        return [{"message": "Un message assez long pour passer la validation."}]
    if param in {"accept", "checked", "next_year"}:
        return [True]
    return ["x"]


async def _drain(result) -> None:
    """Run a handler's result: a coroutine's value, or every step of an async generator."""
    if inspect.isawaitable(result):
        result = await result
    if inspect.isasyncgen(result):
        async for _ in result:
            pass


class KeptInState(Exception):
    pass


def _check_id_vars(state: rx.State, where: str) -> None:
    """No id var holds what the helper would refuse (0 or -1 mean « none »)."""
    for name, value in state.__dict__.items():
        if not _is_id(name.lstrip("_")) or name.startswith("__"):
            continue
        if isinstance(value, int) and not isinstance(value, bool) and not -1 <= value <= MAX_ID:
            raise KeptInState(f"{where}: {name} = {value!r} kept in the state")


# --- the tests ----------------------------------------------------------------------------


def test_introspection_finds_the_handlers_taking_ids():
    found = {f"{cls.__name__}.{name}" for cls, name, _ in _handlers_with_ids()}
    assert {
        "MyApplicationsState.ask", "FavoritesState.remove", "EmployerDashboardState.act",
        "AdminState.decide", "SchoolClassState.toggle_auth", "StatsState.delete_off_platform",
    } <= found, found  # fmt: skip


@pytest.mark.asyncio
async def test_crafted_ids_in_handler_arguments(s, world, people):
    before = snapshot(s)
    failures: list[str] = []
    for cls, name, params in _handlers_with_ids():
        for who, cookie in people.items():
            for crafted in CRAFTED_CALLS:
                combos: list[list[Any]] = [[]]
                for p in params:
                    combos = [c + [v] for c in combos for v in _arg_values(p, crafted)]
                for args in combos:
                    state = make_state(cls, cookie=cookie, path="/espace")
                    where = f"{cls.__name__}.{name}{tuple(args)!r} as {who}"
                    try:
                        await _drain(getattr(state, name)(*args))
                        _check_id_vars(state, where)
                        for follow in _follow_ups(cls):
                            fn = getattr(state, follow)
                            n = len(inspect.signature(fn).parameters)
                            await _drain(fn({"message": "Message de test."}) if n else fn())
                    except KeptInState as exc:
                        failures.append(str(exc))
                    except Exception as exc:  # noqa: BLE001 - the point of the test
                        failures.append(f"{where}: {type(exc).__name__}: {exc}"[:300])
    assert not failures, _summary(failures)
    assert snapshot(s) == before


def _summary(failures: list[str]) -> str:
    """One line per handler and kind of error (its first example)."""
    seen: dict[tuple[str, str], str] = {}
    for f in sorted(set(failures)):
        handler = re.search(r"\w+State\.\w+", f)
        kind = "kept" if " kept in the state" in f else f.split(": ")[1] if ": " in f else f
        seen.setdefault((handler.group(0) if handler else f[:60], kind), f)
    return f"{len(failures)} failures:\n" + "\n".join(seen.values())


def _pages() -> list[tuple[str, list]]:
    import mystage.mystage  # noqa: F401  (registers every page)
    from mystage.components.layout import PAGES

    return [(route, loads) for route, _title, _c, loads in PAGES]


QUERY_KEYS = ["id", "offre", "annee", "secteur", "secteurs", "classe", "etape", "page"]


@pytest.mark.asyncio
async def test_crafted_ids_in_the_address(s, world, people):
    states = {c.get_full_name(): c for c in _states()}
    pages = _pages()

    async def visit(path_of, query: str) -> list[str]:
        failures = []
        for route, loads in pages:
            path = path_of(route)
            for who, cookie in people.items():
                for handler in loads:
                    state = make_state(
                        states[handler.state_full_name], cookie=cookie, path=path, query=query
                    )
                    where = f"{path}?{query} {handler.fn.__qualname__} as {who}"
                    try:
                        await _drain(getattr(state, handler.fn.__name__)())
                        _check_id_vars(state, where)
                    except KeptInState as exc:
                        failures.append(str(exc))
                    except Exception as exc:  # noqa: BLE001 - the point of the test
                        failures.append(f"{where}: {type(exc).__name__}: {exc}"[:300])
        return failures

    # Every page once with real ids (opening a space has effects of its own: the head's
    # first visit registers the school), then with crafted ones: those change nothing.
    assert not await visit(lambda route: re.sub(r"\[[^\]]+\]", "1", route), "")
    before = snapshot(s)
    failures: list[str] = []
    for text in CRAFTED_TEXT:
        query = "&".join(f"{k}={text}" for k in QUERY_KEYS)
        in_path = lambda route, text=text: re.sub(r"\[[^\]]+\]", text, route)  # noqa: E731
        failures += await visit(in_path, query)
    assert not failures, _summary(failures)
    assert snapshot(s) == before


# --- API routes ---------------------------------------------------------------------------


def test_crafted_ids_in_api_paths(s, world, people):
    """Every route with a path parameter, with crafted ids, as every role: a plain « not
    found » (or « log in »), never a server error (the test client re-raises them)."""
    import warnings

    from starlette.applications import Starlette
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from starlette.testclient import TestClient

    from mystage.mystage import api

    templates = [r.path for r in api.routes if "{" in getattr(r, "path", "")]
    assert "/api/logos/{structure_id:int}" in templates
    values = ["9223372036854775808", "2147483648", "0", "99999999999999999999999999", "1"]
    with TestClient(Starlette(routes=api.routes), base_url="https://testserver") as client:
        for template in templates:
            for who, cookie in people.items():
                for value in values:
                    path = re.sub(r"\{[^}]+\}", value, template)
                    response = client.get(path, headers={"cookie": cookie} if cookie else {})
                    assert response.status_code in {200, 302, 303, 401, 403, 404}, (path, who)
                    if value != "1" and not (value == "0" and "classe" in template):
                        assert response.status_code != 200, (path, who)


def test_client_id_typed_services():
    assert client_id("12", strings=False) is None
    assert client_id(12, strings=False) == 12
    assert client_id(2**31, strings=False) is None
