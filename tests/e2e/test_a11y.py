"""Issue 12, item 5: axe-core on every page, for every role, at 375 px and 1280 px.

Every route registered in ``mystage.components.layout.PAGES`` is visited by the roles that
use it (``_routes_for``: public pages anonymously, ``/espace/...`` by the space's roles, a
new ``/espace`` page by every logged-in role); dynamic routes get real ids from the server's
database (``DYNAMIC``: a new dynamic route fails the test until it is given one).  On top of
the page views, the states that matter (``STATES``, ``QUERIES``): search results, « Carte »,
place and school suggestions, the mobile menu, the employer's tabs, every step of the offer
form, confirmation dialogs, sign-up and login forms showing their errors.  Nothing is
submitted: the crawl changes no data (it runs first in the e2e suite).

axe-core comes from npm (``make deps`` installs it into ``.tools`` next to bun) and is
injected with ``add_init_script`` (not subject to the page's Content-Security-Policy; it
reaches the map iframes too).  The test fails on any serious or critical violation, on any
violation of ``ALWAYS`` whatever axe's impact, and on console errors (``_console_noise``
lists the only ones tolerated).  A readable summary (rule, impact, page, width, selectors)
is printed when it fails.  One browser context per role and width, one login per role.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect

from mystage.settings import get_settings
from tests.e2e.conftest import ROOT, VIEWPORTS, goto, server_db, shot

AXE_JS = ROOT / ".tools/node_modules/axe-core/axe.min.js"
DEMO_PASSWORD = "stage-demo-2026"

# WCAG 2.1 A and AA, and axe's best practices (heading order, one h1, landmarks...).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    # Experimental in axe 4.x, named by the issue (the logo link, the week buttons).
    "rules": {"label-content-name-mismatch": {"enabled": True}},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}
# Moderate or minor for axe, failing here: the issue named the first three (one h1, heading
# levels in order, no empty table header); one main landmark per page goes with them.
ALWAYS = {"page-has-heading-one", "heading-order", "empty-table-header", "landmark-one-main"}

ROLES: dict[str, str | Callable[[], str] | None] = {
    "anonyme": None,
    "eleve": lambda: _pupil(),  # a pupil whose « Mes candidatures » has buttons and badges
    "parent": "parent@demo.mystage.fr",
    "employeur": "employeur@demo.mystage.fr",
    "chef": "ce.0771029a@ac-creteil.fr",
    "proviseur": "ce.0770930t@ac-creteil.fr",  # the demo's lycée (QPV card, 2de classes)
    "professeur": "prof@demo.mystage.fr",
    "referent": "referent77@demo.mystage.fr",
    "admin": "admin@demo.mystage.fr",
    "operateur": "operateur@demo.mystage.fr",
}
LOGGED_IN = [r for r, who in ROLES.items() if who]

# Which roles visit the pages of a space (longest prefix wins).  Any other ``/espace``
# page is visited by every logged-in role; every other page anonymously.
SPACES: list[tuple[str, list[str]]] = [
    ("/espace/eleve", ["eleve"]),
    ("/espace/employeur", ["employeur"]),
    ("/espace/etablissement", ["chef", "proviseur"]),
    ("/espace/etablissement/classe/[classe_id]", ["chef", "professeur"]),
    ("/espace/statistiques", ["referent", "admin"]),
    ("/espace/admin", ["admin"]),
]
# Pages seen by a logged-in role as well (they change with the session).
ALSO: dict[str, list[str]] = {
    "/": ["eleve"],
    "/offres": ["eleve"],
    "/offres/[offre_id]": ["eleve"],
    "/espace/etablissement": ["professeur"],
    "/espace/employeur": ["referent"],
}
# Pupil-only pages outside /espace.
ONLY: dict[str, list[str]] = {"/offres/[offre_id]/postuler": ["eleve"]}


def _q(sql: str, **params):
    engine = sa.create_engine(server_db())
    try:
        with engine.connect() as c:
            return c.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


def _offer() -> int:
    """A published offer with badges (sector, levels, accessible)."""
    return _q(
        "SELECT o.id FROM offers o JOIN users u ON u.id = o.created_by_id "
        "WHERE u.email = 'employeur@demo.mystage.fr' AND o.state = 'published' ORDER BY o.id"
    )


def _pupil() -> str:
    """A demo pupil with an accepted application (« Confirmer mon stage ») and another."""
    return _q(
        "SELECT u.email FROM users u JOIN applications a ON a.pupil_id = u.id "
        "WHERE u.role = 'eleve' GROUP BY u.id, u.email "
        "HAVING COUNT(*) > 1 AND SUM(CASE WHEN a.state = 'accepted' THEN 1 ELSE 0 END) > 0 "
        "ORDER BY u.id"
    )


def _offer_to_apply() -> int:
    """A published offer the pupil has not applied to."""
    return _q(
        "SELECT o.id FROM offers o WHERE o.state = 'published' AND o.reserved_schools = :f "
        "AND o.id NOT IN (SELECT a.offer_id FROM applications a JOIN users u "
        "ON u.id = a.pupil_id WHERE u.email = :e) ORDER BY o.id",
        f=False,
        e=_pupil(),
    )


def _employer_application() -> int:
    """« À l'étude »: the page shows « Accepter » and « Refuser » (and viewing it changes
    nothing, unlike a new one that becomes « lue »)."""
    return _q(
        "SELECT a.id FROM applications a JOIN offers o ON o.id = a.offer_id JOIN users u "
        "ON u.id = o.created_by_id WHERE u.email = 'employeur@demo.mystage.fr' "
        "AND a.state = 'under_review' ORDER BY a.id"
    )


def _school_application() -> int:
    """An application waiting for the demo school's validation."""
    return _q(
        "SELECT a.id FROM applications a JOIN schools s ON s.id = a.school_id "
        "WHERE s.uai = '0771029A' AND a.state = 'awaiting_school' ORDER BY a.id"
    ) or _q(
        "SELECT a.id FROM applications a JOIN schools s ON s.id = a.school_id "
        "WHERE s.uai = '0771029A' ORDER BY a.id"
    )


