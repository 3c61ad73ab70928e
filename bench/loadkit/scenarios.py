"""What people do in a campaign evening, as loops of a virtual tab with think times.

- pupil (80 %): lands on ``/offres`` (a page load: hydrate; later loops come back by a
  link, one in four reloads), types a town in « Ville ou code postal » (two debounced
  suggestion requests), picks the first suggestion, searches with the place, a radius and
  one or two weeks, goes to page 2 when there is one, opens an offer and adds it to (or
  removes it from) the favourites — logged-in pupils only (one in five pupils browses
  anonymously and skips the favourite);
- employer (12 %): the dashboard, then one candidate's page of an offer of theirs;
- school head (8 %): the tracking table of one class of their school.

Event names come from the app's state classes (``get_full_name``), so a moved state
module follows; a renamed handler fails loudly at start.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

from loadkit.client import ROOT, Result, Tab, redirected, touches

THINK = (1.5, 2.5)  # seconds between actions (~2 s)
KEYSTROKE = (0.3, 0.6)  # between the two debounced suggestion requests
RADII = ["10", "20", "30", "60"]
MIX = (("pupil", 0.80), ("employer", 0.12), ("head", 0.08))


@dataclass
class Names:
    search: str
    offer: str

    @classmethod
    def resolve(cls) -> Names:
        from mystage.state.offers.public import OfferPageState
        from mystage.state.search import SearchState

        for state, handlers in (
            (SearchState, ("type_place", "pick_place", "submit")),
            (OfferPageState, ("toggle_favorite",)),
        ):
            for h in handlers:
                if h not in state.event_handlers:
                    raise SystemExit(f"{state.__name__}.{h} is gone: update bench/loadkit")
        return cls(SearchState.get_full_name(), OfferPageState.get_full_name())


@dataclass
class Fixture:
    """Accounts (session cookies) and ids the virtual users need, from the database."""

    pupils: list[str]  # session cookies of pupil accounts
    employers: list[tuple[str, list[int]]]  # (cookie, application ids of their offers)
    heads: list[tuple[str, list[int]]]  # (cookie, class ids of their school)
    towns: list[str]  # commune names people type
    offer_ids: list[int]  # published offers (when a result list is not at hand)
    suggested: dict[str, list[str]]  # typed text → the labels the page suggests
    names: Names
    _next: dict[str, int] = field(default_factory=dict)

    def take(self, pool: str):
        items = getattr(self, pool)
        i = self._next.get(pool, 0)
        self._next[pool] = i + 1
        return items[i % len(items)]


def role_for(i: int, rnd: random.Random) -> str:
    x, acc = rnd.random(), 0.0
    for role, share in MIX:
        acc += share
        if x < acc:
            return role
    return MIX[0][0]


async def think(rnd: random.Random, span=THINK) -> None:
    await asyncio.sleep(rnd.uniform(*span))


def typed_texts(town: str) -> list[str]:
    """The two debounced texts a pupil's typing sends for ``town`` (« Nan », « Nante »)."""
    return list(dict.fromkeys((town[:3], town[: max(4, min(len(town), 6))])))


