"""Browser actions decided by the server, without ``eval``.

A script returned by an event handler (``rx.call_script``) reaches the browser as a string
that Reflex runs with ``eval`` — which our Content-Security-Policy forbids (no
``'unsafe-eval'``, see ``mystage/api/security.py``).  Instead the handler sets a state var and
the page holds one of these components: compiled code (a React effect) that acts when the var
changes.

Changes that arrive while the page is hydrating (the tab's state from an earlier visit, what
``on_load`` sets) are taken as the starting point, not acted upon: only a change made by an
event after that (a login, a filter) moves the browser.  Only paths of this site are
followed (``/…``, never ``//host`` or another scheme).
"""

from __future__ import annotations

import hashlib

import reflex as rx
from reflex_base.components.component import field
from reflex_base.utils.imports import ImportVar
from reflex_base.vars.base import Var, VarData
from reflex_components_core.base.fragment import Fragment

_LOCAL_PATH = 'typeof v === "string" && v.startsWith("/") && !v.startsWith("//")'

ACTIONS = {
    # A full page load (an HTTP route such as /api/session, which rx.redirect cannot open).
    "load": f"if ({_LOCAL_PATH}) window.location.assign(v);",
    # The address bar follows the view, without loading anything (history.replaceState).  Same
    # page only (the static server may have added a trailing slash to the path).
    "address": (
        f"if ({_LOCAL_PATH}) {{ const u = new URL(v, window.location.origin);"
        ' const strip = (p) => p.replace(/\\/+$/, "");'
        " if (strip(u.pathname) === strip(window.location.pathname)"
        " && u.pathname + u.search !== window.location.pathname + window.location.search)"
        ' window.history.replaceState(window.history.state, "", u.pathname + u.search); }'
    ),
    # Bring an element into view: ``v`` is ``"<element id>#<nonce>"`` (scroll_request).
    "scroll": (
        'if (typeof v === "string" && v) { const el = document.getElementById(v.split("#")[0]);'
        " if (el) el.scrollIntoView(); }"
    ),
}


class _OnChange(Fragment):
    """Runs ``ACTIONS[action]`` with ``v`` = the new value when ``value`` changes after the
    page is hydrated.  Renders nothing."""

    value: Var[str]
    action: str = field(default="load", is_javascript_property=False)

    def _exclude_props(self) -> list[str]:
        return [*super()._exclude_props(), "value"]

    def add_imports(self) -> dict:
        return {"react": [ImportVar(tag="useEffect"), ImportVar(tag="useRef")]}

    def add_hooks(self) -> list[str | Var]:
        value = str(self.value)
        hydrated = rx.State.is_hydrated
        ref = "mystage_prev_" + hashlib.sha256(f"{self.action}:{value}".encode()).hexdigest()[:10]
        # {ref}.current: the last value seen, and whether the page was hydrated then.  The
        # first value seen once hydrated is the starting point; later changes act.
        effect = (
            f"useEffect(() => {{ const v = {value}; const seen = {ref}.current;"
            f" {ref}.current = {{ v: v, armed: !!{hydrated!s} }};"
            f" if (!{hydrated!s} || !seen.armed || seen.v === v) return;"
            f" {ACTIONS[self.action]} }}, [{value}, {hydrated!s}]);"
        )
        data = VarData.merge(self.value._get_all_var_data(), hydrated._get_all_var_data())
        return [
            Var(f"const {ref} = useRef({{ v: undefined, armed: false }});"),
            Var(effect, _var_data=data),
        ]


def document_load(url: Var[str]) -> rx.Component:
    """Load ``url`` (a path of this site) as a new page when the server sets it."""
    return _OnChange.create(value=url, action="load")


def address_sync(address: Var[str]) -> rx.Component:
    """Rewrite the address bar to ``address`` (same page, new query) when the server sets it."""
    return _OnChange.create(value=address, action="address")


def scroll_into_view(request: Var[str]) -> rx.Component:
    """Scroll to the element a handler named with ``state.navigation.scroll_request``
    (``rx.scroll_to`` returned by a handler would be eval'd)."""
    return _OnChange.create(value=request, action="scroll")