def _class() -> int:
    """The 3e A of the demo school (the demo teacher's class)."""
    return _q(
        "SELECT c.id FROM school_classes c JOIN schools s ON s.id = c.school_id "
        "WHERE s.uai = '0771029A' AND c.name = '3e A'"
    )


def _admin_user() -> int:
    """The back office's user page of the demo pupil who logs in by phone (Yanis)."""
    return _q("SELECT id FROM users WHERE phone = '+33612345678'")


def _pupil_of_class() -> int:
    return _q(
        "SELECT u.id FROM users u WHERE u.class_id = :c AND u.role = 'eleve' ORDER BY u.id",
        c=_class(),
    )


def _pupil_convention() -> int:
    """The visiting pupil's convention, else any (« Convention introuvable »), else id 1."""
    mine = _q(
        "SELECT c.id FROM conventions c JOIN applications a ON a.id = c.application_id "
        "JOIN users u ON u.id = a.pupil_id WHERE u.email = :e ORDER BY c.id",
        e=_pupil(),
    )
    return mine or _q("SELECT MIN(id) FROM conventions") or 1


def _employer_convention() -> int:
    """A convention of the demo employer still open (its form shows)."""
    return (
        _q(
            "SELECT c.id FROM conventions c JOIN applications a ON a.id = c.application_id "
            "JOIN offers o ON o.id = a.offer_id JOIN users u ON u.id = o.created_by_id "
            "WHERE u.email = 'employeur@demo.mystage.fr' AND c.state <> 'cancelled' "
            "ORDER BY c.state = 'signed', c.id"
        )
        or _q("SELECT MIN(id) FROM conventions")
        or 1
    )


def _school_convention() -> int:
    """A convention of the demo school completed by its employer (the school's form)."""
    return (
        _q(
            "SELECT c.id FROM conventions c JOIN applications a ON a.id = c.application_id "
            "JOIN schools s ON s.id = a.school_id WHERE s.uai = '0771029A' "
            "ORDER BY c.state <> 'employer_done', c.id"
        )
        or _q("SELECT MIN(id) FROM conventions")
        or 1
    )


def _class_code() -> str:
    """The demo class code of 3e A (the sign-up into that class)."""
    return (
        _q(
            "SELECT c.join_code FROM school_classes c JOIN schools s ON s.id = c.school_id "
            "WHERE s.uai = '0771029A' AND c.name = '3e A'"
        )
        or "ZZZZZZ"
    )


def _roster_preview(page: Page) -> bool:
    """The class roster's paste checked, with a line in error (nothing is stored)."""
    goto(page, page.url)  # the previous state's dialog is still open
    if not page.locator("#roster-paste").is_visible():
        page.click("#roster-open")
    page.fill("#roster-paste", "MARTIN Léa ; lea.martin@exemple.fr\nDUPONT ; pas-un-contact")
    page.click("#paste-check")
    expect(page.locator("#paste-preview")).to_be_visible()
    return True


