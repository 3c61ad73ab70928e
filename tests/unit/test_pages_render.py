"""Every registered page builds and renders to the component tree Reflex compiles (a moved
state var, a missing import or a wrong event reference fails here, without a browser)."""

from __future__ import annotations

import pytest

import mystage.mystage  # noqa: F401  (registers every page)
from mystage.components.layout import PAGES


@pytest.mark.parametrize("route", [p[0] for p in PAGES])
def test_page_renders(route):
    (component,) = [p[2] for p in PAGES if p[0] == route]
    tree = component().render()
    assert tree["name"] or tree["children"]


def test_every_page_has_a_french_title_and_the_session_loader():
    from mystage.state.session import SessionState

    assert len(PAGES) > 40
    for route, title, _component, loads in PAGES:
        assert title.endswith(" — MyStage") and len(title) > len(" — MyStage"), route
        assert loads[0] == SessionState.load_session, route


def test_pupils_read_the_password_hint_with_tu():
    """A pupil signing up (by class code or invitation, or choosing « Élève » on /inscription)
    reads « évite … ton nom »; adults read « évitez … votre nom »."""
    import json

    def rendered(route: str) -> str:
        (component,) = [p[2] for p in PAGES if p[0] == route]
        return json.dumps(component().render(), ensure_ascii=False, default=str)

    class_signup = [r for r, *_ in PAGES if r.startswith("/classe/")]
    assert class_signup, "the class code sign-up page"
    page = rendered(class_signup[0])
    assert "ton nom." in page and "votre nom." not in page
    generic = rendered("/inscription")
    assert "ton nom." in generic and "votre nom." in generic  # chosen by the role
    assert "votre nom." in rendered("/inscription/etablissement")