async def pupil(tab: Tab, fx: Fixture, rnd: random.Random, logged_in: bool) -> None:
    S, OFFER = fx.names.search, fx.names.offer
    first = True
    while True:
        if first or rnd.random() < 0.25:
            res = await tab.open("/offres", "hydrate /offres")
        else:
            res = await tab.navigate("/offres", "back to /offres")
        first = False
        if not res.ok:
            await think(rnd)
            first = True
            continue
        await think(rnd)
        # « Ville ou code postal »: two debounced requests while typing, then a choice.
        town = rnd.choice(fx.towns)
        for typed in typed_texts(town):
            epoch = tab.var(S, "place_epoch")
            payload = {"value": typed, "epoch": epoch}
            shown = [x.get("label") for x in tab.var(S, "place_suggestions") or []]
            if fx.suggested.get(typed) == shown:  # « Sai » then « Saint- »: nothing changes
                await tab.send(f"{S}.type_place", payload)
            else:
                await tab.call(
                    "type place", f"{S}.type_place", payload, touches(S, "place_suggestions")
                )
            await think(rnd, KEYSTROKE)
        suggestions = tab.var(S, "place_suggestions") or []
        label = suggestions[0].get("label", town) if suggestions else town
        await tab.call("pick place", f"{S}.pick_place", {"label": label}, touches(S))
        await think(rnd)
        # « Rechercher »: the form's data (unticked boxes go as False), then the redirect.
        weeks = [w.get("id") for w in tab.var(S, "week_options") or [] if w.get("id")]
        picked = set(rnd.sample(weeks, min(len(weeks), rnd.randint(1, 2)))) if weeks else set()
        form = {"q": "", "lieu": label, "rayon": rnd.choice(RADII), "niveau": ""}
        form.update({f"semaine_{w}": w in picked for w in weeks})
        tab.redirects.clear()
        sub = await tab.call("submit", f"{S}.submit", {"form_data": form}, redirected)
        if not sub.ok or not tab.redirects:
            continue
        target = tab.redirects[-1]
        res = await tab.navigate(target, "search results")
        if res.ok:
            tab.record(
                "search (submit→results)",
                Result(True, sub.latency + res.latency, sub.nbytes + res.nbytes),
            )
        await think(rnd)
        if (tab.var(S, "pages") or 1) > 1:
            await tab.navigate(target + "&page=2", "page 2")
            await think(rnd)
        results = tab.var(S, "results") or []
        ids = [r.get("id") for r in results if isinstance(r, dict) and r.get("id")]
        offer_id = rnd.choice(ids) if ids else rnd.choice(fx.offer_ids)
        res = await tab.navigate(f"/offres/{offer_id}", "open offer")
        await think(rnd)
        if logged_in and res.ok and tab.var(OFFER, "found", True):
            await tab.call(
                "favourite", f"{OFFER}.toggle_favorite", {}, touches(OFFER, "is_favorite")
            )
            await think(rnd)


async def employer(tab: Tab, fx: Fixture, rnd: random.Random, apps: list[int]) -> None:
    first = True
    while True:
        if first or rnd.random() < 0.25:
            res = await tab.open("/espace/employeur", "hydrate employer dashboard")
        else:
            res = await tab.navigate("/espace/employeur", "employer dashboard")
        first = False
        await think(rnd)
        if res.ok and apps:
            await tab.navigate(
                f"/espace/employeur/candidatures/{rnd.choice(apps)}", "candidate page"
            )
            await think(rnd)


async def head(tab: Tab, fx: Fixture, rnd: random.Random, classes: list[int]) -> None:
    first = True
    while True:
        path = f"/espace/etablissement/classe/{rnd.choice(classes)}"
        if first or rnd.random() < 0.25:
            await tab.open(path, "hydrate class table")
        else:
            await tab.navigate(path, "class table")
        first = False
        await think(rnd)
        await think(rnd)


async def virtual_user(i: int, make_tab, fx: Fixture, seed: int) -> None:
    """One person: a role, an account (cookie), a tab, their loop until cancelled."""
    rnd = random.Random(seed * 100_003 + i)
    role = role_for(i, rnd)
    if role == "employer" and fx.employers:
        cookie, apps = fx.take("employers")
        tab = make_tab(cookie)
        coro = employer(tab, fx, rnd, apps)
    elif role == "head" and fx.heads:
        cookie, classes = fx.take("heads")
        tab = make_tab(cookie)
        coro = head(tab, fx, rnd, classes)
    else:
        logged_in = bool(fx.pupils) and rnd.random() >= 0.2
        tab = make_tab(fx.take("pupils") if logged_in else None)
        coro = pupil(tab, fx, rnd, logged_in)
    try:
        await coro
    finally:
        await tab.close()


__all__ = ["ROOT", "Fixture", "Names", "virtual_user"]