A11Y_INVITATION = "a11y-invitation-equipe-0001"


def _team_invitation() -> str:
    """A valid team invitation of the demo bakery (its sign-up form), made once in the
    server's database: the invited row and its token (only the secret's hash is stored)."""
    import json
    from datetime import UTC, datetime, timedelta

    from mystage.services.accounts.tokens import hash_token

    digest = hash_token(A11Y_INVITATION)
    engine = sa.create_engine(server_db())
    try:
        with engine.begin() as c:
            if c.execute(
                sa.text("SELECT id FROM one_time_tokens WHERE token_hash = :h"), {"h": digest}
            ).scalar():
                return A11Y_INVITATION
            structure_id = c.execute(
                sa.text(
                    "SELECT m.structure_id FROM structure_members m JOIN users u "
                    "ON u.id = m.user_id WHERE u.email = 'employeur@demo.mystage.fr' "
                    "AND m.role = 'owner'"
                )
            ).scalar()
            now = datetime.now(UTC)
            c.execute(
                sa.text(
                    "INSERT INTO structure_members (structure_id, invited_email, role, status, "
                    "created_at, all_spaces) VALUES (:s, 'a11y.invite@exemple.fr', 'member', "
                    "'invited', :now, :t)"
                ),
                {"s": structure_id, "now": now, "t": True},
            )
            member_id = c.execute(
                sa.text(
                    "SELECT id FROM structure_members WHERE invited_email = "
                    "'a11y.invite@exemple.fr' AND structure_id = :s"
                ),
                {"s": structure_id},
            ).scalar()
            c.execute(
                sa.text(
                    "INSERT INTO one_time_tokens (purpose, token_hash, target, payload, "
                    "created_at, expires_at, attempts) VALUES ('invitation', :h, "
                    "'a11y.invite@exemple.fr', :p, :now, :exp, 0)"
                ),
                {
                    "h": digest,
                    "p": json.dumps({"member_id": member_id, "structure_id": structure_id}),
                    "now": now,
                    "exp": now + timedelta(days=14),
                },
            )
    finally:
        engine.dispose()
    return A11Y_INVITATION


def _sign_link() -> str:
    """A legal representative's link that does not exist: the page every failure shows."""
    return "lien-inconnu"


DYNAMIC: dict[str, Callable[[], int | str]] = {
    "/offres/[offre_id]": _offer,
    "/offres/[offre_id]/postuler": _offer_to_apply,
    "/espace/employeur/candidatures/[cand_id]": _employer_application,
    "/espace/employeur/candidatures/[cand_id]/impression": _employer_application,
    "/espace/etablissement/candidatures/[cand_id]": _school_application,
    "/espace/etablissement/classe/[classe_id]": _class,
    "/espace/etablissement/classe/[classe_id]/autorisation": _class,
    "/espace/etablissement/eleve/[eleve_id]": _pupil_of_class,
    "/espace/eleve/conventions/[id]": _pupil_convention,
    "/espace/employeur/conventions/[conv_id]": _employer_convention,
    "/espace/etablissement/conventions/[conv_id]": _school_convention,
    "/convention/signer/[token]": _sign_link,
    "/classe/[code]": _class_code,
    "/invitation/equipe/[token]": _team_invitation,
    "/espace/admin/utilisateurs/[user_id]": _admin_user,
}


def _all_routes() -> list[str]:
    import mystage.mystage  # noqa: F401  (registers every page)
    from mystage.components.layout import PAGES

    return [route for route, _title, _component, _loads in PAGES]


def _routes_for(role: str) -> list[str]:
    """The routes ``role`` visits, in PAGES order."""
    out = []
    for route in _all_routes():
        if route in ONLY:
            roles = ONLY[route]
        elif route.startswith("/espace"):
            matches = [(p, r) for p, r in SPACES if route == p or route.startswith(p + "/")]
            roles = max(matches, key=lambda m: len(m[0]))[1] if matches else LOGGED_IN
        else:
            roles = ["anonyme"]
        if role in roles or role in ALSO.get(route, []):
            out.append(route)
    return out


def _concrete(route: str) -> str:
    if "[" not in route:
        return route
    if route not in DYNAMIC:
        raise AssertionError(f"{route}: add a real id for it to DYNAMIC in tests/e2e/test_a11y.py")
    value = DYNAMIC[route]()
    assert value, f"{route}: no demo row to visit"
    return re.sub(r"\[[a-z_]+\]", str(value), route)


# ------------------------------------------------------------------ interactive states


def _open_menu(page: Page) -> bool:
    if not page.locator("#nav-menu").is_visible():
        return False  # 1280 px: the entries are in the header, no menu
    page.click("#nav-menu")
    expect(page.get_by_role("dialog")).to_be_visible()
    return True


def _search_map(page: Page) -> bool:
    page.click("#view-map")
    frame = page.frame_locator("#offers-map")
    expect(frame.locator(".leaflet-marker-icon").first).to_be_visible()
    return True


def _open_filters(page: Page) -> bool:
    """375 px: a search's criteria are folded under « Filtres (n) »; open them."""
    if not page.locator("#filters-toggle").is_visible():
        return False  # 1280 px: the form is always shown
    page.click("#filters-toggle")
    expect(page.locator("#filters-toggle")).to_have_attribute("aria-expanded", "true")
    return True


def _place_suggestions(page: Page) -> bool:
    _open_filters(page)
    page.fill("#s-lieu", "Mea")
    expect(page.locator(".place-suggestion").first).to_be_visible()
    return True


def _school_suggestions(page: Page) -> bool:
    page.fill("#school-search", "Meaux")
    expect(page.locator(".school-suggestion").first).to_be_visible()
    return True


def _signup_errors(page: Page) -> bool:
    page.select_option("#f-role", "eleve")
    page.click("#signup-submit")
    expect(page.locator("#signup-errors")).to_be_visible()
    return True


def _login_errors(page: Page) -> bool:
    page.click("#login-submit")
    expect(page.locator("[role=alert]:visible").first).to_be_visible()
    return True


def _dialog(opener: str) -> Callable[[Page], bool]:
    """Open a confirmation dialog (and leave it open: nothing is decided)."""

    def open_it(page: Page) -> bool:
        page.locator(opener).first.click()
        expect(page.get_by_role("alertdialog").or_(page.get_by_role("dialog"))).to_be_visible()
        return True

    return open_it


def _tab(key: str) -> Callable[[Page], bool]:
    def open_it(page: Page) -> bool:
        page.click(f".tab-{key}")
        expect(page.locator(f".tab-{key}")).to_have_attribute("aria-selected", "true")
        return True

    return open_it


def _structure_merge(page: Page) -> bool:
    """Back office « Structures »: search, then the merge dialog (left open)."""
    page.fill("#structure-q", "e")
    page.click("#structure-search")
    page.locator(".structure-merge").first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    return True


def _new_operator(page: Page) -> bool:
    page.click("#operator-new")
    expect(page.locator("#operator-detail")).to_be_visible()
    return True


@dataclass
class View:
    label: str
    path: str
    action: Callable[[Page], bool] | None = None


# (role, route) → extra states: each runs on a fresh load of the page, then axe again.
STATES: dict[tuple[str, str], list[tuple[str, Callable[[Page], bool]]]] = {
    ("anonyme", "/"): [("menu ouvert", _open_menu)],
    ("anonyme", "/offres"): [
        ("carte", _search_map),
        ("filtres", _open_filters),
        ("lieux proposés", _place_suggestions),
    ],
    ("anonyme", "/inscription"): [("erreurs", _signup_errors)],
    ("anonyme", "/inscription/etablissement"): [("établissements", _school_suggestions)],
    ("anonyme", "/connexion"): [("erreurs", _login_errors)],
    ("eleve", "/espace/eleve/candidatures"): [
        ("confirmation", _dialog("[id^=app-confirm-]")),
        ("annulation", _dialog("[id^=app-cancel-]")),
    ],
    ("employeur", "/espace/employeur"): [
        ("offres", _tab("offres")),
        ("traitées", _tab("traitees")),
    ],
    ("employeur", "/espace/employeur/candidatures/[cand_id]"): [
        ("acceptation", _dialog("#app-action-accept")),
        ("refus", _dialog("#app-action-refuse")),
    ],
    ("chef", "/espace/etablissement/candidatures/[cand_id]"): [
        ("validation", _dialog("#app-action-school_validate")),
    ],
    ("chef", "/espace/etablissement"): [("traitées", _tab("traitees"))],
    ("chef", "/espace/etablissement/classe/[classe_id]"): [
        ("autorisations", _dialog("#auth-all")),
        ("liste collée", _roster_preview),
    ],
    ("admin", "/espace/admin/structures"): [("regroupement", _structure_merge)],
    ("admin", "/espace/admin/operateurs"): [("nouvel opérateur", _new_operator)],
}


def _published_offer_query(step: int | None = None) -> str:
    return f"?id={_offer()}" + (f"&etape={step}" if step else "")


# Page views of a route with a query string (each one a view): search results rather than
# an empty form, each step of the offer form of a published offer.
QUERIES: dict[str, list[Callable[[], str]]] = {
    "/offres": [lambda: "?lieu=77"],
    "/espace/employeur/offre": [lambda: ""]
    + [lambda step=step: _published_offer_query(step) for step in (1, 2, 3, 4)],
    "/espace/employeur/offre/apercu": [_published_offer_query],
}


def _views(role: str) -> list[View]:
    views = []
    for route in _routes_for(role):
        base = _concrete(route)
        for query in QUERIES.get(route, [lambda: ""]):
            q = query()
            views.append(View(route + q, base + q))
        for name, action in STATES.get((role, route), []):
            views.append(View(f"{route} ({name})", views[-1].path, action))
    return views


# ------------------------------------------------------------------ running axe


@dataclass
class Report:
    role: str
    width: str
    problems: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)


def _failing(violation: dict) -> bool:
    return violation["impact"] in FAILING_IMPACTS or violation["id"] in ALWAYS


_RUN = """async (options) => {
  const result = await axe.run(document, options);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}"""


def run_axe(page: Page) -> list[dict]:
    return page.evaluate(_RUN, AXE_OPTIONS)


def _describe(v: dict, label: str, role: str, width: str) -> str:
    """One readable entry per rule and page: rule, impact, page, width, the first nodes."""
    lines = [f"{v['id']} ({v['impact']}) on {label} [{role}, {width}]: {v['help']}"]
    for node in v["nodes"][:4]:
        detail = [x.strip() for x in node["summary"].splitlines()[1:2]]
        lines.append(f"      {node['target']}" + (f" — {detail[0]}" if detail else ""))
    if len(v["nodes"]) > 4:
        lines.append(f"      … and {len(v['nodes']) - 4} more")
    return "\n".join(lines)


def _console_noise(text: str, url: str) -> bool:
    """The one tolerated console error: a map tile that could not be downloaded (no
    internet on test machines; the map works without its background, and the list is the
    accessible alternative).  A tile *refused* by a Content-Security-Policy is a real error:
    its message is not « Failed to load resource » and it is reported."""
    template = get_settings().map_tiles_url  # https://{s}.tile.example.org/{z}/{x}/{y}.png
    host = template.split("//", 1)[-1].split("/", 1)[0]
    tiles = re.escape(host).replace(r"\{s\}", "[a-z0-9-]+")
    return text.startswith("Failed to load resource") and bool(
        re.fullmatch(tiles, urlparse(url).hostname or "")
    )


def _settle(page: Page) -> None:
    """Data loaded and nothing moving: no « Chargement… », animations finished."""
    page.wait_for_function(
        "() => !document.body.innerText.includes('Chargement…') && "
        "document.getAnimations().every(a => a.playState !== 'running')",
        timeout=15_000,
    )


def _arrive(page: Page, path: str) -> None:
    """Open ``path`` and wait for its data; after a client-side redirect (a page whose
    on_load sends elsewhere), for the data of the page it lands on."""
    goto(page, path)
    _settle(page)
    wanted = urlparse(path).path.rstrip("/") or "/"
    if (urlparse(page.url).path.rstrip("/") or "/") != wanted:
        page.wait_for_selector("#app-ready", state="attached")
        _settle(page)


def crawl(context: BrowserContext, role: str, width: str) -> Report:
    report = Report(role, width)
    page = context.new_page()
    current = {"label": ""}

    def on_console(msg) -> None:
        if msg.type == "error":
            url = (msg.location or {}).get("url", "")
            if not _console_noise(msg.text, url):
                report.console.append(f"{current['label']}: {msg.text[:300]} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: report.console.append(f"{current['label']}: {exc}"))
    for view in _views(role):
        current["label"] = view.label
        _arrive(page, view.path)
        if view.action is not None:
            if not view.action(page):
                continue
            _settle(page)
        report.seen.append(view.label)
        for v in run_axe(page):
            if _failing(v):
                report.problems.append(_describe(v, view.label, role, width))
    page.close()
    return report


# ------------------------------------------------------------------ logins

_STORAGE: dict[str, dict] = {}


def _context(browser: Browser, server: str, role: str, width: str) -> BrowserContext:
    context = browser.new_context(
        viewport=VIEWPORTS[width],
        locale="fr-FR",
        base_url=server,
        storage_state=_STORAGE.get(role),
    )
    context.set_default_timeout(20_000)
    context.add_init_script(path=str(AXE_JS))
    who = ROLES[role]
    if callable(who):
        who = who()
    if who and role not in _STORAGE:
        page = context.new_page()
        goto(page, "/connexion")
        page.fill("#f-identifier", who)
        page.fill("#f-password", DEMO_PASSWORD)
        page.click("#login-submit")
        expect(page).not_to_have_url(re.compile(r"/connexion"))
        page.wait_for_selector("#app-ready", state="attached")
        _STORAGE[role] = context.storage_state()
        page.close()
    return context


def test_every_route_is_visited():
    """Each page of PAGES is visited by at least one role (a new page cannot slip by)."""
    visited = {route for role in ROLES for route in _routes_for(role)}
    assert set(_all_routes()) <= visited
    assert set(DYNAMIC) >= {r for r in _all_routes() if "[" in r}


@pytest.mark.parametrize("role", list(ROLES))
def test_axe_every_page(browser, server, viewport, role):
    assert AXE_JS.exists(), "axe-core missing: run `make deps` (npm install into .tools)"
    started = time.monotonic()
    context = _context(browser, server, role, viewport)
    try:
        report = crawl(context, role, viewport)
    finally:
        context.close()
    print(
        f"\naxe {role} {viewport}: {len(report.seen)} views in {time.monotonic() - started:.1f} s"
    )
    message = []
    if report.problems:
        message.append(f"{len(report.problems)} axe violation(s):")
        message.extend("  " + p for p in report.problems)
    if report.console:
        message.append(f"{len(report.console)} console error(s):")
        message.extend("  " + c for c in report.console)
    assert not message, "\n".join(message)


def _own_contrast(locator) -> float:
    """WCAG contrast between an element's text colour and its own (opaque) background."""
    colours = locator.evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
    )

    def luminance(css: str) -> float:
        r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted(map(luminance, colours), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_skip_link_to_results_with_the_keyboard(page: Page):
    """/offres: Tab, Tab reaches « Aller aux résultats » (visible once focused), Enter puts
    the focus on the results (count, « Liste », « Carte », offers), past the form."""
    goto(page, "/offres?lieu=77")
    expect(page.locator(".offer-card").first).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Aller au contenu")
    page.keyboard.press("Tab")
    link = page.locator(":focus")
    expect(link).to_have_text("Aller aux résultats")
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0
    assert _own_contrast(link) >= 4.5  # axe leaves it « to review » (it overlaps the header)
    shot(page, "a11y-skip-link")
    page.keyboard.press("Enter")
    expect(page.locator("#resultats")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#view-list")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#view-map")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".offer-card").first).to_be_focused()


def test_skip_link_to_content_on_every_page(page: Page):
    """Elsewhere the first Tab gives « Aller au contenu » and Enter focuses the main
    content (no page-specific skip link)."""
    goto(page, "/eleves")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Aller au contenu")
    assert _own_contrast(page.locator(":focus")) >= 4.5
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).not_to_have_text("Aller aux résultats")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#contenu")).to_be_focused()


def test_employer_tabs_with_the_keyboard(page: Page):
    """The employer's tabs: one tab stop, arrows move between tabs without loading
    anything, Enter opens the focused one and its panel follows."""
    goto(page, "/connexion")
    page.fill("#f-identifier", ROLES["employeur"])
    page.fill("#f-password", DEMO_PASSWORD)
    page.click("#login-submit")
    expect(page.locator(".tab-a_traiter")).to_have_attribute("aria-selected", "true")
    page.locator(".tab-a_traiter").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".tab-traitees")).to_be_focused()
    expect(page.locator(".tab-a_traiter")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".tab-offres")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".tab-offres")).to_have_attribute("aria-selected", "true")
    panel = page.get_by_role("tabpanel")
    expect(panel).to_contain_text("Offre de stage")  # the offers table's header
    assert panel.get_attribute("aria-labelledby") == page.locator(".tab-offres").get_attribute("id")
